/**
 * Dispatch watching itself. Its alarms go to an operations topic that does not pass through Dispatch (a broken
 * router cannot report its own failure): a new topic with an email subscription, or an existing topic.
 */
import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';

export interface MonitoringProps {
  functions: Record<string, lambda.IFunction>;
  deadLetterQueues: Record<string, sqs.IQueue>;
  api: apigw.HttpApi;
  email?: string | undefined;
  topicArn?: string | undefined;
}

export class Monitoring extends Construct {
  readonly opsTopic: sns.ITopic;
  readonly alarms: cw.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    if (props.topicArn) {
      this.opsTopic = sns.Topic.fromTopicArn(this, 'OpsTopic', props.topicArn);
    } else {
      const key = new kms.Key(this, 'Key', {
        enableKeyRotation: true,
        description: 'Dispatch: encrypts the operations topic',
      });
      key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:Decrypt');
      const topic = new sns.Topic(this, 'OpsTopic', {
        masterKey: key,
        enforceSSL: true,
        displayName: 'Dispatch operations',
      });
      if (props.email) topic.addSubscription(new subs.EmailSubscription(props.email));
      this.opsTopic = topic;
    }
    const action = new SnsAction(this.opsTopic);
    const alarm = (name: string, metric: cw.IMetric, description: string) => {
      const a = new cw.Alarm(this, name, {
        metric,
        threshold: 0,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
    };
    const period = Duration.minutes(5);
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `${name}Errors`,
        fn.metricErrors({ period, statistic: 'Sum' }),
        `Dispatch ${name} function reported errors`,
      );
      alarm(
        `${name}Throttles`,
        fn.metricThrottles({ period, statistic: 'Sum' }),
        `Dispatch ${name} function was throttled`,
      );
    }
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name}DeadLetters`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        `Dispatch ${name} dead-letter queue holds messages: see README "Dead letters" and run dispatch redrive`,
      );
    }
    alarm(
      'Api5xx',
      props.api.metricServerError({ period, statistic: 'Sum' }),
      'Dispatch triage API answered 5xx',
    );
  }
}
