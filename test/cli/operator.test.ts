import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import nock from 'nock';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../bin/dispatch.ts';
import { unwrapDeadLetter } from '../../bin/cli/redrive.ts';
import { AlarmValidationError } from '../../lambdas/core/errors.ts';
import { rejectionRecord } from '../../lambdas/incoming/dead-letter.ts';
import { SCOPELESS_METHODS, SLACK_SCOPES } from '../../bin/cli/slack-scopes.ts';
import { originalExamples } from '../fixtures/alarms/original-readme.ts';
import { fakeIo } from '../helpers/cli-io.ts';
import { useNock } from '../helpers/nock.ts';

useNock();

const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const ssm = mockClient(SSMClient);
beforeEach(() => {
  sns.reset();
  sqs.reset();
  ssm.reset();
});

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:Dispatch-prod-Alarms';
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/Dispatch-prod-DeadLetters';
/** The scopes of a bot token installed from Dispatch's manifest, as Slack lists them in X-OAuth-Scopes. */
const ALL_SCOPES =
  'chat:write,im:write,im:history,channels:history,groups:history,users:read.email,users:read';

describe('dispatch send', () => {
  it('validates, then publishes the alarm exactly as written', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
    const { io, stdout } = fakeIo({ 'a.json': originalExamples.broadcast! });
    // Act
    const code = await main(['send', 'a.json', '--topic', TOPIC], io);
    // Assess
    expect(code).toBe(0);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      TopicArn: TOPIC,
      Message: originalExamples.broadcast,
      Subject: 'broadcast',
    });
    expect(stdout[0]).toMatch(/^a\.json: published as msg-1 \(broadcast: DM to 2 users/);
  });

  it('does not publish an invalid alarm, and says why', async () => {
    // Prepare
    const { io, stderr } = fakeIo({ 'bad.json': '{"type":"nag"}' });
    // Act
    const code = await main(['send', 'bad.json', '--topic', TOPIC], io);
    // Assess
    expect(code).toBe(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(stderr).toEqual(['bad.json: not sent, invalid', '  body: required for nag']);
  });

  it('explains a refused publish', async () => {
    // Prepare
    sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AuthorizationErrorException' }));
    const { io, stderr } = fakeIo({ 'a.json': originalExamples.nag! });
    // Act
    const code = await main(['send', 'a.json', '--topic', TOPIC], io);
    // Assess
    expect(code).toBe(1);
    expect(stderr[0]).toContain('add your account to "publishers" in cdk.json');
  });

  it('asks for the topic', async () => {
    const { io, stderr } = fakeIo();
    expect(await main(['send', 'a.json'], io)).toBe(2);
    expect(stderr[0]).toContain('--topic ARN (the AlarmTopicArn stack output)');
  });
});

describe('dispatch redrive', () => {
  const lambdaRecord = (alarm: string, error: string) =>
    JSON.stringify({
      version: '1.0',
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { Records: [{ Sns: { MessageId: 'm', Message: alarm } }] },
      responsePayload: { errorType: 'VendorError', errorMessage: error },
    });

  it('unwraps Lambda failure records, SNS notifications and raw alarms', () => {
    expect(unwrapDeadLetter(lambdaRecord('{"a":1}', 'github: 502'))).toEqual({
      alarm: '{"a":1}',
      reason: 'github: 502',
      messageId: 'm',
    });
    expect(unwrapDeadLetter(JSON.stringify({ Type: 'Notification', Message: '{"b":2}' }))).toEqual({
      alarm: '{"b":2}',
      reason: 'SNS could not deliver it to the function',
    });
    expect(unwrapDeadLetter('{"type":"nag"}')).toEqual({ alarm: '{"type":"nag"}' });
  });

  it('unwraps the record the incoming function sends at once for a rejected alarm', () => {
    // Prepare
    const { body } = rejectionRecord({
      record: { EventSource: 'aws:sns', Sns: { MessageId: 'm', TopicArn: TOPIC, Message: '{"type":"nag"}' } },
      error: new AlarmValidationError([{ path: 'body', message: 'required for nag' }]),
      at: Date.parse('2026-11-23T09:00:00Z'),
    });
    // Act / Assess
    expect(JSON.parse(body).requestContext.condition).toBe('RejectedByDispatch');
    expect(unwrapDeadLetter(body)).toEqual({
      alarm: '{"type":"nag"}',
      reason: 'alarm rejected: body: required for nag',
      topicArn: TOPIC,
      messageId: 'm',
    });
  });

  it('keeps a rejected alarm that is still invalid, and one whose record holds only part of it', async () => {
    // Prepare: the second alarm is valid, but its record was cut to fit the queue's message size
    const rejected = (alarm: string, limit?: number) =>
      rejectionRecord(
        {
          record: { Sns: { MessageId: 'm', TopicArn: TOPIC, Message: alarm } },
          error: new AlarmValidationError([{ path: 'type', message: 'unknown type "bogus"' }]),
          at: Date.parse('2026-11-23T09:00:00Z'),
        },
        limit,
      ).body;
    const nag = JSON.parse(originalExamples.nag!) as { body: { github: { body: string } } };
    nag.body.github.body = 'details '.repeat(100);
    const valid = JSON.stringify(nag);
    const whole = rejected(valid);
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          { MessageId: 'q1', ReceiptHandle: 'r1', Body: rejected('{"type":"bogus"}') },
          {
            MessageId: 'q2',
            ReceiptHandle: 'r2',
            Body: rejected(valid, Buffer.byteLength(whole) - 10),
          },
        ],
      })
      .resolves({ Messages: [] });
    const { io, stdout } = fakeIo();
    // Act
    const code = await main(['redrive', '--queue', QUEUE, '--topic', TOPIC], io);
    // Assess
    expect(code).toBe(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(stdout).toEqual([
      expect.stringMatching(/^\[1\] q1: kept, still invalid: alarm rejected: type: unknown type "bogus"/),
      expect.stringMatching(
        /^\[2\] q2: kept, the record holds only part of the alarm \(\d+ of \d+ bytes\) \(failed with: alarm rejected: type: unknown type "bogus" \[the record keeps the first/,
      ),
      '2 seen, 0 republished, 2 kept in the queue.',
    ]);
  });

  it('keeps an alarm dead-lettered again as the message this run republished, instead of sending it round again', async () => {
    // Prepare: the repository is still missing, so the incoming function dead-letters the republished alarm at once
    const failed = (messageId: string) =>
      JSON.stringify({
        requestContext: { condition: 'RejectedByDispatch' },
        requestPayload: { Records: [{ Sns: { MessageId: messageId, Message: originalExamples.nag } }] },
        responsePayload: { errorType: 'VendorError', errorMessage: 'github: create issue answered HTTP 404' },
      });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'q1', ReceiptHandle: 'r1', Body: failed('m-first') }] })
      .resolvesOnce({ Messages: [{ MessageId: 'q2', ReceiptHandle: 'r2', Body: failed('new-1') }] })
      .resolves({ Messages: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'new-1' });
    const { io, stdout } = fakeIo();
    // Act
    const code = await main(['redrive', '--queue', QUEUE, '--topic', TOPIC], io);
    // Assess
    expect(code).toBe(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['r1']);
    expect(stdout).toEqual([
      '[1] q1: republished as new-1 (failed with: github: create issue answered HTTP 404)',
      '[2] q2: kept, it failed again after this run republished it as new-1 (failed with: github: create issue answered HTTP 404)',
      '2 seen, 1 republished, 1 kept in the queue.',
    ]);
  });

  it('republishes each alarm, deletes it only after publishing, and keeps the invalid ones', async () => {
    // Prepare
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          {
            MessageId: 'q1',
            ReceiptHandle: 'r1',
            Body: lambdaRecord(
              originalExamples['self-service']!,
              'slack: chat.postMessage answered HTTP 503',
            ),
          },
          { MessageId: 'q2', ReceiptHandle: 'r2', Body: lambdaRecord('{"type":"bogus"}', 'alarm rejected') },
        ],
      })
      .resolves({ Messages: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'new-1' });
    const { io, stdout } = fakeIo();
    // Act
    const code = await main(['redrive', '--queue', QUEUE, '--topic', TOPIC], io);
    // Assess
    expect(code).toBe(1);
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Message)).toEqual([
      originalExamples['self-service'],
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['r1']);
    expect(stdout).toEqual([
      '[1] q1: republished as new-1 (failed with: slack: chat.postMessage answered HTTP 503)',
      expect.stringMatching(/^\[2\] q2: kept, still invalid: alarm rejected: type: unknown type "bogus"/),
      '2 seen, 1 republished, 1 kept in the queue.',
    ]);
  });

  it('sends a named producer’s alarm back to that producer’s topic, so it keeps its producer (issue 12)', async () => {
    // Prepare
    const idpTopic = 'arn:aws:sns:eu-west-1:123456789012:Dispatch-prod-IncomingProduceridp';
    const fromIdp = JSON.stringify({
      requestContext: { condition: 'RetriesExhausted' },
      requestPayload: {
        Records: [{ Sns: { MessageId: 'm', TopicArn: idpTopic, Message: originalExamples.nag } }],
      },
      responsePayload: { errorMessage: 'github: 502' },
    });
    const viaSns = JSON.stringify({
      Type: 'Notification',
      TopicArn: idpTopic,
      Message: originalExamples.nag,
    });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          { MessageId: 'q1', ReceiptHandle: 'r1', Body: fromIdp },
          { MessageId: 'q2', ReceiptHandle: 'r2', Body: viaSns },
          { MessageId: 'q3', ReceiptHandle: 'r3', Body: originalExamples.nag },
        ],
      })
      .resolves({ Messages: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'new-1' });
    const { io, stdout } = fakeIo();
    // Act
    const code = await main(['redrive', '--queue', QUEUE, '--topic', TOPIC], io);
    // Assess
    expect(code).toBe(0);
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.TopicArn)).toEqual([
      idpTopic,
      idpTopic,
      TOPIC,
    ]);
    expect(stdout[0]).toBe(`[1] q1: republished as new-1 to ${idpTopic} (failed with: github: 502)`);
  });

  it('deletes nothing when the publish fails', async () => {
    // Prepare
    sqs
      .on(ReceiveMessageCommand)
      .resolves({ Messages: [{ MessageId: 'q1', ReceiptHandle: 'r1', Body: originalExamples.nag }] });
    sns.on(PublishCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottledException' }));
    const { io, stderr } = fakeIo();
    // Act
    const code = await main(['redrive', '--queue', QUEUE, '--topic', TOPIC], io);
    // Assess
    expect(code).toBe(1);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(stderr[0]).toContain('redrive: ThrottledException: throttled');
  });

  it('changes nothing in a dry run', async () => {
    // Prepare
    sqs
      .on(ReceiveMessageCommand)
      .resolves({ Messages: [{ MessageId: 'q1', ReceiptHandle: 'r1', Body: originalExamples.nag }] });
    const { io, stdout } = fakeIo();
    // Act
    await main(['redrive', '--queue', QUEUE, '--topic', TOPIC, '--dry-run'], io);
    // Assess
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(stdout[0]).toBe('[1] q1: would republish');
  });

  it('says when the queue is empty', async () => {
    sqs.on(ReceiveMessageCommand).resolves({});
    const { io, stdout } = fakeIo();
    expect(await main(['redrive', '--queue', QUEUE, '--topic', TOPIC], io)).toBe(0);
    expect(stdout).toEqual(['The dead-letter queue is empty.']);
  });
});

describe('dispatch slack-manifest', () => {
  it('prints a manifest with exactly the scopes and the interactivity URL Dispatch needs', async () => {
    // Prepare
    const { io, stdout } = fakeIo();
    const url = 'https://abc123.execute-api.eu-west-1.amazonaws.com/slack/interactions';
    // Act
    const code = await main(['slack-manifest', '--url', url], io);
    // Assess
    expect(code).toBe(0);
    const manifest = JSON.parse(stdout.join('\n'));
    expect(manifest.oauth_config.scopes.bot).toEqual(SLACK_SCOPES.map((s) => s.scope));
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: url });
  });

  it('asks for the scopes of every Slack method the code calls, and posts to the default channel as a member (issue 13)', async () => {
    // Prepare: the methods the Slack adapter and doctor call, read from their source.
    const adapter = readFileSync('lambdas/adapters/slack-chat.ts', 'utf8');
    const doctor = readFileSync('bin/cli/doctor.ts', 'utf8');
    const called = new Set([
      ...[...adapter.matchAll(/this\.call\(\s*'([\w.]+)'/g)].map((m) => m[1]!),
      ...[...doctor.matchAll(/\$\{base\}([a-z]+\.[a-zA-Z]+)/g)].map((m) => m[1]!),
      ...(adapter.includes('responseUrl') ? ['response_url'] : []),
    ]);
    const { io, stdout } = fakeIo();
    // Act
    await main(
      ['slack-manifest', '--url', 'https://abc.execute-api.eu-west-1.amazonaws.com/slack/interactions'],
      io,
    );
    // Assess
    const requested = JSON.parse(stdout.join('\n')).oauth_config.scopes.bot as string[];
    expect(requested).toEqual([
      'chat:write',
      'im:write',
      'im:history',
      'channels:history',
      'groups:history',
      'users:read.email',
      'users:read',
    ]);
    expect(requested).not.toContain('chat:write.public');
    expect([...called].sort()).toEqual(
      expect.arrayContaining([
        'chat.postMessage',
        'chat.update',
        'conversations.open',
        'conversations.history',
        'users.lookupByEmail',
      ]),
    );
    const covered = new Set(SLACK_SCOPES.flatMap((s) => s.methods));
    expect([...called].filter((m) => !covered.has(m) && !SCOPELESS_METHODS.includes(m))).toEqual([]);
    for (const s of SLACK_SCOPES) expect(s.doc).toMatch(/^https:\/\/api\.slack\.com\/methods\//);
  });

  it('refuses a URL that is not a triage URL', async () => {
    const { io, stderr } = fakeIo();
    expect(await main(['slack-manifest', '--url', 'http://example.com'], io)).toBe(2);
    expect(stderr[0]).toContain('ending in /slack/interactions');
  });
});

describe('dispatch doctor', () => {
  const parameters = (values: Record<string, string>) =>
    ssm.on(GetParametersCommand).resolves({
      Parameters: Object.entries(values).map(([k, v]) => ({ Name: `/dispatch/example/${k}`, Value: v })),
    });

  it('checks every parameter and token and says all is well', async () => {
    // Prepare
    parameters({
      'slack/bot-token': 'xoxb-1',
      'slack/signing-secret': '0123456789abcdef0123456789abcdef',
      'github/token': 'ghp_1',
      'pagerduty/routing-key': 'R0123456789abcdef0123456789ABCDE',
    });
    nock('https://slack.com')
      .post('/api/auth.test')
      .matchHeader('authorization', 'Bearer xoxb-1')
      .reply(200, { ok: true, team: 'Acme', user_id: 'UBOT' }, { 'x-oauth-scopes': ALL_SCOPES })
      .get('/api/conversations.history')
      .query({ channel: 'C0123456789', limit: '1' })
      .matchHeader('authorization', 'Bearer xoxb-1')
      .reply(200, { ok: true, messages: [] });
    nock('https://api.github.com')
      .get('/user')
      .reply(200, { login: 'dispatch-bot' })
      .get('/repos/acme/security-alarms')
      .reply(200, { has_issues: true });
    const { io, stdout } = fakeIo();
    // Act
    const code = await main(['doctor', '--env', 'example'], io);
    // Assess
    expect(code).toBe(0);
    expect(stdout.filter((l) => l.startsWith('✓'))).toHaveLength(10);
    expect(stdout).toContain(
      '✓ Slack bot token has the scopes Dispatch asks for (chat:write, im:write, im:history, channels:history, groups:history, users:read.email, users:read)',
    );
    expect(stdout).toContain('✓ Slack bot is a member of slack.defaultChannel C0123456789');
    expect(stdout.at(-1)).toBe('All good.');
  });

  it('says which parameter is missing and which token fails, with the fix', async () => {
    // Prepare
    parameters({
      'slack/bot-token': 'xoxb-bad',
      'slack/signing-secret': '0123456789abcdef0123456789abcdef',
      'pagerduty/routing-key': 'short',
    });
    nock('https://slack.com').post('/api/auth.test').reply(200, { ok: false, error: 'invalid_auth' });
    const { io, stdout } = fakeIo();
    // Act
    const code = await main(['doctor', '--env', 'example'], io);
    // Assess
    expect(code).toBe(1);
    expect(stdout).toContain(
      "✗ /dispatch/example/github/token is missing: aws ssm put-parameter --type SecureString --name /dispatch/example/github/token --value '…'",
    );
    expect(stdout).toContain(
      '✗ Slack bot token refused (invalid_auth): reinstall the app and store its Bot User OAuth Token',
    );
    expect(stdout.some((l) => l.startsWith('✗ PagerDuty routing key default is not 32'))).toBe(true);
    expect(stdout.at(-1)).toBe('3 problems to fix.');
  });

  it('names the environments when the one asked for does not exist', async () => {
    const { io, stderr } = fakeIo();
    expect(await main(['doctor', '--env', 'nope'], io)).toBe(2);
    expect(stderr[0]).toContain('No environment "nope"');
  });
});

describe('every command has help with an example', () => {
  it.each(['validate', 'local', 'send', 'redrive', 'slack-manifest', 'doctor'])(
    '%s --help',
    async (command) => {
      const { io, stdout } = fakeIo();
      expect(await main([command, '--help'], io)).toBe(0);
      expect(stdout.join('\n')).toMatch(/Usage: dispatch [\s\S]*Example/);
    },
  );
});

describe('dispatch doctor with a GitHub App', () => {
  it('checks the app private key by getting an installation token, then the repository', async () => {
    // Prepare
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
    ssm.on(GetParametersCommand).resolves({
      Parameters: [
        { Name: '/dispatch/example-rest/slack/bot-token', Value: 'xoxb-1' },
        { Name: '/dispatch/example-rest/slack/signing-secret', Value: '0123456789abcdef0123456789abcdef' },
        { Name: '/dispatch/example-rest/github/app-private-key', Value: pem },
        { Name: '/dispatch/example-rest/pagerduty/api-token', Value: 'pd-token' },
      ],
    });
    nock('https://slack.com')
      .post('/api/auth.test')
      .reply(200, { ok: true, team: 'Acme', team_id: 'T0123ABCD', user_id: 'UBOT', app_id: 'A0123ABCD' })
      .get('/api/conversations.history')
      .query({ channel: 'C0987654321', limit: '1' })
      .reply(200, { ok: true, messages: [] });
    nock('https://ghe.example.com')
      .post('/api/v3/app/installations/7654321/access_tokens')
      .reply(201, { token: 'ghs_1', expires_at: '2099-01-01T00:00:00Z' })
      .get('/api/v3/repos/acme/platform-alarms')
      .matchHeader('authorization', 'token ghs_1')
      .reply(200, { has_issues: true });
    nock('https://api.pagerduty.com')
      .get('/services/PABC123')
      .matchHeader('authorization', 'Token token=pd-token')
      .reply(200, { service: {} });
    const { io, stdout } = fakeIo();
    // Act
    const code = await main(['doctor', '--env', 'example-rest'], io);
    // Assess
    expect(stdout).toContain('✓ GitHub App 123456 authenticates as installation 7654321');
    expect(stdout).toContain('✓ PagerDuty API token works and service PABC123 exists');
    expect(code).toBe(0);
  });
});

describe('dispatch doctor: the Slack workspace and app the triage answers (issue 12)', () => {
  const parameters = (env: string, pagerSecret: string) =>
    ssm.on(GetParametersCommand).resolves({
      Parameters: [
        { Name: `/dispatch/${env}/slack/bot-token`, Value: 'xoxb-1' },
        { Name: `/dispatch/${env}/slack/signing-secret`, Value: '0123456789abcdef0123456789abcdef' },
        { Name: `/dispatch/${env}/${pagerSecret}`, Value: 'R0123456789abcdef0123456789ABCDE' },
      ],
    });
  const authTest = (body: Record<string, unknown>) =>
    nock('https://slack.com')
      .post('/api/auth.test')
      .matchHeader('authorization', 'Bearer xoxb-1')
      .reply(200, { ok: true, team: 'Acme', user_id: 'UBOT', ...body })
      .get('/api/conversations.history')
      .query(true)
      .reply(200, { ok: true, messages: [] });
  const slackLine = (stdout: string[]) => stdout.find((l) => l.includes('Slack bot token works'));

  it('prints the team ID from auth.test and the app ID from bots.info, to copy into slack.teamId/appId', async () => {
    // Prepare
    parameters('example', 'pagerduty/routing-key');
    const auth = authTest({ team_id: 'T0ACME123', bot_id: 'B0BOT1234' });
    const bot = nock('https://slack.com')
      .get('/api/bots.info')
      .query({ bot: 'B0BOT1234' })
      .matchHeader('authorization', 'Bearer xoxb-1')
      .reply(200, { ok: true, bot: { id: 'B0BOT1234', app_id: 'A0ACME123', user_id: 'UBOT' } });
    const { io, stdout } = fakeIo();
    // Act
    await main(['doctor', '--env', 'example'], io);
    // Assess
    expect(auth.isDone() && bot.isDone()).toBe(true);
    expect(slackLine(stdout)).toMatch(/^✓ .*team ID T0ACME123.*app ID A0ACME123/);
    expect(stdout.join('\n')).toMatch(/slack\.teamId "T0ACME123".*slack\.appId "A0ACME123"/);
  });

  it('says where to find the app ID when bots.info is refused for want of users:read, and does not fail', async () => {
    // Prepare
    parameters('example', 'pagerduty/routing-key');
    authTest({ team_id: 'T0ACME123', bot_id: 'B0BOT1234' });
    nock('https://slack.com')
      .get('/api/bots.info')
      .query(true)
      .reply(200, { ok: false, error: 'missing_scope', needed: 'users:read' });
    const { io, stdout } = fakeIo();
    // Act
    await main(['doctor', '--env', 'example'], io);
    // Assess
    expect(slackLine(stdout)).toMatch(/team ID T0ACME123/);
    expect(stdout.join('\n')).toMatch(/app ID.*users:read.*Basic Information/);
    expect(stdout.filter((l) => l.startsWith('✗') && /Slack|slack/.test(l))).toEqual([]);
  });

  it('warns, and fails, when slack.teamId or slack.appId differ from what the token reports', async () => {
    // Prepare: example-rest binds T0123ABCD and A0123ABCD.
    parameters('example-rest', 'pagerduty/api-token');
    authTest({ team_id: 'T0OTHER99', app_id: 'A0OTHER99' });
    const { io, stdout } = fakeIo();
    // Act
    const code = await main(['doctor', '--env', 'example-rest'], io);
    // Assess
    expect(code).toBe(1);
    expect(stdout).toContain(
      '✗ slack.teamId is "T0123ABCD" but the bot token belongs to T0OTHER99: the triage would refuse every click; set slack.teamId to "T0OTHER99"',
    );
    expect(stdout).toContain(
      '✗ slack.appId is "A0123ABCD" but the bot token belongs to app A0OTHER99: the triage would refuse every click; set slack.appId to "A0OTHER99"',
    );
  });

  it('accepts an Enterprise Grid org ID that auth.test reports as enterprise_id', async () => {
    // Prepare
    parameters('example-rest', 'pagerduty/api-token');
    authTest({ team_id: 'T0ELSE999', enterprise_id: 'T0123ABCD', app_id: 'A0123ABCD' });
    const { io, stdout } = fakeIo();
    // Act
    await main(['doctor', '--env', 'example-rest'], io);
    // Assess
    expect(stdout).toContain('✓ slack.teamId "T0123ABCD" and slack.appId "A0123ABCD" match the bot token');
  });
});

describe('dispatch doctor: Slack scopes and the default channel (issue 13)', () => {
  const parameters = () =>
    ssm.on(GetParametersCommand).resolves({
      Parameters: [
        { Name: '/dispatch/example/slack/bot-token', Value: 'xoxb-1' },
        { Name: '/dispatch/example/slack/signing-secret', Value: '0123456789abcdef0123456789abcdef' },
        { Name: '/dispatch/example/pagerduty/routing-key', Value: 'R0123456789abcdef0123456789ABCDE' },
      ],
    });
  const slack = (scopes: string, history: Record<string, unknown>) =>
    nock('https://slack.com')
      .post('/api/auth.test')
      .reply(200, { ok: true, team: 'Acme', user: 'dispatch', user_id: 'UBOT' }, { 'x-oauth-scopes': scopes })
      .get('/api/conversations.history')
      .query({ channel: 'C0123456789', limit: '1' })
      .matchHeader('authorization', 'Bearer xoxb-1')
      .reply(200, history);
  const slackLines = (stdout: string[]) => stdout.filter((l) => /slack|Slack/.test(l));

  it('names each scope the token lacks, the method that needs it and how to fix it', async () => {
    // Prepare: installed from the old manifest, before the channel history scopes.
    parameters();
    slack('chat:write,im:write,im:history', { ok: true, messages: [] });
    const { io, stdout } = fakeIo();
    // Act
    const code = await main(['doctor', '--env', 'example'], io);
    // Assess
    expect(code).toBe(1);
    const failed = slackLines(stdout).filter((l) => l.startsWith('✗'));
    expect(failed).toHaveLength(4);
    expect(failed[0]).toMatch(
      /^✗ Slack bot token lacks the channels:history scope \(conversations\.history: /,
    );
    expect(failed[1]).toMatch(/^✗ Slack bot token lacks the groups:history scope/);
    // Issue 16: people named by email are found with users.lookupByEmail, which Slack grants with users:read.
    expect(failed[2]).toMatch(
      /^✗ Slack bot token lacks the users:read\.email scope \(users\.lookupByEmail: /,
    );
    expect(failed[3]).toMatch(/^✗ Slack bot token lacks the users:read scope/);
    for (const line of failed)
      expect(line).toMatch(/OAuth & Permissions.*dispatch slack-manifest.*reinstall the app/);
  });

  it('fails when the bot is not a member of the default channel, and says to invite it', async () => {
    // Prepare
    parameters();
    slack(ALL_SCOPES, { ok: false, error: 'not_in_channel' });
    const { io, stdout } = fakeIo();
    // Act
    const code = await main(['doctor', '--env', 'example'], io);
    // Assess
    expect(code).toBe(1);
    expect(stdout).toContain(
      '✗ Slack bot is not a member of slack.defaultChannel C0123456789, so fallbacks and failed-DM notices cannot go there: invite the bot there (/invite @dispatch in the channel)',
    );
    expect(stdout).toContain(
      '✓ Slack bot token has the scopes Dispatch asks for (chat:write, im:write, im:history, channels:history, groups:history, users:read.email, users:read)',
    );
  });

  it('says a channel it cannot see was not found, and notes scopes Dispatch does not use without failing', async () => {
    // Prepare
    parameters();
    slack(`${ALL_SCOPES},users:read,chat:write.public`, { ok: false, error: 'channel_not_found' });
    const { io, stdout } = fakeIo();
    // Act
    await main(['doctor', '--env', 'example'], io);
    // Assess
    expect(slackLines(stdout).filter((l) => l.startsWith('✗'))).toEqual([
      '✗ slack.defaultChannel C0123456789 was not found: check the channel ID; a private channel is found only once you invite the bot there (/invite @dispatch in the channel)',
    ]);
    expect(stdout).toContain(
      '  the token also has chat:write.public, which Dispatch does not use: remove it from the app and reinstall it',
    );
  });
});

describe('dispatch doctor: the PagerDuty service an alarm names (issue 13)', () => {
  const ROUTING_KEY = 'R0123456789abcdef0123456789ABCDE';
  /** Only the PagerDuty secrets (and the signing secret): Slack and GitHub are not checked here. */
  const parameters = (values: Record<string, string>) =>
    ssm.on(GetParametersCommand).resolves({
      Parameters: Object.entries({
        'slack/signing-secret': '0123456789abcdef0123456789abcdef',
        ...values,
      }).map(([k, v]) => ({ Name: `/dispatch/example/${k}`, Value: v })),
    });

  it('asks SSM for the optional API token in Events mode, and says how to map a service when there is none', async () => {
    // Prepare
    parameters({ 'pagerduty/routing-key': ROUTING_KEY });
    const { io, stdout } = fakeIo();
    // Act
    await main(['doctor', '--env', 'example'], io);
    // Assess
    const asked = ssm.commandCalls(GetParametersCommand)[0]!.args[0].input.Names;
    expect(asked).toContain('/dispatch/example/pagerduty/api-token');
    expect(stdout.some((l) => /pagerduty\/api-token is missing/.test(l))).toBe(false);
    const note = stdout.find((l) => l.includes('alarms naming a PagerDuty service'));
    expect(note).toMatch(/^ {2}alarms naming a PagerDuty service .* page the default service/);
    expect(note).toContain(
      "aws ssm put-parameter --type SecureString --name /dispatch/example/pagerduty/api-token --value '…'",
    );
    expect(note).toContain('{"default":"…","PABC123":"…"}');
  });

  it('names the services the routing-key map pages when no token is stored', async () => {
    // Prepare
    parameters({ 'pagerduty/routing-key': JSON.stringify({ default: ROUTING_KEY, PSEC123: ROUTING_KEY }) });
    const { io, stdout } = fakeIo();
    // Act
    await main(['doctor', '--env', 'example'], io);
    // Assess
    expect(stdout.join('\n')).toMatch(
      /alarms naming PSEC123 page that service \(routing-key map\); an alarm naming any other service pages the default one/,
    );
  });

  it('checks a stored API token with a read-only call and says services are resolved', async () => {
    // Prepare
    parameters({ 'pagerduty/routing-key': ROUTING_KEY, 'pagerduty/api-token': 'u+readOnly1' });
    const pd = nock('https://api.pagerduty.com')
      .get('/services')
      .query({ limit: '1' })
      .matchHeader('authorization', 'Token token=u+readOnly1')
      .matchHeader('accept', 'application/vnd.pagerduty+json;version=2')
      .reply(200, { services: [], limit: 1, offset: 0, more: false });
    const { io, stdout } = fakeIo();
    // Act
    await main(['doctor', '--env', 'example'], io);
    // Assess
    expect(pd.isDone()).toBe(true);
    expect(stdout).toContain('✓ /dispatch/example/pagerduty/api-token exists');
    expect(stdout).toContain(
      "✓ PagerDuty API token works: an alarm naming a PagerDuty service pages it through the service's Events API v2 integration",
    );
  });

  it('fails when the stored API token is refused, without printing it', async () => {
    // Prepare
    parameters({ 'pagerduty/routing-key': ROUTING_KEY, 'pagerduty/api-token': 'u+revoked1' });
    nock('https://api.pagerduty.com')
      .get('/services')
      .query(true)
      .reply(401, { error: { message: 'Unauthorized' } });
    const { io, stdout } = fakeIo();
    // Act
    const code = await main(['doctor', '--env', 'example'], io);
    // Assess
    expect(code).toBe(1);
    expect(stdout).toContain(
      '✗ PagerDuty API token refused (HTTP 401): alarms naming a PagerDuty service page the default one; store a working token (read-only is enough) at /dispatch/example/pagerduty/api-token',
    );
    expect(stdout.join('\n')).not.toContain('u+revoked1');
  });
});
