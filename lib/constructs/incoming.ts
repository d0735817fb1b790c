/**
 * The alarm path: an encrypted SNS topic, the incoming function subscribed to it, and one encrypted dead-letter
 * queue for both SNS delivery failures and invocations that still fail after Lambda's retries (the record keeps
 * the error message: the reason).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RouterFunction } from './router-function.ts';

export interface IncomingProps {
  environment: Record<string, string>;
  memoryMb: number;
  timeoutSeconds: number;
  reservedConcurrency?: number | undefined;
  publishers: string[];
  dlqRetentionDays: number;
}

export class Incoming extends Construct {
  readonly key: kms.Key;
  readonly topic: sns.Topic;
  readonly dlq: sqs.Queue;
  readonly fn: RouterFunction;

  constructor(scope: Construct, id: string, props: IncomingProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: 'Dispatch: encrypts the alarm topic and the dead-letter queue',
    });
    this.topic = new sns.Topic(this, 'Alarms', {
      masterKey: this.key,
      enforceSSL: true,
      displayName: 'Dispatch alarms',
    });
    for (const publisher of props.publishers) {
      const principal = /^\d{12}$/.test(publisher)
        ? new iam.AccountPrincipal(publisher)
        : new iam.ArnPrincipal(publisher);
      this.topic.grantPublish(principal);
      this.key.grant(principal, 'kms:GenerateDataKey*', 'kms:Decrypt');
    }

    this.dlq = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(props.dlqRetentionDays),
    });
    Validations.of(this.dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue; `dispatch redrive` moves its alarms back to the topic.',
    });
    // SNS must encrypt what it dead-letters into the queue.
    this.key.grant(new iam.ServicePrincipal('sns.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:Decrypt');

    this.fn = new RouterFunction(this, 'Function', {
      entry: 'lambdas/incoming/handler.ts',
      description: 'Routes alarms from SNS to Slack, GitHub and PagerDuty',
      environment: props.environment,
      memoryMb: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      reservedConcurrency: props.reservedConcurrency,
    });
    this.fn.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.dlq),
    });
    this.fn.acknowledgeDeadLetterEncryption();
    this.topic.addSubscription(new subs.LambdaSubscription(this.fn.fn, { deadLetterQueue: this.dlq }));
  }
}
