/**
 * Native sources: for each source with `enabled: true` (cdk.json `sources`), an EventBridge rule on the account's
 * default bus that sends its events, unchanged, to the alarm topic (lambdas/core/sources/ translates them).
 *
 * Only these rules may publish: the topic policy allows `events.amazonaws.com` to publish when `aws:SourceArn` is
 * one of them, and the topic's KMS key lets EventBridge encrypt (and SNS deliver) under the same condition
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions).
 */
import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CLOUDWATCH_PATTERN } from '../../lambdas/core/sources/cloudwatch.ts';
import {
  DEFAULT_SOURCES,
  SOURCE_NAMES,
  type SourceName,
  type SourcesConfig,
} from '../../lambdas/core/sources/config.ts';
import { GUARDDUTY_PATTERN } from '../../lambdas/core/sources/guardduty.ts';
import { ROOT_SIGN_IN_PATTERN } from '../../lambdas/core/sources/root-sign-in.ts';
import { securityHubPattern } from '../../lambdas/core/sources/security-hub.ts';

export interface NativeSourcesProps {
  /** The alarm topic the rules publish to. */
  topic: sns.Topic;
  /** The topic's key. */
  key: kms.Key;
  sources: SourcesConfig;
}

const RULES: Record<SourceName, { id: string; description: string }> = {
  guardduty: { id: 'GuardDuty', description: 'Dispatch: GuardDuty findings to the alarm topic' },
  securityHub: { id: 'SecurityHub', description: 'Dispatch: Security Hub findings to the alarm topic' },
  cloudwatch: {
    id: 'CloudWatch',
    description: 'Dispatch: CloudWatch alarm state changes to the alarm topic',
  },
  rootSignIn: { id: 'RootSignIn', description: 'Dispatch: root console sign-ins to the alarm topic' },
};

/** A pattern as EventBridge writes it (`detail-type`) as CDK takes it (`detailType`). */
function cdkPattern(pattern: {
  source: string[];
  'detail-type': string[];
  detail?: object;
}): events.EventPattern {
  return {
    source: pattern.source,
    detailType: pattern['detail-type'],
    ...(pattern.detail ? { detail: pattern.detail as Record<string, unknown> } : {}),
  };
}

export function sourcePattern(name: SourceName, sources: SourcesConfig): events.EventPattern {
  switch (name) {
    case 'guardduty':
      return cdkPattern(GUARDDUTY_PATTERN);
    case 'securityHub':
      return cdkPattern(securityHubPattern({ withoutGuardDuty: sources.guardduty.enabled }));
    case 'cloudwatch':
      return cdkPattern(CLOUDWATCH_PATTERN);
    case 'rootSignIn':
      return cdkPattern(ROOT_SIGN_IN_PATTERN);
  }
}

export class NativeSources extends Construct {
  readonly rules: Partial<Record<SourceName, events.Rule>> = {};

  constructor(scope: Construct, id: string, props: NativeSourcesProps) {
    super(scope, id);
    const { topic, key, sources } = props;
    const ruleArns: string[] = [];
    for (const name of SOURCE_NAMES) {
      if (!sources[name].enabled) continue;
      // Named, so the policies can name its ARN without referring to the rule (key -> rule -> topic -> key).
      const ruleName = `${Stack.of(this).stackName}-${RULES[name].id}`.slice(0, 64);
      ruleArns.push(
        Stack.of(this).formatArn({ service: 'events', resource: 'rule', resourceName: ruleName }),
      );
      const rule = new events.Rule(this, RULES[name].id, {
        ruleName,
        description: RULES[name].description,
        eventPattern: sourcePattern(name, sources),
      });
      // The event as it is: the incoming function recognises it. Permission comes from the policies below, not
      // from the default SNS target (which would let every rule in every account publish).
      rule.addTarget({ bind: () => ({ arn: topic.topicArn }) });
      this.rules[name] = rule;
    }
    const region = Stack.of(this).region;
    if (this.rules.rootSignIn && !Token.isUnresolved(region) && region !== 'us-east-1') {
      Annotations.of(this.rules.rootSignIn).addWarningV2(
        'dispatch:rootSignInRegion',
        `Root console sign-in events are recorded in us-east-1 only; this rule in ${region} will never match. Deploy an environment in us-east-1 with sources.rootSignIn.enabled.`,
      );
    }
    if (ruleArns.length === 0) return;
    const eventBridge = new iam.ServicePrincipal('events.amazonaws.com');
    const fromDispatchRules = { ArnEquals: { 'aws:SourceArn': ruleArns } };
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DispatchRulesPublish',
        principals: [eventBridge],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: fromDispatchRules,
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DispatchRulesEncrypt',
        principals: [eventBridge],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: fromDispatchRules,
      }),
    );
  }
}

/**
 * DISPATCH_SOURCES for the functions: the `sources` setting, without the `enabled` flags (only the stack reads them),
 * and nothing when every other setting is a default (the functions apply the same defaults).
 */
export function sourcesEnvironment(sources: SourcesConfig): Record<string, string> {
  const forFunctions = (s: SourcesConfig) =>
    JSON.stringify(
      Object.fromEntries(
        SOURCE_NAMES.map((name) => {
          const { enabled: _enabled, ...rest } = s[name];
          return [name, rest];
        }),
      ),
    );
  const json = forFunctions(sources);
  return json === forFunctions(DEFAULT_SOURCES) ? {} : { DISPATCH_SOURCES: json };
}
