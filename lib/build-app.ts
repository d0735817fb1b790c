/** Builds one stack per named environment and adds the cdk-nag AwsSolutions checks (they fail the synth). */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { environmentConfig } from './config.ts';
import { DispatchStack } from './dispatch-stack.ts';

export function buildApp(app: App, envNames: unknown[]): DispatchStack[] {
  const environments = app.node.tryGetContext('environments');
  const stacks = envNames.map((name) => {
    const config = environmentConfig(environments, name);
    return new DispatchStack(app, `Dispatch-${config.name}`, {
      envName: config.name,
      config,
      env: config.account || config.region ? { account: config.account, region: config.region } : undefined,
      description: `Dispatch alarm router (${config.name})`,
      tags: { application: 'dispatch', environment: config.name },
    });
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stacks;
}
