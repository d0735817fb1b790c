/**
 * The Slack interactivity endpoint: an HTTP API route POST /slack/interactions, throttled, with access logs, to the
 * triage function, which answers Slack at once and queues the slow work for the triage worker. Worker invocations
 * that keep failing land in their own encrypted dead-letter queue.
 */
import type { CfnResource } from 'aws-cdk-lib';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RouterFunction } from './router-function.ts';

export const TRIAGE_ROUTE = '/slack/interactions';

export interface TriageApiProps {
  environment: Record<string, string>;
  rateLimit: number;
  burstLimit: number;
  key: kms.IKey;
  dlqRetentionDays: number;
  /** The Slack workspace/org and app whose clicks the triage function answers (cdk.json slack.teamId, slack.appId). */
  slack?: { teamId?: string | undefined; appId?: string | undefined };
}

export class TriageApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly fn: RouterFunction;
  readonly worker: RouterFunction;
  readonly dlq: sqs.Queue;
  readonly url: string;

  constructor(scope: Construct, id: string, props: TriageApiProps) {
    super(scope, id);
    this.dlq = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(props.dlqRetentionDays),
    });
    Validations.of(this.dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the triage worker.',
    });
    this.worker = new RouterFunction(this, 'Worker', {
      entry: 'lambdas/triage/worker.ts',
      description: 'Closes or escalates an answered self-service prompt',
      environment: props.environment,
      memoryMb: 512,
      timeout: Duration.seconds(60),
    });
    this.worker.fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(this.dlq) });
    this.worker.acknowledgeDeadLetterEncryption();

    this.fn = new RouterFunction(this, 'Function', {
      entry: 'lambdas/triage/handler.ts',
      description: 'Verifies Slack button clicks and records the answer',
      environment: {
        ...props.environment,
        DISPATCH_TRIAGE_WORKER: this.worker.fn.functionName,
        ...(props.slack?.teamId ? { DISPATCH_SLACK_TEAM_ID: props.slack.teamId } : {}),
        ...(props.slack?.appId ? { DISPATCH_SLACK_APP_ID: props.slack.appId } : {}),
      },
      memoryMb: 512,
      timeout: Duration.seconds(10),
    });
    this.worker.fn.grantInvoke(this.fn.role);
    Validations.of(this.fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.worker.fn.node.defaultChild as CfnResource)}.Arn>:*]`,
      reason: 'Invoking the worker function and its versions; nothing else.',
    });

    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Dispatch Slack interactivity',
      createDefaultStage: false,
    });
    this.api.addRoutes({
      path: TRIAGE_ROUTE,
      methods: [apigw.HttpMethod.POST],
      integration: new HttpLambdaIntegration('Triage', this.fn.fn),
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = new apigw.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
    });
    for (const route of this.api.node.children.filter((c) => c instanceof apigw.HttpRoute)) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Slack cannot send IAM or JWT credentials; every request is authenticated by its Slack signature (v0 HMAC, 5-minute window) in the function.',
      });
    }
    this.url = `${this.stage.url.replace(/\/$/, '')}${TRIAGE_ROUTE}`;
  }
}
