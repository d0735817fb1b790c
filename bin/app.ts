/** The CDK app: `npx cdk deploy -c env=<name>` deploys the environment of that name from cdk.json. */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/build-app.ts';

const app = new App();
try {
  buildApp(app, [app.node.tryGetContext('env')]);
} catch (error) {
  console.error(`dispatch: ${(error as Error).message}`);
  process.exit(1);
}
app.synth();
