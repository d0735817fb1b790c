/**
 * Native sources in the stack (issue 16): an EventBridge rule per enabled source, to the alarm topic, and only those
 * rules may publish (topic policy) and encrypt (key policy). cdk-nag runs in buildApp and fails the synth.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../../lambdas/shared/env.ts';
import { SourcesSchema } from '../../lambdas/core/sources/config.ts';
import { buildApp } from '../../lib/build-app.ts';
import { NativeSources } from '../../lib/constructs/native-sources.ts';

const example = (
  JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: { environments: Record<string, object> } }
).context.environments.example!;

function synth(extra: object, region?: string) {
  const environments = {
    test: { ...example, ...(region ? { region, account: '123456789012' } : {}), ...extra },
  };
  const app = new App({ context: { environments, 'aws:cdk:bundling-stacks': [] } });
  const [stack] = buildApp(app, ['test']);
  app.synth();
  return { template: Template.fromStack(stack!), stack: stack! };
}

type Statement = { Sid?: string; Principal?: unknown; Action?: unknown; Condition?: unknown; Effect: string };

function statements(template: Template, type: string, property: string): Statement[] {
  return Object.values(template.findResources(type)).flatMap(
    (r) =>
      ((r as { Properties: Record<string, { Statement: Statement[] }> }).Properties[property]?.Statement ??
        []) as Statement[],
  );
}

const RULE_ARNS = Match.arrayWith([
  Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':rule/Dispatch-test-GuardDuty'])] }),
]);

describe('native sources in the stack', () => {
  const all = synth({
    sources: {
      guardduty: {
        enabled: true,
        selfServiceFindingTypes: ['UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B'],
      },
      securityHub: { enabled: true },
      cloudwatch: { enabled: true, type: 'low-priority' },
      rootSignIn: { enabled: true },
    },
  }).template;

  it('creates no rule and no EventBridge permission when no source is enabled (the default)', () => {
    // Act
    const { template } = synth({});
    // Assess
    template.resourceCountIs('AWS::Events::Rule', 0);
    const topicPolicies = statements(template, 'AWS::SNS::TopicPolicy', 'PolicyDocument');
    const keyPolicies = statements(template, 'AWS::KMS::Key', 'KeyPolicy');
    expect(JSON.stringify([...topicPolicies, ...keyPolicies])).not.toContain('events.amazonaws.com');
  });

  it('sends each enabled source’s events to the alarm topic with the documented patterns', () => {
    const topic = { Ref: Match.stringLikeRegexp('IncomingAlarms') };
    all.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] },
      Targets: [Match.objectLike({ Arn: topic })],
    });
    all.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.securityhub'],
        'detail-type': ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            Workflow: { Status: ['NEW', 'RESOLVED', 'SUPPRESSED'] },
            // GuardDuty is enabled too: its findings come straight from GuardDuty, not twice.
            ProductName: [{ 'anything-but': 'GuardDuty' }],
          },
        },
      },
      Targets: [Match.objectLike({ Arn: topic })],
    });
    all.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { state: { value: ['ALARM', 'OK'] } },
      },
      Targets: [Match.objectLike({ Arn: topic })],
    });
    all.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.signin'],
        'detail-type': ['AWS Console Sign In via CloudTrail'],
        detail: { eventName: ['ConsoleLogin'], userIdentity: { type: ['Root'] } },
      },
      Targets: [Match.objectLike({ Arn: topic })],
    });
    all.resourceCountIs('AWS::Events::Rule', 4);
  });

  it('lets EventBridge publish to the topic for Dispatch’s rules only (aws:SourceArn)', () => {
    // Act
    const toEvents = statements(all, 'AWS::SNS::TopicPolicy', 'PolicyDocument').filter((s) =>
      JSON.stringify(s.Principal).includes('events.amazonaws.com'),
    );
    // Assess
    expect(toEvents).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sns:Publish',
        Condition: { ArnEquals: { 'aws:SourceArn': expect.any(Array) } },
      }),
    ]);
    expect(
      (toEvents[0]!.Condition as { ArnEquals: { 'aws:SourceArn': unknown[] } }).ArnEquals['aws:SourceArn'],
    ).toHaveLength(4);
    all.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': RULE_ARNS } },
          }),
        ]),
      },
    });
  });

  it('lets EventBridge use the topic’s KMS key under the same condition, and nothing more', () => {
    // Act
    const toEvents = statements(all, 'AWS::KMS::Key', 'KeyPolicy').filter((s) =>
      JSON.stringify(s.Principal).includes('events.amazonaws.com'),
    );
    // Assess
    expect(toEvents).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']),
        Condition: { ArnEquals: { 'aws:SourceArn': expect.arrayContaining([expect.anything()]) } },
      }),
    ]);
    all.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': RULE_ARNS } },
          }),
        ]),
      },
    });
  });

  it('gives the functions the settings as DISPATCH_SOURCES, which they accept', () => {
    // Act
    const functions = Object.values(all.findResources('AWS::Lambda::Function')) as {
      Properties: { Environment?: { Variables?: Record<string, string> } };
    }[];
    const values = functions.map((f) => f.Properties.Environment?.Variables?.DISPATCH_SOURCES);
    // Assess
    expect(values.every((v) => v !== undefined)).toBe(true);
    const parsed = EnvSchema.shape.DISPATCH_SOURCES.parse(values[0]);
    expect(parsed.cloudwatch.type).toBe('low-priority');
    expect(parsed.guardduty.selfServiceFindingTypes).toEqual([
      'UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B',
    ]);
    expect(values[0]).not.toContain('enabled');
  });

  it('leaves DISPATCH_SOURCES unset when only rules are enabled (the functions apply the same defaults)', () => {
    // Act
    const { template } = synth({ sources: { guardduty: { enabled: true } } });
    // Assess
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as {
      Properties: { Environment?: { Variables?: Record<string, string> } };
    }[];
    expect(functions.some((f) => f.Properties.Environment?.Variables?.DISPATCH_SOURCES)).toBe(false);
    template.resourceCountIs('AWS::Events::Rule', 1);
  });

  it('warns that a root sign-in rule outside us-east-1 never matches', () => {
    // Prepare
    const stack = new Stack(new App(), 'Frankfurt', {
      env: { account: '123456789012', region: 'eu-central-1' },
    });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'Topic', { masterKey: key });
    // Act
    new NativeSources(stack, 'Sources', {
      topic,
      key,
      sources: SourcesSchema.parse({ rootSignIn: { enabled: true } }),
    });
    // Assess
    const warnings = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === 'aws:cdk:warning')
      .map((m) => String(m.data));
    expect(warnings.some((w) => w.includes('us-east-1 only'))).toBe(true);
  });

  it('refuses an unknown source or band with its path', () => {
    // Act / Assess
    expect(() => synth({ sources: { guardDuty: { enabled: true } } })).toThrow(
      /sources: unknown source "guardDuty": expected guardduty, securityHub, cloudwatch, rootSignIn/,
    );
    expect(() => synth({ sources: { guardduty: { severity: { medium: 'page' } } } })).toThrow(
      /sources\.guardduty\.severity\.medium: expected one of: high-priority, low-priority, drop/,
    );
  });
});
