/**
 * Native events in, alarms out (issue 16), end to end: AWS events as AWS sends them (the examples in examples/, built
 * from AWS's documented shapes) in a real SNS event, the real adapters, the ledger on dynalite, and Slack, GitHub,
 * PagerDuty and SSM answered at the wire by nock. Each test asserts the requests made.
 */
import nock from 'nock';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlarmValidationError } from '../../lambdas/core/errors.ts';
import type { DispatchEvent } from '../../lambdas/core/ports.ts';
import { createHandler } from '../../lambdas/incoming/handler.ts';
import { buildRouteDeps } from '../../lambdas/shared/wiring.ts';
import { freshTable, useDynalite } from '../helpers/dynalite.ts';
import { testEnv } from '../helpers/env.ts';
import { useNock } from '../helpers/nock.ts';
import { snsEvent as snsEventOf } from '../helpers/sns.ts';

useNock();

const dynamo = useDynalite();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SECRETS = {
  '/dispatch/test/slack/bot-token': 'xoxb-secret-bot-token',
  '/dispatch/test/github/token': 'ghp_secretgithubtoken123456',
  '/dispatch/test/pagerduty/routing-key': 'R0ROUTINGKEY',
};

const example = (name: string): Json => JSON.parse(readFileSync(`examples/${name}.json`, 'utf8')) as Json;

const snsEvent = (message: unknown, messageId: string) => snsEventOf(JSON.stringify(message), messageId);

function ssmOnce() {
  return nock('https://ssm.us-east-1.amazonaws.com', {
    reqheaders: { 'x-amz-target': 'AmazonSSM.GetParameters' },
  })
    .post('/', (b) => b.WithDecryption === true)
    .optionally()
    .reply(200, {
      Parameters: Object.entries(SECRETS).map(([Name, Value]) => ({ Name, Value, Type: 'SecureString' })),
      InvalidParameters: ['/dispatch/test/pagerduty/api-token'],
    });
}

async function makeHandler(extra: Record<string, string> = {}) {
  const table = await freshTable(dynamo());
  const env = testEnv({ DISPATCH_LEDGER_TABLE: table, DISPATCH_SSM_PREFIX: '/dispatch/test', ...extra });
  const lines: string[] = [];
  // What Dispatch tells EventBridge (a resolve is published as "Alarm Resolved"), kept in memory.
  const published: DispatchEvent[] = [];
  const events = { publish: async (e: DispatchEvent) => void published.push(e) };
  const deps = buildRouteDeps(env, { dynamodb: dynamo().client, write: (l) => lines.push(l), events });
  ssmOnce();
  return { handler: createHandler(() => deps), lines, published };
}

const pagerDuty = () => nock('https://events.pagerduty.com');
const github = () =>
  nock('https://api.github.com', {
    reqheaders: { authorization: `token ${SECRETS['/dispatch/test/github/token']}` },
  });

const GD_KEY = 'guardduty:a6c8e2d94b7f4e0c9a1d3b5f7e9c2a41';

describe('incoming handler: native AWS events (issue 16)', () => {
  it('GuardDuty high: pages PagerDuty keyed by the finding, with its console link; an update of it pages no more', async () => {
    // Prepare
    const { handler } = await makeHandler();
    const pd = pagerDuty()
      .post(
        '/v2/enqueue',
        (b) =>
          b.event_action === 'trigger' &&
          b.dedup_key === GD_KEY &&
          b.payload.severity === 'error' &&
          b.payload.summary.startsWith(
            'GuardDuty: Credentials for the EC2 instance role billing-web-instance-role',
          ) &&
          b.payload.custom_details.Account === '123456789012' &&
          b.links[0].href ===
            'https://console.aws.amazon.com/guardduty/home?region=eu-west-1#/findings?search=id%3Da6c8e2d94b7f4e0c9a1d3b5f7e9c2a41',
      )
      .reply(202, { status: 'success', dedup_key: GD_KEY });
    const update = example('guardduty-finding');
    update.id = 'a-later-event';
    update.detail.service.count = 9;
    // Act
    const first = await handler(snsEvent(example('guardduty-finding'), 'msg-1'));
    const second = await handler(snsEvent(update, 'msg-2'));
    // Assess
    expect(pd.isDone()).toBe(true);
    expect(first.reports[0]).toMatchObject({
      type: 'high-priority',
      native: { source: 'guardduty', alarms: [{ type: 'high-priority', dedupeKey: GD_KEY }] },
    });
    expect(second.reports[0]!.deliveries[0]).toMatchObject({ key: GD_KEY, suppressed: expect.any(String) });
  });

  it('GuardDuty medium: opens a GitHub issue; low: dropped, nothing sent, counted and logged', async () => {
    // Prepare
    const { handler, lines } = await makeHandler();
    const medium = example('guardduty-finding');
    medium.detail.severity = 5;
    const low = example('guardduty-finding');
    low.detail.id = 'low-finding';
    low.detail.severity = 2;
    const gh = github()
      .post(
        '/repos/acme/alarms/issues',
        (b) =>
          b.title.startsWith('GuardDuty: Credentials for the EC2 instance role') &&
          b.labels.includes('guardduty') &&
          b.body.includes('- **Severity**: `5.0 (medium)`'),
      )
      .reply(201, { number: 21, html_url: 'https://github.com/acme/alarms/issues/21' });
    // Act
    const issue = await handler(snsEvent(medium, 'msg-1'));
    const dropped = await handler(snsEvent(low, 'msg-2'));
    // Assess
    expect(gh.isDone()).toBe(true);
    expect(issue.reports[0]!.deliveries[0]!.issue?.number).toBe(21);
    expect(dropped.reports[0]).toMatchObject({ type: 'none', deliveries: [] });
    const logged = lines.join('\n');
    expect(logged).toContain('GuardDuty finding low-finding');
    expect(logged).toContain(
      'dropped, severity 2.0 is low, and sources.guardduty.severity.low is \\"drop\\"',
    );
    const metric = lines
      .map((l) => JSON.parse(l) as Json)
      .find((l) => l.nativeEvents && l.outcome === 'dropped');
    expect(metric).toMatchObject({ source: 'guardduty', outcome: 'dropped', nativeEvents: 1 });
  });

  it('Security Hub NEW: an issue; RESOLVED: the issue is commented and closed', async () => {
    // Prepare
    const { handler, published } = await makeHandler();
    const resolved = example('security-hub-finding');
    resolved.detail.findings[0].Workflow.Status = 'RESOLVED';
    resolved.detail.findings[0].Compliance.Status = 'PASSED';
    resolved.detail.findings[0].Severity = { Label: 'INFORMATIONAL', Normalized: 0 };
    const gh = github()
      .post('/repos/acme/alarms/issues', (b) => b.title.startsWith('Security Hub: S3.5'))
      .reply(201, { number: 31, html_url: 'https://github.com/acme/alarms/issues/31' })
      .post('/repos/acme/alarms/issues/31/comments', (b) => b.body.includes('Resolved at the source'))
      .reply(201, { id: 9001 })
      .patch('/repos/acme/alarms/issues/31', (b) => b.state === 'closed')
      .reply(200, { number: 31, state: 'closed' });
    // Act
    await handler(snsEvent(example('security-hub-finding'), 'msg-1'));
    const { reports } = await handler(snsEvent(resolved, 'msg-2'));
    // Assess
    expect(gh.isDone()).toBe(true);
    expect(reports[0]!.native!.alarms.every((a) => a.status === 'resolved')).toBe(true);
    expect(published.map((e) => [e.detailType, e.detail.issueUrl])).toEqual([
      ['Alarm Resolved', 'https://github.com/acme/alarms/issues/31'],
    ]);
  });

  it('CloudWatch: the SNS notification in ALARM pages; the EventBridge OK of the same alarm resolves the incident', async () => {
    // Prepare
    const { handler, published } = await makeHandler();
    const alarm = example('cloudwatch-alarm-notification');
    const key = `cloudwatch:${alarm.AlarmArn}`;
    const ok = example('cloudwatch-alarm-event');
    ok.resources = [alarm.AlarmArn];
    ok.detail.alarmName = alarm.AlarmName;
    ok.detail.state.value = 'OK';
    const pd = pagerDuty()
      .post(
        '/v2/enqueue',
        (b) =>
          b.event_action === 'trigger' &&
          b.dedup_key === key &&
          b.payload.summary === 'CloudWatch alarm billing-db-free-storage-low is in ALARM',
      )
      .reply(202, { status: 'success' })
      .post(
        '/v2/enqueue',
        (b) => b.event_action === 'resolve' && b.dedup_key === key && b.routing_key === 'R0ROUTINGKEY',
      )
      .reply(202, { status: 'success' });
    // Act
    await handler(snsEvent(alarm, 'msg-1'));
    await handler(snsEvent(ok, 'msg-2'));
    // Assess
    expect(pd.isDone()).toBe(true);
    expect(published.map((e) => [e.detailType, e.detail.pagerDutyDedupKey])).toEqual([
      ['Alarm Resolved', key],
    ]);
  });

  it('CloudWatch: the EventBridge form in ALARM pages', async () => {
    // Prepare
    const { handler } = await makeHandler();
    const pd = pagerDuty()
      .post(
        '/v2/enqueue',
        (b) =>
          b.dedup_key ===
            'cloudwatch:arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx-rate' &&
          b.payload.custom_details.reason.startsWith('Threshold Crossed'),
      )
      .reply(202, { status: 'success' });
    // Act
    await handler(snsEvent(example('cloudwatch-alarm-event'), 'msg-1'));
    // Assess
    expect(pd.isDone()).toBe(true);
  });

  it('a root console sign-in pages as critical', async () => {
    // Prepare
    const { handler } = await makeHandler();
    const pd = pagerDuty()
      .post(
        '/v2/enqueue',
        (b) =>
          b.dedup_key === 'root-sign-in:123456789012' &&
          b.payload.severity === 'critical' &&
          b.payload.summary === 'Root user signed in to AWS account 123456789012' &&
          b.payload.custom_details['Source IP'] === '203.0.113.45',
      )
      .reply(202, { status: 'success' });
    // Act
    await handler(snsEvent(example('root-sign-in'), 'msg-1'));
    // Assess
    expect(pd.isDone()).toBe(true);
  });

  it('a selfServiceFindingTypes finding of an Identity Center email session prompts that person in Slack', async () => {
    // Prepare
    const { handler } = await makeHandler({
      DISPATCH_SOURCES: JSON.stringify({
        guardduty: { selfServiceFindingTypes: ['UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B'] },
      }),
    });
    const login = example('guardduty-finding');
    login.detail.id = 'console-login-1';
    login.detail.type = 'UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B';
    login.detail.severity = 5;
    login.detail.title = 'Unusual console login was seen for principal alice@example.com.';
    login.detail.resource = {
      resourceType: 'AccessKey',
      accessKeyDetails: {
        principalId: 'AROAEXAMPLESSOADMIN:alice@example.com',
        userName: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef',
        userType: 'AssumedRole',
      },
    };
    const gh = github()
      .post(
        '/repos/acme/alarms/issues',
        (b) => b.title === 'GuardDuty: Unusual console login was seen for principal alice@example.com.',
      )
      .reply(201, { number: 41, html_url: 'https://github.com/acme/alarms/issues/41' });
    const slack = nock('https://slack.com')
      .post('/api/users.lookupByEmail', { email: 'alice@example.com' })
      .reply(200, { ok: true, user: { id: 'U0ALICE01', deleted: false } })
      .post(
        '/api/chat.postMessage',
        (b) =>
          b.channel === 'U0ALICE01' &&
          b.text.includes('GuardDuty reported activity by your identity (alice@example.com)') &&
          b.blocks.includes('dispatch_yes'),
      )
      .reply(200, { ok: true, channel: 'D0ALICE01', ts: '1700000000.000300' })
      .post('/api/chat.update', (b) => b.blocks.includes('issues/41'))
      .reply(200, { ok: true });
    // Act
    const { reports } = await handler(snsEvent(login, 'msg-1'));
    // Assess
    expect(gh.isDone() && slack.isDone()).toBe(true);
    expect(reports[0]).toMatchObject({
      type: 'self-service',
      deliveries: [{ key: 'guardduty:console-login-1/alice@example.com', dms: [{ to: 'U0ALICE01' }] }],
    });
  });

  it('refuses JSON that is neither a Dispatch alarm nor a native event, naming the shapes it understands', async () => {
    // Prepare
    const { handler } = await makeHandler();
    // Act
    const handled = handler(snsEvent({ detail: { id: 'x' }, version: '0' }, 'msg-1'));
    // Assess
    await expect(handled).rejects.toThrow(AlarmValidationError);
    await expect(handled).rejects.toThrow(
      /type: required: one of .*; Dispatch understands its own alarms .* "GuardDuty Finding", "Security Hub Findings - Imported", "CloudWatch Alarm State Change" and "AWS Console Sign In via CloudTrail"/,
    );
  });
});
