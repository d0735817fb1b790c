/**
 * Defaults every Dispatch function shares: Node 22 on ARM64, an ESM bundle built by local esbuild (no Docker),
 * the AWS SDK bundled in (it loads faster than the runtime's copy), a log group with a retention, and a role
 * that can write only to that log group.
 */
import type { Duration } from 'aws-cdk-lib';
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RouterFunctionProps {
  /** Path of the handler module from the project root, e.g. lambdas/incoming/handler.ts */
  entry: string;
  description: string;
  environment: Record<string, string>;
  memoryMb: number;
  timeout: Duration;
  reservedConcurrency?: number | undefined;
}

export class RouterFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: RouterFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (Dispatch)`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroup.logGroupArn}:*`],
      }),
    );
    Validations.of(this.role).acknowledge({
      id:
        'AwsSolutions-IAM5[Resource::<' +
        Stack.of(this).getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup) +
        '.Arn>:*]',
      reason: 'Log streams are created at run time; the grant is limited to this function’s own log group.',
    });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      description: props.description,
      role: this.role,
      logGroup,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { ...props.environment, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        minify: true,
        sourceMap: false,
        mainFields: ['module', 'main'],
        externalModules: [],
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        forceDockerBundling: false,
      },
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Dispatch targets the Node.js 22 runtime deliberately; it is supported and the bundle is tested on it.',
    });
  }

  /** Sends failed invocations to an encrypted dead-letter queue; CDK grants the KMS data-key actions for that. */
  acknowledgeDeadLetterEncryption(): void {
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason:
          'Needed to encrypt failure records into the dead-letter queue; limited to the one Dispatch key.',
      });
    }
  }
}
