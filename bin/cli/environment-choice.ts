/** Which environment of cdk.json a command works on (--env NAME), with errors that say what to run instead. */
import { environmentConfig, type EnvironmentConfig } from '../../lib/config.ts';

/**
 * The environment `name` from cdk.json's `context.environments`. A missing or unknown name is named with the
 * environments there and the command to run (`npx dispatch COMMAND --env NAME`), not the CDK's deploy hint.
 */
export function chooseEnvironment(
  environments: unknown,
  name: unknown,
  command: string,
): EnvironmentConfig & { name: string } {
  const known = Object.keys((environments ?? {}) as Record<string, unknown>);
  const run = `npx dispatch ${command} --env ${known[0] ?? 'NAME'}`;
  const listed = known.length
    ? `cdk.json has ${known.join(', ')}`
    : 'cdk.json has none yet (see README, "Deploy")';
  if (typeof name !== 'string' || name === '')
    throw new Error(`which environment? Give --env NAME (${listed}), e.g. ${run}`);
  if (!known.includes(name))
    throw new Error(`No environment "${name}" in cdk.json context "environments" (${listed}); e.g. ${run}`);
  try {
    return environmentConfig(environments, name);
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\nFix cdk.json, then run: npx dispatch ${command} --env ${name}`,
      {
        cause: error,
      },
    );
  }
}

/** The environment `name` of the cdk.json whose text is `cdkJson`, as chooseEnvironment gives it. */
export function environmentIn(
  cdkJson: string,
  name: unknown,
  command: string,
): EnvironmentConfig & { name: string } {
  const cdk = JSON.parse(cdkJson) as { context?: { environments?: unknown } };
  return chooseEnvironment(cdk.context?.environments, name, command);
}
