/**
 * Native events in, alarms out (issue 16): AWS events, as AWS sends them, through receiveAlarm over fakes, into the
 * expected page, issue, prompt, resolve, drop or error. The events are the examples in examples/ (built from AWS's
 * documented shapes), changed where a test needs another severity, state or status.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlarmValidationError } from '../../lambdas/core/errors.ts';
import { receiveAlarm } from '../../lambdas/core/receive.ts';
import { SourcesSchema, type SourcesInput } from '../../lambdas/core/sources/config.ts';
import { fakeDeps, testConfig } from '../fakes/route-deps.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const example = (name: string): Json => JSON.parse(readFileSync(`examples/${name}.json`, 'utf8')) as Json;

/** The GuardDuty example with another severity (and, optionally, another finding ID or type). */
function guardDuty(severity: number, change: (detail: Json) => void = () => undefined): Json {
  const event = example('guardduty-finding');
  event.detail.severity = severity;
  change(event.detail);
  return event;
}

function securityHub(label: string, status: string, change: (finding: Json) => void = () => undefined): Json {
  const event = example('security-hub-finding');
  const finding = event.detail.findings[0];
  finding.Severity = { Label: label };
  finding.Workflow = { Status: status };
  change(finding);
  return event;
}

function depsWith(
  sources: SourcesInput = {},
  people?: Record<string, { github?: string; iamUsers?: string[] }>,
) {
  const deps = fakeDeps();
  return { ...deps, config: { ...testConfig, sources: SourcesSchema.parse(sources), people } };
}

let seq = 0;
const receive = (deps: ReturnType<typeof depsWith>, event: Json, messageId = `m${++seq}`) =>
  receiveAlarm(deps, { messageId, body: JSON.stringify(event) });

const GD_ID = 'a6c8e2d94b7f4e0c9a1d3b5f7e9c2a41';

describe('GuardDuty findings', () => {
  it('a high finding pages, keyed by the finding ID, with title, account, region, resource and console link', async () => {
    // Prepare
    const deps = depsWith();
    // Act
    const report = await receive(deps, guardDuty(8));
    // Assess
    expect(deps.pager.pages).toHaveLength(1);
    const page = deps.pager.pages[0]!;
    expect(page).toMatchObject({
      dedupKey: `guardduty:${GD_ID}`,
      summary:
        'GuardDuty: Credentials for the EC2 instance role billing-web-instance-role were used from a remote IP address.',
      severity: 'error',
      links: [
        {
          href: `https://console.aws.amazon.com/guardduty/home?region=eu-west-1#/findings?search=id%3D${GD_ID}`,
          text: 'GuardDuty console',
        },
      ],
    });
    expect(page.details).toMatchObject({
      'Finding type': 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
      Severity: '8.0 (high)',
      Account: '123456789012',
      Region: 'eu-west-1',
      Resource: 'AssumedRole billing-web-instance-role, access key ASIAEXAMPLE7BILLING',
      description: expect.stringContaining('198.51.100.77'),
    });
    expect(report).toMatchObject({ type: 'high-priority', native: { source: 'guardduty' } });
    expect(deps.tracker.issues).toEqual([]);
    expect(deps.metrics.counts).toContainEqual({
      name: 'nativeEvents',
      dimensions: { source: 'guardduty', outcome: 'translated' },
      value: 1,
    });
  });

  it('a critical finding pages as critical', async () => {
    // Prepare
    const deps = depsWith();
    // Act
    await receive(deps, guardDuty(9.5));
    // Assess
    expect(deps.pager.pages[0]!.severity).toBe('critical');
  });

  it('a medium finding opens an issue with the finding’s facts (as code), description and console link', async () => {
    // Prepare
    const deps = depsWith();
    // Act
    await receive(deps, guardDuty(5.5));
    // Assess
    expect(deps.pager.pages).toEqual([]);
    expect(deps.tracker.issues).toHaveLength(1);
    const issue = deps.tracker.issues[0]!;
    expect(issue).toMatchObject({
      owner: 'acme',
      repo: 'alarms',
      title:
        'GuardDuty: Credentials for the EC2 instance role billing-web-instance-role were used from a remote IP address.',
      labels: ['guardduty'],
    });
    expect(issue.body).toContain('- **Account**: `123456789012`');
    expect(issue.body).toContain('- **Region**: `eu-west-1`');
    expect(issue.body).toContain(
      '- **Resource**: `AssumedRole billing-web-instance-role, access key ASIAEXAMPLE7BILLING`',
    );
    expect(issue.body).toContain('- **Severity**: `5.5 (medium)`');
    expect(issue.body).toContain('```text\nCredentials that were created exclusively');
    expect(issue.body).toContain(
      `(<https://console.aws.amazon.com/guardduty/home?region=eu-west-1#/findings?search=id%3D${GD_ID}>)`,
    );
  });

  it('a low finding is dropped: nothing is sent, and it is counted and logged', async () => {
    // Prepare
    const deps = depsWith();
    // Act
    const report = await receive(deps, guardDuty(2));
    // Assess
    expect(report).toMatchObject({ type: 'none', deliveries: [] });
    expect(deps.pager.pages).toEqual([]);
    expect(deps.tracker.issues).toEqual([]);
    expect(deps.chat.posts).toEqual([]);
    expect(deps.metrics.counts).toEqual([
      { name: 'nativeEvents', dimensions: { source: 'guardduty', outcome: 'dropped' }, value: 1 },
    ]);
    expect(deps.log.lines).toContainEqual(
      expect.objectContaining({
        message: expect.stringMatching(
          /^GuardDuty finding a6c8.* \(.*severity 2\.0, low\): dropped, severity 2\.0 is low, and sources\.guardduty\.severity\.low is "drop"$/,
        ),
        fields: expect.objectContaining({
          source: 'guardduty',
          outcome: 'dropped',
          alarmKey: `guardduty:${GD_ID}`,
        }),
      }),
    );
  });

  it('the bands follow sources.guardduty.severity, and the routing its githubRepo, labels and service', async () => {
    // Prepare
    const deps = depsWith({
      guardduty: {
        severity: { low: 'low-priority', high: 'low-priority' },
        githubRepo: 'acme/guardduty',
        labels: ['aws', 'threat'],
        pagerDutyServiceId: 'PSEC',
      },
    });
    // Act
    await receive(
      deps,
      guardDuty(2, (d) => (d.id = 'f-low')),
    );
    await receive(
      deps,
      guardDuty(7.5, (d) => (d.id = 'f-high')),
    );
    await receive(
      deps,
      guardDuty(9, (d) => (d.id = 'f-critical')),
    );
    // Assess
    expect(deps.tracker.issues.map((i) => [i.owner, i.repo, i.labels])).toEqual([
      ['acme', 'guardduty', ['aws', 'threat']],
      ['acme', 'guardduty', ['aws', 'threat']],
    ]);
    expect(deps.pager.pages.map((p) => [p.dedupKey, p.service])).toEqual([['guardduty:f-critical', 'PSEC']]);
  });

  it('a later update of the same finding is a repeat: no second page or issue, even after the issue was closed', async () => {
    // Prepare
    const deps = depsWith();
    await receive(deps, guardDuty(8));
    await receive(
      deps,
      guardDuty(5, (d) => (d.id = 'medium-finding')),
    );
    const update = (severity: number, id: string, count: number) =>
      guardDuty(severity, (d) => {
        d.id = id;
        d.service.count = count;
        d.updatedAt = '2027-01-14T17:18:02.771Z';
      });
    // Act
    const pageRepeat = await receive(deps, { ...update(8, GD_ID, 9), id: 'another-event-id' });
    const issueRepeat = await receive(deps, update(5, 'medium-finding', 9));
    await deps.tracker.close(deps.tracker.issues[0]!);
    deps.clock.advance(24 * 3_600_000);
    const afterClose = await receive(deps, update(5, 'medium-finding', 12));
    // Assess
    expect(deps.pager.pages).toHaveLength(1);
    expect(pageRepeat.deliveries[0]).toMatchObject({
      key: `guardduty:${GD_ID}`,
      suppressed: expect.any(String),
    });
    expect(deps.tracker.issues).toHaveLength(1);
    expect(issueRepeat.deliveries[0]).toMatchObject({ suppressed: expect.any(String), seen: 2 });
    expect(afterClose.deliveries[0]!.suppressed).toBeDefined();
  });

  it('a finding ID too long for PagerDuty becomes a stable key of at most 255 characters', async () => {
    // Prepare
    const deps = depsWith();
    const id = 'f'.repeat(400);
    // Act
    const first = await receive(
      deps,
      guardDuty(8, (d) => (d.id = id)),
    );
    await receive(
      deps,
      guardDuty(8, (d) => (d.id = id)),
    );
    // Assess
    const key = first.native!.alarms[0]!.dedupeKey!;
    expect(key.length).toBeLessThanOrEqual(255);
    expect(key).toMatch(/^guardduty:f+#[0-9a-f]{64}$/);
    expect(deps.pager.pages).toHaveLength(1);
    expect(deps.pager.pages[0]!.dedupKey).toBe(key);
  });
});

describe('GuardDuty self-service for a person', () => {
  const LOGIN = 'UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B';
  const login = (principal: Json, severity = 5) =>
    guardDuty(severity, (d) => {
      d.id = 'console-login';
      d.type = LOGIN;
      d.title = 'Unusual console login was seen for principal alice@example.com.';
      d.resource = { resourceType: 'AccessKey', accessKeyDetails: principal };
    });
  const sso = {
    accessKeyId: 'ASIAEXAMPLESSO',
    principalId: 'AROAEXAMPLESSOADMIN:alice@example.com',
    userName: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef',
    userType: 'AssumedRole',
  };

  it('a listed finding type with an IAM Identity Center email session prompts that person', async () => {
    // Prepare
    const deps = depsWith({ guardduty: { selfServiceFindingTypes: [LOGIN] } });
    deps.chat.directory.set('alice@example.com', 'U0ALICE');
    // Act
    const report = await receive(deps, login(sso));
    // Assess
    expect(report.native!.alarms).toEqual([
      { type: 'self-service', status: 'firing', dedupeKey: 'guardduty:console-login' },
    ]);
    expect(deps.chat.emailLookups).toEqual(['alice@example.com']);
    const dm = deps.chat.postsTo('U0ALICE');
    expect(dm).toHaveLength(1);
    expect(dm[0]!.message.text).toContain('GuardDuty reported activity by your identity (alice@example.com)');
    expect(JSON.stringify(dm[0]!.message.blocks)).toContain('dispatch_yes');
    expect(deps.tracker.issues[0]).toMatchObject({
      title: 'GuardDuty: Unusual console login was seen for principal alice@example.com.',
      labels: ['guardduty', 'self-service'],
    });
    expect(deps.tracker.issues[0]!.body).toContain(
      'asked of `alice@example.com` (`IAM Identity Center session`)',
    );
    expect(deps.pager.pages).toEqual([]);
  });

  it('an IAM user found in the people map is that person, with their GitHub login', async () => {
    // Prepare
    const deps = depsWith(
      { guardduty: { selfServiceFindingTypes: [LOGIN] } },
      { 'bob@example.com': { github: 'bob', iamUsers: ['bob', 'bob-admin'] } },
    );
    // Act
    const report = await receive(
      deps,
      login({ principalId: 'AIDAEXAMPLEBOB', userName: 'Bob-Admin', userType: 'IAMUser' }),
    );
    // Assess
    expect(report.native!.alarms[0]!.type).toBe('self-service');
    expect(deps.chat.emailLookups).toEqual(['bob@example.com']);
    expect(deps.tracker.issues[0]!.body).toContain('@bob');
    expect(deps.tracker.issues[0]!.body).toContain('(`IAM user Bob-Admin`)');
  });

  it('a principal that is no person (a role session without an email, an unknown IAM user) follows its severity', async () => {
    // Prepare
    const deps = depsWith({ guardduty: { selfServiceFindingTypes: [LOGIN] } }, {});
    // Act
    const role = await receive(deps, login({ ...sso, principalId: 'AROAEXAMPLE:i-0abc123' }, 8));
    const user = await receive(deps, login({ userName: 'carol', userType: 'IAMUser' }, 5));
    // Assess
    expect(role.native!.alarms[0]!.type).toBe('high-priority');
    expect(user.native!.alarms[0]!.type).toBe('low-priority');
    expect(deps.chat.emailLookups).toEqual([]);
  });

  it('a finding type not listed follows its severity even for a person', async () => {
    // Prepare
    const deps = depsWith();
    // Act
    const report = await receive(deps, login(sso, 8));
    // Assess
    expect(report.native!.alarms[0]!.type).toBe('high-priority');
  });
});

describe('Security Hub findings', () => {
  it('a NEW finding alerts by its label: MEDIUM opens an issue, keyed by the finding Id', async () => {
    // Prepare
    const deps = depsWith();
    // Act
    const report = await receive(deps, example('security-hub-finding'));
    // Assess
    expect(report.native!.alarms).toEqual([
      {
        type: 'low-priority',
        status: 'firing',
        dedupeKey: expect.stringMatching(
          /^securityhub:arn:aws:securityhub:eu-west-1:123456789012:subscription\//,
        ),
      },
    ]);
    const issue = deps.tracker.issues[0]!;
    expect(issue.title).toBe(
      'Security Hub: S3.5 S3 general purpose buckets should require requests to use SSL',
    );
    expect(issue.labels).toEqual(['security-hub']);
    expect(issue.body).toContain('- **Resources**: `AwsS3Bucket arn:aws:s3:::acme-billing-exports`');
    expect(issue.body).toContain('https://docs.aws.amazon.com/console/securityhub/S3.5/remediation');
    expect(issue.body).toContain(
      'https://console.aws.amazon.com/securityhub/home?region=eu-west-1#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253Aarn%253Aaws%253Asecurityhub',
    );
  });

  it('RESOLVED resolves the finding’s alarm: its issue is commented and closed, once', async () => {
    // Prepare
    const deps = depsWith();
    await receive(deps, example('security-hub-finding'));
    // Act
    const report = await receive(
      deps,
      securityHub('INFORMATIONAL', 'RESOLVED', (f) => (f.Compliance.Status = 'PASSED')),
    );
    await receive(deps, securityHub('INFORMATIONAL', 'RESOLVED'));
    // Assess
    const issue = deps.tracker.issues[0]!;
    expect(issue.state).toBe('closed');
    expect(issue.comments.filter((c) => c.includes('Resolved at the source'))).toHaveLength(1);
    expect(report.native!.alarms.map((a) => [a.type, a.status])).toEqual([
      ['high-priority', 'resolved'],
      ['low-priority', 'resolved'],
    ]);
  });

  it('SUPPRESSED resolves a paged finding’s incident', async () => {
    // Prepare
    const deps = depsWith();
    await receive(deps, securityHub('CRITICAL', 'NEW'));
    // Act
    await receive(deps, securityHub('CRITICAL', 'SUPPRESSED'));
    // Assess
    expect(deps.pager.pages).toHaveLength(1);
    expect(deps.pager.resolved).toEqual([{ dedupKey: deps.pager.pages[0]!.dedupKey, service: undefined }]);
  });

  it('NOTIFIED is ignored (counted), and INFORMATIONAL or LOW is dropped (counted)', async () => {
    // Prepare
    const deps = depsWith();
    // Act
    await receive(deps, securityHub('HIGH', 'NOTIFIED'));
    await receive(deps, securityHub('LOW', 'NEW'));
    await receive(deps, securityHub('INFORMATIONAL', 'NEW'));
    // Assess
    expect(deps.pager.pages).toEqual([]);
    expect(deps.tracker.issues).toEqual([]);
    expect(deps.metrics.counts.map((c) => c.dimensions.outcome)).toEqual(['ignored', 'dropped', 'dropped']);
  });

  it('one alarm per finding of an event', async () => {
    // Prepare
    const deps = depsWith();
    const event = example('security-hub-finding');
    const [finding] = event.detail.findings;
    event.detail.findings = [
      { ...finding, Id: 'finding-1', Severity: { Label: 'HIGH' } },
      { ...finding, Id: 'finding-2', Severity: { Label: 'MEDIUM' } },
      { ...finding, Id: 'finding-3', Severity: { Label: 'LOW' } },
    ];
    // Act
    const report = await receive(deps, event);
    // Assess
    expect(report.native!.alarms.map((a) => [a.type, a.dedupeKey])).toEqual([
      ['high-priority', 'securityhub:finding-1'],
      ['low-priority', 'securityhub:finding-2'],
    ]);
    expect(report.deliveries).toHaveLength(2);
    expect(deps.pager.pages).toHaveLength(1);
    expect(deps.tracker.issues).toHaveLength(1);
    expect(report.native!.skipped).toEqual([
      expect.objectContaining({ outcome: 'dropped', key: 'securityhub:finding-3' }),
    ]);
  });
});

describe('CloudWatch alarms', () => {
  it('the EventBridge form in ALARM pages, keyed by the alarm ARN', async () => {
    // Prepare
    const deps = depsWith();
    // Act
    await receive(deps, example('cloudwatch-alarm-event'));
    // Assess
    expect(deps.pager.pages).toEqual([
      expect.objectContaining({
        dedupKey: 'cloudwatch:arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx-rate',
        summary: 'CloudWatch alarm checkout-api-5xx-rate is in ALARM',
        details: expect.objectContaining({ reason: expect.stringContaining('Threshold Crossed') }),
        links: [
          {
            href: 'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/checkout-api-5xx-rate',
            text: 'CloudWatch console',
          },
        ],
      }),
    ]);
  });

  it('the SNS notification in ALARM pages, and OK in either form resolves it', async () => {
    // Prepare
    const deps = depsWith();
    const alarm = example('cloudwatch-alarm-notification');
    await receive(deps, alarm);
    // Act: back to OK, told by EventBridge this time.
    const ok = example('cloudwatch-alarm-event');
    ok.resources = [alarm.AlarmArn];
    ok.detail.alarmName = alarm.AlarmName;
    ok.detail.state.value = 'OK';
    await receive(deps, ok);
    // Assess
    expect(deps.pager.pages).toHaveLength(1);
    expect(deps.pager.resolved).toEqual([
      {
        dedupKey: 'cloudwatch:arn:aws:cloudwatch:eu-west-1:123456789012:alarm:billing-db-free-storage-low',
        service: undefined,
      },
    ]);
  });

  it('INSUFFICIENT_DATA is ignored: neither a page nor a resolve', async () => {
    // Prepare
    const deps = depsWith();
    await receive(deps, example('cloudwatch-alarm-notification'));
    // Act
    const report = await receive(deps, {
      ...example('cloudwatch-alarm-notification'),
      NewStateValue: 'INSUFFICIENT_DATA',
    });
    // Assess
    expect(report.native!.skipped).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
    expect(deps.pager.pages).toHaveLength(1);
    expect(deps.pager.resolved).toEqual([]);
  });

  it('sources.cloudwatch.type low-priority opens an issue instead, and OK closes it', async () => {
    // Prepare
    const deps = depsWith({ cloudwatch: { type: 'low-priority' } });
    await receive(deps, example('cloudwatch-alarm-event'));
    const ok = example('cloudwatch-alarm-event');
    ok.detail.state.value = 'OK';
    // Act
    await receive(deps, ok);
    // Assess
    expect(deps.pager.pages).toEqual([]);
    expect(deps.tracker.issues[0]).toMatchObject({
      title: 'CloudWatch alarm checkout-api-5xx-rate is in ALARM',
      state: 'closed',
    });
  });
});

describe('root console sign-ins', () => {
  it('a root sign-in pages, keyed by the account; another inside the storm window is counted', async () => {
    // Prepare
    const deps = depsWith();
    // Act
    const first = await receive(deps, example('root-sign-in'));
    const second = await receive(deps, { ...example('root-sign-in'), id: 'another-sign-in' });
    // Assess
    expect(deps.pager.pages).toEqual([
      expect.objectContaining({
        dedupKey: 'root-sign-in:123456789012',
        summary: 'Root user signed in to AWS account 123456789012',
        severity: 'critical',
        details: expect.objectContaining({ 'Source IP': '203.0.113.45', 'MFA used': 'No' }),
      }),
    ]);
    expect(first.deliveries[0]!.page).toBeDefined();
    expect(second.deliveries[0]!.suppressed).toBeDefined();
  });

  it('a failed root sign-in pages too, saying it failed; a sign-in by anyone else is ignored', async () => {
    // Prepare
    const deps = depsWith();
    const failed = example('root-sign-in');
    failed.detail.responseElements.ConsoleLogin = 'Failure';
    const iamUser = example('root-sign-in');
    iamUser.detail.userIdentity = { type: 'IAMUser', userName: 'alice', accountId: '123456789012' };
    // Act
    await receive(deps, failed);
    const ignored = await receive(deps, iamUser);
    // Assess
    expect(deps.pager.pages.map((p) => p.summary)).toEqual([
      'Failed root user sign-in to AWS account 123456789012',
    ]);
    expect(ignored.native!.skipped).toEqual([
      { outcome: 'ignored', reason: 'a sign-in by IAMUser: only root sign-ins alert' },
    ]);
  });
});

describe('what is not a Dispatch alarm nor a native event', () => {
  it.each([
    ['an object without a type', { hello: 'world' }, 'type: required: one of'],
    [
      'an EventBridge event Dispatch does not translate',
      { source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: {} },
      'detail-type: an EventBridge event "EC2 Instance State-change Notification" from aws.ec2 is not one Dispatch translates',
    ],
  ])('%s is rejected naming the shapes Dispatch understands', async (_what, body, first) => {
    // Prepare
    const deps = depsWith();
    // Act
    const received = receive(deps, body);
    // Assess
    await expect(received).rejects.toThrow(AlarmValidationError);
    await expect(received).rejects.toThrow(first);
    await expect(received).rejects.toThrow(
      /Dispatch understands its own alarms \(with a "type", see MESSAGE-SPEC\.md\) and these AWS shapes: the EventBridge events "GuardDuty Finding", "Security Hub Findings - Imported", "CloudWatch Alarm State Change" and "AWS Console Sign In via CloudTrail" \(root\), and a CloudWatch alarm's SNS notification/,
    );
    expect(deps.metrics.counts).toContainEqual({
      name: 'alarms',
      dimensions: { type: 'invalid', outcome: 'rejected' },
      value: 1,
    });
  });

  it('a Dispatch alarm with a known type keeps its own errors only', async () => {
    // Prepare
    const deps = depsWith();
    // Act / Assess
    await expect(receive(deps, { type: 'low-priority', body: {} })).rejects.toThrow(
      /^alarm rejected: body\.github: required for low-priority$/,
    );
  });

  it('a named producer may receive native events only of the types it may send', async () => {
    // Prepare
    const deps = fakeDeps();
    const config = {
      ...testConfig,
      producers: { cloud: { types: ['low-priority' as const], topicArn: 'arn:aws:sns:eu-west-1:1:cloud' } },
    };
    // Act
    const issue = receiveAlarm(
      { ...deps, config },
      {
        messageId: 'p1',
        body: JSON.stringify(guardDuty(5)),
        topicArn: 'arn:aws:sns:eu-west-1:1:cloud',
      },
    );
    const page = receiveAlarm(
      { ...deps, config },
      {
        messageId: 'p2',
        body: JSON.stringify(guardDuty(8)),
        topicArn: 'arn:aws:sns:eu-west-1:1:cloud',
      },
    );
    // Assess
    await expect(issue).resolves.toMatchObject({ type: 'low-priority' });
    await expect(page).rejects.toThrow(/producer "cloud" may not send high-priority alarms/);
    expect((await issue).deliveries[0]!.key).toBe('cloud|guardduty:a6c8e2d94b7f4e0c9a1d3b5f7e9c2a41/default');
  });
});

describe('MESSAGE-SPEC.md', () => {
  it('documents a sources setting the schema accepts, and every source', () => {
    // Prepare
    const spec = readFileSync('MESSAGE-SPEC.md', 'utf8');
    const section = spec.slice(spec.indexOf('## Native AWS events'));
    const json = /```json\n([\s\S]*?)```/.exec(section)![1]!;
    // Act
    const sources = SourcesSchema.parse(JSON.parse(json));
    // Assess
    expect(sources.guardduty).toMatchObject({
      enabled: true,
      severity: { medium: 'high-priority', low: 'drop' },
    });
    for (const name of [
      'guardduty',
      'securityHub',
      'cloudwatch',
      'rootSignIn',
      'selfServiceFindingTypes',
      'NOTIFIED',
      'INSUFFICIENT_DATA',
    ])
      expect(section).toContain(name);
  });
});
