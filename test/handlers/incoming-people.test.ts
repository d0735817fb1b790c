/**
 * People by email through the incoming function (issue 16): a real SNS event, the real adapters, the ledger on
 * dynalite, Slack, GitHub and SSM answered at the wire by nock.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../lambdas/incoming/handler.ts';
import { buildRouteDeps } from '../../lambdas/shared/wiring.ts';
import { freshTable, useDynalite } from '../helpers/dynalite.ts';
import { testEnv } from '../helpers/env.ts';
import { useNock } from '../helpers/nock.ts';
import { snsEvent as snsEventOf } from '../helpers/sns.ts';

useNock();

const dynamo = useDynalite();

const SECRETS = {
  '/dispatch/test/slack/bot-token': 'xoxb-secret-bot-token',
  '/dispatch/test/github/token': 'ghp_secretgithubtoken123456',
  '/dispatch/test/pagerduty/routing-key': 'R0ROUTINGKEY',
};

const snsEvent = (message: unknown, messageId: string) => snsEventOf(JSON.stringify(message), messageId);

function ssmOnce() {
  return nock('https://ssm.us-east-1.amazonaws.com', {
    reqheaders: { 'x-amz-target': 'AmazonSSM.GetParameters' },
  })
    .post('/', (b) => b.WithDecryption === true)
    .reply(200, {
      Parameters: Object.entries(SECRETS).map(([Name, Value]) => ({ Name, Value, Type: 'SecureString' })),
      InvalidParameters: ['/dispatch/test/pagerduty/api-token'],
    });
}

const nag = (title: string) => ({
  type: 'nag',
  users: [{ email: 'Alice@Example.com' }],
  body: { github: { title }, slack: { message: 'Please turn on FileVault' } },
});

describe('incoming handler: users named by email (issue 16)', () => {
  it('finds the Slack user once, DMs them, tags the people map’s login, and remembers them for the next alarm', async () => {
    // Prepare
    const table = await freshTable(dynamo());
    const env = testEnv({
      DISPATCH_LEDGER_TABLE: table,
      DISPATCH_SSM_PREFIX: '/dispatch/test',
      DISPATCH_PEOPLE: JSON.stringify({ 'alice@example.com': { github: 'alice', iamUsers: ['alice'] } }),
    });
    const deps = buildRouteDeps(env, { dynamodb: dynamo().client, write: () => undefined });
    const handler = createHandler(() => deps);
    ssmOnce();
    const github = nock('https://api.github.com')
      .post(
        '/repos/acme/alarms/issues',
        (b) => b.title === 'Disk encryption is off' && b.body.includes('@alice'),
      )
      .reply(201, { number: 7, html_url: 'https://github.com/acme/alarms/issues/7' })
      .post('/repos/acme/alarms/issues', (b) => b.title === 'Screen lock is off' && b.body.includes('@alice'))
      .reply(201, { number: 8, html_url: 'https://github.com/acme/alarms/issues/8' });
    const slack = nock('https://slack.com', {
      reqheaders: { authorization: `Bearer ${SECRETS['/dispatch/test/slack/bot-token']}` },
    })
      // Once only: the second alarm finds alice in the ledger.
      .post('/api/users.lookupByEmail', { email: 'alice@example.com' })
      .reply(200, { ok: true, user: { id: 'U0ALICE01', deleted: false } })
      .post('/api/chat.postMessage', (b) => b.channel === 'U0ALICE01' && b.text.includes('FileVault'))
      .times(2)
      .reply(200, { ok: true, channel: 'D0ALICE01', ts: '1700000000.000100' });
    // Act
    const first = await handler(snsEvent(nag('Disk encryption is off'), 'msg-1'));
    const second = await handler(snsEvent(nag('Screen lock is off'), 'msg-2'));
    // Assess
    expect(github.isDone() && slack.isDone()).toBe(true);
    expect(first.reports[0]!.deliveries[0]!.dms).toEqual([
      { to: 'U0ALICE01', channel: 'D0ALICE01', ts: '1700000000.000100' },
    ]);
    expect(second.reports[0]!.deliveries[0]!.dms[0]!.to).toBe('U0ALICE01');
    expect(await deps.ledger.person('alice@example.com')).toMatchObject({ slackId: 'U0ALICE01' });
  });

  it('tells the default channel about an email Slack does not know, naming it', async () => {
    // Prepare
    const table = await freshTable(dynamo());
    const env = testEnv({ DISPATCH_LEDGER_TABLE: table, DISPATCH_SSM_PREFIX: '/dispatch/test' });
    const handler = createHandler(() =>
      buildRouteDeps(env, { dynamodb: dynamo().client, write: () => undefined }),
    );
    ssmOnce();
    nock('https://api.github.com')
      .post('/repos/acme/alarms/issues')
      .reply(201, { number: 9, html_url: 'https://github.com/acme/alarms/issues/9' });
    const slack = nock('https://slack.com')
      .post('/api/users.lookupByEmail')
      .reply(200, { ok: false, error: 'users_not_found' })
      .post(
        '/api/chat.postMessage',
        (b) =>
          b.channel === 'C0DEFAULT' && b.blocks.includes('No Slack user has the email Alice@Example.com'),
      )
      .reply(200, { ok: true, channel: 'C0DEFAULT', ts: '1700000000.000200' });
    // Act
    const { reports } = await handler(snsEvent(nag('Disk encryption is off'), 'msg-1'));
    // Assess
    expect(slack.isDone()).toBe(true);
    expect(reports[0]!.deliveries[0]!.dms[0]).toMatchObject({
      to: 'C0DEFAULT',
      fallback: expect.any(String),
    });
  });
});
