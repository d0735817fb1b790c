import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../../lambdas/shared/env.ts';
import { buildApp } from '../../lib/build-app.ts';

const cdkJson = JSON.parse(readFileSync('cdk.json', 'utf8')) as {
  context: { environments: Record<string, unknown> };
};
const environments = cdkJson.context.environments;

/** Synthesises environments without bundling (one test below bundles for real). */
function synth(names: string[], envs: Record<string, unknown> = environments) {
  const app = new App({ context: { environments: envs, 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildApp(app, names);
  app.synth();
  return { app, stacks, templates: stacks.map((s) => Template.fromStack(s)) };
}

const { templates } = synth(['example', 'example-rest']);
const example = templates[0]!;
const rest = templates[1]!;

function functionByDescription(template: Template, description: string) {
  const found = template.findResources('AWS::Lambda::Function', { Properties: { Description: description } });
  const [id, resource] = Object.entries(found)[0]!;
  return { id, props: (resource as { Properties: Record<string, unknown> }).Properties };
}

function policyOf(template: Template, fnDescription: string) {
  const { props } = functionByDescription(template, fnDescription);
  const roleId = (props.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties
        .PolicyDocument.Statement,
  );
}

const INCOMING = 'Routes alarms from SNS to Slack, GitHub and PagerDuty';
const TRIAGE = 'Verifies Slack button clicks and records the answer';
const WORKER = 'Closes or escalates an answered self-service prompt';

describe('the alarm path', () => {
  it('subscribes the incoming function to the encrypted topic, SNS failures going to the DLQ', () => {
    const { id } = functionByDescription(example, INCOMING);
    example.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [id, 'Arn'] },
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('IncomingDeadLetters'), 'Arn'] },
      },
    });
    example.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: Match.anyValue(),
      DisplayName: 'Dispatch alarms',
    });
  });

  it('retries a failed invocation twice, then dead-letters it with its error', () => {
    example.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionByDescription(example, INCOMING).id },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('IncomingDeadLetters'), 'Arn'] } },
      },
    });
  });

  it('tells the incoming function, and only it, its dead-letter queue, and lets it send there and encrypt', () => {
    // Prepare
    const variables = (fn: string) =>
      (functionByDescription(example, fn).props.Environment as { Variables: Record<string, unknown> })
        .Variables;
    // Assess: rejected alarms go there at once, without Lambda's retries
    expect(variables(INCOMING).DISPATCH_DEAD_LETTER_QUEUE_URL).toEqual({
      Ref: Object.keys(example.findResources('AWS::SQS::Queue')).find((id) =>
        id.startsWith('IncomingDeadLetters'),
      ),
    });
    for (const fn of [TRIAGE, WORKER])
      expect(variables(fn)).not.toHaveProperty('DISPATCH_DEAD_LETTER_QUEUE_URL');
    expect(policyOf(example, INCOMING)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: expect.arrayContaining(['sqs:SendMessage']),
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^IncomingDeadLetters/), 'Arn'] },
        }),
        expect.objectContaining({
          Action: expect.arrayContaining(['kms:GenerateDataKey*', 'kms:Decrypt']),
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^IncomingKey/), 'Arn'] },
        }),
      ]),
    );
  });

  it('keeps dead letters encrypted for 14 days', () => {
    example.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: Match.anyValue(),
      MessageRetentionPeriod: 14 * 86_400,
    });
  });

  it('runs Node 22 on ARM64 with a deliberate timeout, and caps concurrency when configured', () => {
    const incoming = functionByDescription(rest, INCOMING).props;
    expect(incoming).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 60,
      MemorySize: 512,
      ReservedConcurrentExecutions: 5,
    });
    expect(functionByDescription(example, INCOMING).props.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('lets the configured accounts publish', () => {
    rest.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sns:Publish',
            Principal: { AWS: { 'Fn::Join': ['', Match.arrayWith([':iam::111122223333:root'])] } },
          }),
        ]),
      },
    });
  });
});

describe('configuration reaches the functions', () => {
  it('sets every variable the handlers require, and the SSM path rather than any secret', () => {
    // Prepare
    const required = Object.entries(EnvSchema.shape)
      .filter(([, schema]) => !schema.safeParse(undefined).success)
      .map(([name]) => name);
    // Act
    const variables = (
      functionByDescription(example, INCOMING).props.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    // Assess
    for (const name of required) expect(variables).toHaveProperty(name);
    expect(variables).toMatchObject({
      DISPATCH_SSM_PREFIX: '/dispatch/example',
      DISPATCH_GITHUB_OWNER: 'acme',
      DISPATCH_PAGERDUTY_MODE: 'events',
    });
    expect(Object.keys(variables).filter((k) => /TOKEN|SECRET|ROUTING_KEY/.test(k))).toEqual([]);
  });

  it('passes the REST mode settings and the GitHub Enterprise URL', () => {
    const variables = (
      functionByDescription(rest, WORKER).props.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(variables).toMatchObject({
      DISPATCH_PAGERDUTY_MODE: 'rest',
      DISPATCH_PAGERDUTY_SERVICE_ID: 'PABC123',
      DISPATCH_PAGERDUTY_FROM: 'oncall@example.com',
      DISPATCH_GITHUB_API_URL: 'https://ghe.example.com/api/v3',
      DISPATCH_GITHUB_AUTH: 'app',
      DISPATCH_GITHUB_APP_ID: '123456',
      DISPATCH_GITHUB_APP_INSTALLATION_ID: '7654321',
    });
  });

  it('binds the triage function, and only it, to the configured Slack workspace and app (issue 12)', () => {
    // Prepare
    const variables = (template: Template, fn: string) =>
      (functionByDescription(template, fn).props.Environment as { Variables: Record<string, unknown> })
        .Variables;
    // Assess
    expect(variables(rest, TRIAGE)).toMatchObject({
      DISPATCH_SLACK_TEAM_ID: 'T0123ABCD',
      DISPATCH_SLACK_APP_ID: 'A0123ABCD',
    });
    for (const fn of [INCOMING, WORKER])
      expect(variables(rest, fn)).not.toHaveProperty('DISPATCH_SLACK_TEAM_ID');
    expect(variables(example, TRIAGE)).not.toHaveProperty('DISPATCH_SLACK_TEAM_ID');
    expect(variables(example, TRIAGE)).not.toHaveProperty('DISPATCH_SLACK_APP_ID');
  });

  it('refuses a Slack team or app ID that is not one, naming the setting', () => {
    const bad = (slack: Record<string, string>) => ({
      github: { owner: 'a', defaultRepo: 'r', defaultUser: 'u' },
      slack: { defaultChannel: 'C0123456789', ...slack },
    });
    expect(() => synth(['bad'], { bad: bad({ teamId: 'acme.slack.com' }) })).toThrow(
      /environments\.bad\.slack\.teamId: must be a Slack team ID \(T…\) or Enterprise Grid org ID \(E…\)/,
    );
    expect(() => synth(['bad'], { bad: bad({ appId: 't0123abcd' }) })).toThrow(
      /environments\.bad\.slack\.appId: must be a Slack app ID \(A…\)/,
    );
  });

  it('tells the triage function which worker to queue work for', () => {
    const variables = (
      functionByDescription(example, TRIAGE).props.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(variables.DISPATCH_TRIAGE_WORKER).toEqual({ Ref: functionByDescription(example, WORKER).id });
  });
});

describe('least privilege', () => {
  const ssmResources = (template: Template, fn: string) =>
    policyOf(template, fn)
      .filter((s) => JSON.stringify(s.Action).includes('ssm:'))
      .flatMap((s) => s.Resource as unknown[])
      .map((r) => JSON.stringify(r).match(/parameter\/dispatch\/[\w/-]+/)?.[0]);

  it('lets each function read only its own secrets', () => {
    expect(ssmResources(example, INCOMING).sort()).toEqual([
      'parameter/dispatch/example/github/token',
      'parameter/dispatch/example/pagerduty/api-token',
      'parameter/dispatch/example/pagerduty/routing-key',
      'parameter/dispatch/example/slack/bot-token',
    ]);
    // The triage function opens the reason modal itself (views.open with the bot token; issue 15).
    expect(ssmResources(example, TRIAGE).sort()).toEqual([
      'parameter/dispatch/example/slack/bot-token',
      'parameter/dispatch/example/slack/signing-secret',
    ]);
    expect(ssmResources(rest, WORKER).sort()).toEqual([
      'parameter/dispatch/example-rest/github/app-private-key',
      'parameter/dispatch/example-rest/pagerduty/api-token',
      'parameter/dispatch/example-rest/slack/bot-token',
    ]);
  });

  it('lets the functions that page read the optional PagerDuty API token in Events mode (issue 13)', () => {
    // It resolves the service an alarm names; the code reads it when stored (FUNCTION_SECRETS).
    for (const fn of [INCOMING, WORKER]) {
      expect(ssmResources(example, fn)).toContain('parameter/dispatch/example/pagerduty/api-token');
    }
    expect(ssmResources(rest, INCOMING)).not.toContain(
      'parameter/dispatch/example-rest/pagerduty/routing-key',
    );
  });

  it('grants the ledger item operations only', () => {
    const ledger = policyOf(example, INCOMING).find((s) => s.Sid === 'Ledger')!;
    expect([...(ledger.Action as string[])].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
  });

  it('lets only the triage function invoke the worker', () => {
    const invokes = (fn: string) =>
      policyOf(example, fn).some((s) => JSON.stringify(s.Action).includes('lambda:InvokeFunction'));
    expect([invokes(TRIAGE), invokes(INCOMING), invokes(WORKER)]).toEqual([true, false, false]);
  });

  it('puts nothing secret in the template', () => {
    const text = JSON.stringify(example.toJSON());
    expect(text).not.toMatch(/xox[abp]-|ghp_|github_pat_|BEGIN [A-Z ]*PRIVATE KEY/);
  });
});

describe('the triage API', () => {
  it('routes POST /slack/interactions to the triage function, throttled and logged', () => {
    example.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /slack/interactions' });
    example.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });
});

describe('the ledger', () => {
  it('is on demand with TTL and point-in-time recovery, and is kept on delete', () => {
    example.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    });
  });
});

describe('prompt timers', () => {
  it('lets the incoming function and the worker (for a snooze end) set and cancel schedules in their own group', () => {
    const schedules = (fn: string) =>
      policyOf(example, fn)
        .filter((s) => JSON.stringify(s.Action).includes('scheduler:'))
        .map((s) => [s.Action, JSON.stringify(s.Resource).includes('schedule/dispatch-example/*')]);
    expect(schedules(INCOMING)).toEqual([
      ['scheduler:CreateSchedule', true],
      ['scheduler:DeleteSchedule', true],
    ]);
    expect(schedules(WORKER)).toEqual([
      ['scheduler:CreateSchedule', true],
      ['scheduler:DeleteSchedule', true],
    ]);
    expect(schedules(TRIAGE)).toEqual([]);
    expect(policyOf(example, INCOMING).some((s) => s.Action === 'iam:PassRole')).toBe(true);
    expect(policyOf(example, WORKER).some((s) => s.Action === 'iam:PassRole')).toBe(true);
  });

  it('has a schedule group and a scheduler role that may invoke the worker only', () => {
    example.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'dispatch-example' });
    const role = Object.entries(example.findResources('AWS::IAM::Role')).find(([, r]) =>
      JSON.stringify(r).includes('scheduler.amazonaws.com'),
    );
    expect(role).toBeDefined();
    const statements = Object.values(
      example.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role![0] }] } }),
    ).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } })
          .Properties.PolicyDocument.Statement,
    );
    expect(statements.map((s) => s.Action)).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(statements[0]!.Resource)).toContain(functionByDescription(example, WORKER).id);
  });

  it('tells the functions where timers go and the default deadline', () => {
    const incoming = (
      functionByDescription(example, INCOMING).props.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(incoming).toMatchObject({
      DISPATCH_SCHEDULE_GROUP: 'dispatch-example',
      DISPATCH_SCHEDULER_ROLE_ARN: expect.anything(),
      DISPATCH_TRIAGE_WORKER_ARN: expect.anything(),
      DISPATCH_PROMPT_DEADLINE_MINUTES: '240',
      DISPATCH_PROMPT_REMINDER: 'true',
      DISPATCH_STORM_WINDOW_SECONDS: '300',
      DISPATCH_STORM_NAG_WINDOW_SECONDS: '0',
      DISPATCH_USER_DM_CAP: '20',
      DISPATCH_USER_DM_WINDOW_SECONDS: '600',
    });
    const worker = (
      functionByDescription(example, WORKER).props.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(worker.DISPATCH_SCHEDULE_GROUP).toBe('dispatch-example');
  });
});

describe('monitoring', () => {
  it('alarms on errors and throttles of each function, dead letters and API 5xx, into the ops topic', () => {
    // Prepare
    const alarms = Object.values(example.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => (a as { Properties: { MetricName: string; AlarmActions: unknown[] } }).Properties,
    );
    const opsTopic = Object.keys(
      example.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'Dispatch operations' } }),
    )[0];
    // Assess
    expect(alarms.map((a) => a.MetricName).sort()).toEqual([
      '5xx',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'Errors',
      'Errors',
      'Throttles',
      'Throttles',
      'Throttles',
    ]);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: opsTopic }]);
    example.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'security-ops@example.com',
    });
  });
});

describe('outputs', () => {
  it('gives the topic ARN, the triage URL, the DLQ URL and the table name', () => {
    const outputs = Object.keys(example.findOutputs('*'));
    expect(outputs).toEqual(
      expect.arrayContaining(['AlarmTopicArn', 'TriageUrl', 'DeadLetterQueueUrl', 'LedgerTableName']),
    );
    expect(JSON.stringify(example.findOutputs('TriageUrl'))).toContain('/slack/interactions');
  });
});

describe('environments', () => {
  it('builds two environments as two independent stacks', () => {
    // Act
    const { stacks } = synth(['example', 'example-rest']);
    // Assess
    expect(stacks.map((s) => s.stackName)).toEqual(['Dispatch-example', 'Dispatch-example-rest']);
    expect(stacks[0]!.dependencies).toEqual([]);
    expect(JSON.stringify(templates[0]!.toJSON())).not.toContain('example-rest');
  });

  it('passes cdk-nag for an environment that names its account and region', () => {
    // Prepare
    const prod = {
      account: '123456789012',
      region: 'eu-west-1',
      github: { owner: 'acme', defaultRepo: 'alarms', defaultUser: 'acme/security' },
      slack: { defaultChannel: 'C0123456789' },
    };
    // Act / Assess (cdk-nag violations make the synth throw)
    expect(() => synth(['prod'], { prod })).not.toThrow();
  });

  it('names a missing setting and the environment it belongs to', () => {
    expect(() => synth(['broken'], { broken: { slack: { defaultChannel: 'C0123456789' } } })).toThrow(
      /environments\.broken\.github: required/,
    );
  });

  it('names the environments when none or an unknown one is chosen', () => {
    expect(() => synth([undefined as unknown as string])).toThrow(
      'Choose an environment: npx cdk deploy -c env=<name>. Environments in cdk.json: example, example-rest',
    );
    expect(() => synth(['prod'])).toThrow('No environment "prod"');
  });

  it('refuses a #channel name where a channel ID is needed', () => {
    const bad = {
      github: { owner: 'a', defaultRepo: 'r', defaultUser: 'u' },
      slack: { defaultChannel: '#security' },
    };
    expect(() => synth(['bad'], { bad })).toThrow(/slack\.defaultChannel: must be a Slack channel ID/);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('passes on both example environments (synth would throw otherwise)', () => {
    expect(() => synth(['example', 'example-rest'])).not.toThrow();
  });

  it('fails the synth when a resource breaks a rule without an acknowledgement', () => {
    // Prepare
    const app = new App({ context: { environments, 'aws:cdk:bundling-stacks': [] } });
    const [stack] = buildApp(app, ['example']);
    new sqs.Queue(stack!, 'Unencrypted', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    // Act / Assess
    expect(() => app.synth()).toThrow();
  });
});

describe('cdk synth from the command line', () => {
  it('works offline with no AWS credentials and bundles each function with local esbuild', async () => {
    // Prepare
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      CDK_DISABLE_VERSION_CHECK: 'true',
    };
    rmSync('cdk.out/test-synth', { recursive: true, force: true });
    // Act
    const { stdout } = await promisify(execFile)(
      'npx',
      ['cdk', 'synth', '-c', 'env=example', '--quiet', '-o', 'cdk.out/test-synth'],
      { env, timeout: 120_000 },
    );
    // Assess
    const manifest = JSON.parse(readFileSync('cdk.out/test-synth/Dispatch-example.assets.json', 'utf8')) as {
      files: Record<string, { source: { path: string; packaging: string } }>;
    };
    const bundles = Object.values(manifest.files).filter((f) => f.source.packaging === 'zip');
    const sizes = bundles.map((b) => statSync(`cdk.out/test-synth/${b.source.path}/index.mjs`).size);
    // Three different bundles (one per handler), each small enough to start fast.
    expect(new Set(bundles.map((b) => b.source.path)).size).toBe(3);
    for (const size of sizes) expect(size).toBeLessThan(800 * 1024);
    expect(stdout).not.toMatch(/error/i);
  }, 120_000);
});

describe('producers (issue 12)', () => {
  function topicId(template: Template, displayName: string): string {
    return Object.keys(
      template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: displayName } }),
    )[0]!;
  }

  it('gives each named producer its own encrypted topic that only its publishers may publish to', () => {
    // Prepare
    const id = topicId(rest, 'Dispatch alarms from idp');
    // Act
    const policies = Object.values(
      rest.findResources('AWS::SNS::TopicPolicy', { Properties: { Topics: [{ Ref: id }] } }),
    );
    // Assess
    rest.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'Dispatch alarms from idp',
      KmsMasterKeyId: Match.anyValue(),
    });
    const text = JSON.stringify(policies);
    expect(text).toContain(':iam::444455556666:root');
    expect(text).not.toContain(':iam::111122223333:root');
  });

  it('subscribes the incoming function to every producer topic, SNS failures going to the DLQ', () => {
    // Prepare
    const fn = functionByDescription(rest, INCOMING).id;
    // Act
    const subscriptions = Object.values(
      rest.findResources('AWS::SNS::Subscription', {
        Properties: { Endpoint: { 'Fn::GetAtt': [fn, 'Arn'] } },
      }),
    ) as { Properties: { TopicArn: { Ref: string }; RedrivePolicy: unknown } }[];
    // Assess
    expect(subscriptions.map((s) => s.Properties.TopicArn.Ref).sort()).toEqual(
      [topicId(rest, 'Dispatch alarms'), topicId(rest, 'Dispatch alarms from idp')].sort(),
    );
    for (const s of subscriptions)
      expect(JSON.stringify(s.Properties.RedrivePolicy)).toContain('DeadLetters');
  });

  it('tells the incoming function each producer’s topic and types, and outputs the topic', () => {
    // Act
    const variables = (
      functionByDescription(rest, INCOMING).props.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    // Assess
    const producers = JSON.stringify(variables.DISPATCH_PRODUCERS);
    expect(producers).toContain('\\"types\\":[\\"self-service\\",\\"high-priority\\"]');
    expect(producers).toContain(topicId(rest, 'Dispatch alarms from idp'));
    expect(Object.keys(rest.findOutputs('ProducerIdpTopicArn'))).toEqual(['ProducerIdpTopicArn']);
    expect(
      (functionByDescription(example, INCOMING).props.Environment as { Variables: Record<string, unknown> })
        .Variables,
    ).not.toHaveProperty('DISPATCH_PRODUCERS');
  });

  it.each([
    [{ default: { types: ['nag'] } }, /producers.default: "default" is the alarm topic itself/],
    [{ Billing: { types: ['nag'] } }, /producers\.Billing: producer names are lower-case/],
    [{ billing: { types: ['page'] } }, /producers\.billing\.types\.0: expected alarm types/],
    [{ billing: { types: [] } }, /producers\.billing\.types: name at least one alarm type/],
  ])('names what is wrong in a producer: %j', (producers, message) => {
    // Prepare
    const broken = {
      github: { owner: 'acme', defaultRepo: 'alarms', defaultUser: 'acme/security' },
      slack: { defaultChannel: 'C0123456789' },
      producers,
    };
    // Act / Assess
    expect(() => synth(['broken'], { broken })).toThrow(message);
  });
});

describe('events (issue 15)', () => {
  const variablesOf = (template: Template, fn: string) =>
    (functionByDescription(template, fn).props.Environment as { Variables: Record<string, unknown> })
      .Variables;
  /** Every events:* statement of every policy in the template, with the roles it is attached to. */
  const eventGrants = (template: Template) =>
    Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => {
      const { Roles, PolicyDocument } = (
        p as {
          Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Record<string, unknown>[] } };
        }
      ).Properties;
      return PolicyDocument.Statement.filter((s) => JSON.stringify(s.Action).includes('events:')).map(
        (s) => ({ roles: Roles.map((r) => r.Ref), action: s.Action, resource: JSON.stringify(s.Resource) }),
      );
    });
  const roleOf = (template: Template, fn: string) =>
    (functionByDescription(template, fn).props.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const withEvents = (events: Record<string, unknown>) => ({
    github: { owner: 'acme', defaultRepo: 'alarms', defaultUser: 'acme/security' },
    slack: { defaultChannel: 'C0123456789' },
    events,
  });

  it('publishes to the default bus unless told otherwise: only the incoming function and the worker may', () => {
    // Act
    const grants = eventGrants(example);
    // Assess
    expect(variablesOf(example, INCOMING).DISPATCH_EVENT_BUS).toBe('default');
    expect(variablesOf(example, WORKER).DISPATCH_EVENT_BUS).toBe('default');
    expect(variablesOf(example, TRIAGE)).not.toHaveProperty('DISPATCH_EVENT_BUS');
    expect(grants.map((g) => g.roles).sort()).toEqual(
      [[roleOf(example, INCOMING)], [roleOf(example, WORKER)]].sort(),
    );
    for (const g of grants) {
      expect(g.action).toBe('events:PutEvents');
      expect(g.resource).toMatch(
        /^\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":events:",\{"Ref":"AWS::Region"\},":",\{"Ref":"AWS::AccountId"\},":event-bus\/default"\]\]\}$/,
      );
    }
  });

  it('puts events on the configured bus only, and tells both functions its name', () => {
    // Act
    const {
      templates: [template],
    } = synth(['custom'], { custom: withEvents({ busName: 'security-events' }) });
    // Assess
    for (const fn of [INCOMING, WORKER])
      expect(variablesOf(template!, fn).DISPATCH_EVENT_BUS).toBe('security-events');
    const grants = eventGrants(template!);
    expect(grants).toHaveLength(2);
    for (const g of grants) {
      expect(g.action).toBe('events:PutEvents');
      expect(g.resource).toContain(':event-bus/security-events"');
      expect(g.resource).not.toContain('*');
    }
  });

  it('grants a bus given by ARN (another account or region) exactly that ARN', () => {
    // Prepare
    const arn = 'arn:aws:events:eu-west-1:444455556666:event-bus/central-security';
    // Act
    const {
      templates: [template],
    } = synth(['central'], { central: withEvents({ busName: arn }) });
    // Assess
    expect(variablesOf(template!, WORKER).DISPATCH_EVENT_BUS).toBe(arn);
    expect(eventGrants(template!).map((g) => g.resource)).toEqual([JSON.stringify(arn), JSON.stringify(arn)]);
  });

  it('refuses a bus name EventBridge would not take, naming the setting', () => {
    expect(() => synth(['bad'], { bad: withEvents({ busName: 'security events!' }) })).toThrow(
      /environments\.bad\.events\.busName: must be an EventBridge event bus name or ARN/,
    );
  });
});
