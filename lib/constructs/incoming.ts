/**
 * The alarm path: an encrypted SNS topic, the incoming function subscribed to it, and one encrypted dead-letter
 * queue for SNS delivery failures, for invocations that still fail after Lambda's retries (the record keeps the
 * error message: the reason), and for alarms the function rejects, which it sends there itself at once.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
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
  /** Named producers: each gets its own topic, publishers and allowed types. */
  producers: Record<string, { publishers: string[]; types: readonly string[] }>;
  dlqRetentionDays: number;
}

export class Incoming extends Construct {
  readonly key: kms.Key;
  readonly topic: sns.Topic;
  /** Each named producer's own topic, by name. */
  readonly producerTopics: Record<string, sns.Topic> = {};
  readonly dlq: sqs.Queue;
  readonly fn: RouterFunction;

  constructor(scope: Construct, id: string, props: IncomingProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: 'Dispatch: encrypts the alarm topic and the dead-letter queue',
    });
    this.topic = this.alarmTopic('Alarms', 'Dispatch alarms', props.publishers);
    for (const [name, producer] of Object.entries(props.producers)) {
      this.producerTopics[name] = this.alarmTopic(
        `Producer-${name}`,
        `Dispatch alarms from ${name}`,
        producer.publishers,
      );
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

    // The function knows a producer by the topic an alarm arrived on.
    const producers = Object.fromEntries(
      Object.entries(props.producers).map(([name, p]) => [
        name,
        { types: p.types, topicArn: this.producerTopics[name]!.topicArn },
      ]),
    );
    this.fn = new RouterFunction(this, 'Function', {
      entry: 'lambdas/incoming/handler.ts',
      description: 'Routes alarms from SNS to Slack, GitHub and PagerDuty',
      environment: {
        ...props.environment,
        // A rejected alarm goes here at once, in the shape of Lambda's failure record (lambdas/incoming/dead-letter.ts).
        DISPATCH_DEAD_LETTER_QUEUE_URL: this.dlq.queueUrl,
        ...(Object.keys(producers).length
          ? { DISPATCH_PRODUCERS: Stack.of(this).toJsonString(producers) }
          : {}),
      },
      memoryMb: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      reservedConcurrency: props.reservedConcurrency,
    });
    this.fn.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.dlq),
    });
    // The function's own SendMessage for rejected alarms, with the key's data-key actions (the same statement the
    // destination adds for Lambda, which sends failure records with the function's role).
    this.dlq.grantSendMessages(this.fn.fn);
    this.fn.acknowledgeDeadLetterEncryption();
    for (const topic of [this.topic, ...Object.values(this.producerTopics)]) {
      topic.addSubscription(new subs.LambdaSubscription(this.fn.fn, { deadLetterQueue: this.dlq }));
    }
  }

  /** An encrypted topic that only the given accounts or principals (and this account) may publish to. */
  private alarmTopic(id: string, displayName: string, publishers: string[]): sns.Topic {
    const topic = new sns.Topic(this, id, { masterKey: this.key, enforceSSL: true, displayName });
    for (const publisher of publishers) {
      const principal = /^\d{12}$/.test(publisher)
        ? new iam.AccountPrincipal(publisher)
        : new iam.ArnPrincipal(publisher);
      topic.grantPublish(principal);
      this.key.grant(principal, 'kms:GenerateDataKey*', 'kms:Decrypt');
    }
    return topic;
  }
}
