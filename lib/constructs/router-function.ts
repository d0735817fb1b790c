/**
 * Defaults every Dispatch function shares: Node 22 on ARM64, an ESM bundle built on this machine by
 * scripts/bundle-lambda.mjs (esbuild, never Docker; the same bundle the benchmark measures), a log group with a
 * retention, and a role that can write only to that log group.
 */
import type { Duration } from 'aws-cdk-lib';
import { AssetHashType, DockerImage, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { execFileSync } from 'node:child_process';
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

const BUNDLER = join(PROJECT_ROOT, 'scripts/bundle-lambda.mjs');

/** The handler bundled locally; the asset hash is the bundle's, so unchanged code deploys nothing. */
function bundledCode(entry: string): lambda.Code {
  return lambda.Code.fromAsset(join(PROJECT_ROOT, 'lambdas'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('dispatch/never-used'),
      // Part of CDK's bundling cache key: without it, every function would get the first function's bundle.
      command: ['bundle', entry],
      local: {
        tryBundle(outputDir: string) {
          execFileSync(process.execPath, [BUNDLER, join(PROJECT_ROOT, entry), outputDir], {
            stdio: 'inherit',
          });
          return true;
        },
      },
    },
  });
}

export class RouterFunction extends Construct {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  /** The handler module, from the project root (test/infra/iam-as-used.test.ts reads what its code sends). */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: RouterFunctionProps) {
    super(scope, id);
    this.entry = props.entry;
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
    this.fn = new lambda.Function(this, 'Function', {
      code: bundledCode(props.entry),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      description: props.description,
      role: this.role,
      logGroup,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { ...props.environment, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
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
