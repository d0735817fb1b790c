/**
 * The incoming function end to end: a real SNS event shape, the real adapters, DynamoDB on dynalite, and Slack,
 * GitHub, PagerDuty and SSM answered at the wire by nock. Each test asserts the exact requests made.
 */
import nock from 'nock';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../lambdas/incoming/handler.ts';
import { parseEnv } from '../../lambdas/shared/env.ts';
import { buildRouteDeps } from '../../lambdas/shared/wiring.ts';
import { originalExamples } from '../fixtures/alarms/original-readme.ts';
import { freshTable, useDynalite } from '../helpers/dynalite.ts';
import { testEnv } from '../helpers/env.ts';
import { useNock } from '../helpers/nock.ts';
import { snsEvent } from '../helpers/sns.ts';

useNock();

const dynamo = useDynalite();

const SECRETS = {
  '/dispatch/test/slack/bot-token': 'xoxb-secret-bot-token',
  '/dispatch/test/github/token': 'ghp_secretgithubtoken123456',
  '/dispatch/test/pagerduty/routing-key': 'R0ROUTINGKEY',
};

async function makeHandler(extra: Record<string, string> = {}) {
  const table = await freshTable(dynamo());
  const env = testEnv({ DISPATCH_LEDGER_TABLE: table, DISPATCH_SSM_PREFIX: '/dispatch/test', ...extra });
  const lines: string[] = [];
  const deps = buildRouteDeps(env, { dynamodb: dynamo().client, write: (l) => lines.push(l) });
  return { handler: createHandler(() => deps), lines };
}

/** One GetParameters for the function's secrets (the optional PagerDuty API token asked for too, issue 13). */
function ssmOnce(values: Record<string, string> = SECRETS, optional = false) {
  return nock('https://ssm.us-east-1.amazonaws.com', {
    reqheaders: { 'x-amz-target': 'AmazonSSM.GetParameters' },
  })
    .post('/', (b) => b.WithDecryption === true && b.Names.length === 4)
    .optionally(optional)
    .reply(200, {
      Parameters: Object.entries(values).map(([Name, Value]) => ({ Name, Value, Type: 'SecureString' })),
      InvalidParameters: [
        '/dispatch/test/slack/bot-token',
        '/dispatch/test/github/token',
        '/dispatch/test/pagerduty/routing-key',
        '/dispatch/test/pagerduty/api-token',
      ].filter((n) => !(n in values)),
    });
}

describe('incoming handler', () => {
  it('delivers the original self-service example: one issue, one DM, the link added, secrets from SSM', async () => {
    // Prepare
    const { handler, lines } = await makeHandler();
    ssmOnce();
    const github = nock('https://api.github.com', {
      reqheaders: { authorization: `token ${SECRETS['/dispatch/test/github/token']}` },
    })
      .post(
        '/repos/acme/alarms/issues',
        (b) => b.title === 'self-service title' && b.body.includes('@U024BE7LH'),
      )
      .reply(201, { number: 12, html_url: 'https://github.com/acme/alarms/issues/12' });
    const slack = nock('https://slack.com', {
      reqheaders: { authorization: `Bearer ${SECRETS['/dispatch/test/slack/bot-token']}` },
    })
      .post('/api/chat.postMessage', (b) => b.channel === 'U024BE7LH' && b.blocks.includes('dispatch_yes'))
      .reply(200, { ok: true, channel: 'D024BE7LH', ts: '1700000000.000100' })
      .post('/api/chat.update', (b) => b.ts === '1700000000.000100' && b.blocks.includes('issues/12'))
      .reply(200, { ok: true });
    // Act
    const { reports } = await handler(snsEvent(originalExamples['self-service']!));
    // Assess
    expect(github.isDone() && slack.isDone()).toBe(true);
    expect(reports[0]!.deliveries[0]).toMatchObject({
      issue: { number: 12 },
      dms: [{ to: 'U024BE7LH', channel: 'D024BE7LH' }],
    });
    const logged = lines.join('\n');
    expect(logged).toContain('"alarmId":"95df01b4-ee98-5cb9-9903-4c221d41eb5e"');
    for (const secret of Object.values(SECRETS)) expect(logged).not.toContain(secret);
  });

  it('makes no vendor call at all for a duplicate SNS delivery', async () => {
    // Prepare
    const { handler } = await makeHandler();
    ssmOnce();
    nock('https://api.github.com')
      .post('/repos/acme/alarms/issues')
      .reply(201, { number: 1, html_url: 'u1' });
    nock('https://slack.com')
      .post('/api/chat.postMessage')
      .reply(200, { ok: true, channel: 'D1', ts: '1.1' })
      .post('/api/chat.update')
      .reply(200, { ok: true });
    await handler(snsEvent(originalExamples['self-service']!));
    // Act: any request now would hit no interceptor and fail the delivery.
    const { reports } = await handler(snsEvent(originalExamples['self-service']!));
    // Assess
    expect(reports[0]!.deliveries[0]!.issue?.number).toBe(1);
  });

  it('pages PagerDuty for the original high-priority example with the alarm key as dedup key', async () => {
    // Prepare
    const { handler } = await makeHandler();
    ssmOnce();
    const pd = nock('https://events.pagerduty.com')
      .post(
        '/v2/enqueue',
        (b) =>
          b.routing_key === 'R0ROUTINGKEY' &&
          b.payload.summary === 'testAlert' &&
          b.dedup_key.startsWith('high-priority:'),
      )
      .reply(202, { status: 'success' });
    // Act
    const { reports } = await handler(snsEvent(originalExamples['high-priority']!));
    // Assess
    expect(pd.isDone()).toBe(true);
    expect(reports[0]!.deliveries[0]!.page?.dedupKey).toMatch(/^high-priority:[0-9a-f]{32}$/);
  });

  it('pages the service the original high-priority example names (PABC123) through its own integration key, found with the API token (issue 13)', async () => {
    // Prepare
    const { handler, lines } = await makeHandler();
    ssmOnce({ ...SECRETS, '/dispatch/test/pagerduty/api-token': 'u+readOnlyPdToken' });
    const rest = nock('https://api.pagerduty.com', {
      reqheaders: {
        authorization: 'Token token=u+readOnlyPdToken',
        accept: 'application/vnd.pagerduty+json;version=2',
      },
    })
      .get('/services/PABC123')
      .query({ 'include[]': 'integrations' })
      .reply(200, {
        service: {
          id: 'PABC123',
          status: 'active',
          integrations: [
            { id: 'PE1', type: 'generic_email_inbound_integration' },
            { id: 'PV2', type: 'events_api_v2_inbound_integration', integration_key: 'R1PABC123SERVICEKEY' },
          ],
        },
      });
    const pd = nock('https://events.pagerduty.com')
      .post(
        '/v2/enqueue',
        (b) => b.routing_key === 'R1PABC123SERVICEKEY' && b.payload.summary === 'testAlert',
      )
      .reply(202, { status: 'success' });
    // Act
    const { reports } = await handler(snsEvent(originalExamples['high-priority']!));
    // Assess
    expect(rest.isDone() && pd.isDone()).toBe(true);
    expect(reports[0]!.deliveries[0]!.page?.note).toBeUndefined();
    expect(lines.join('\n')).not.toMatch(/u\+readOnlyPdToken|R1PABC123SERVICEKEY/);
  });

  it('without an API token pages the default service and names PABC123 in the delivery and the log (issue 13)', async () => {
    // Prepare
    const { handler, lines } = await makeHandler();
    // The secrets are read together; the token, not stored, may be asked for once more, then is known to be missing.
    ssmOnce();
    ssmOnce(SECRETS, true);
    const pd = nock('https://events.pagerduty.com')
      .post(
        '/v2/enqueue',
        (b) =>
          b.routing_key === 'R0ROUTINGKEY' && b.payload.custom_details.dispatchRequestedService === 'PABC123',
      )
      .reply(202, { status: 'success' });
    // Act
    const { reports } = await handler(snsEvent(originalExamples['high-priority']!));
    // Assess
    expect(pd.isDone()).toBe(true);
    const note = reports[0]!.deliveries[0]!.page?.note;
    expect(note).toMatch(/^service PABC123 has no routing key configured.*paged the default service/);
    const routed = lines.find((l) => l.includes('"msg":"alarm routed"') || l.includes('alarm routed'));
    expect(routed).toContain('service PABC123 has no routing key configured');
  });

  it('rejects an invalid alarm with every problem named, so it is dead-lettered with the reason', async () => {
    // Prepare
    const { handler, lines } = await makeHandler();
    const bad =
      '{"type":"self-service","users":[{"slackId":"U1"}],"body":{"github":{"title":"t"},"slack":{"message":"m","prompt":"p","actions":{"yes":"y"}}}}';
    // Act / Assess
    await expect(handler(snsEvent(bad))).rejects.toThrow(
      'alarm rejected: body.slack.actions.no: required for self-service',
    );
    expect(lines.some((l) => l.includes('"level":"error"') && l.includes('body.slack.actions.no'))).toBe(
      true,
    );
  });

  it('fails a delivery GitHub refuses for good with the reason, after the DM went out', async () => {
    // Prepare
    const { handler } = await makeHandler();
    ssmOnce();
    nock('https://api.github.com').post('/repos/acme/missing/issues').reply(404, { message: 'Not Found' });
    nock('https://slack.com')
      .post('/api/chat.postMessage')
      .reply(200, { ok: true, channel: 'D1', ts: '1.1' });
    const alarm = JSON.parse(originalExamples['self-service']!);
    alarm.githubRepo = 'missing';
    // Act / Assess
    await expect(handler(snsEvent(JSON.stringify(alarm)))).rejects.toThrow(
      /github: create issue answered HTTP 404: repository or issue not found/,
    );
  });

  it('stops retrying before Lambda would cut the invocation off, and fails with the reason', async () => {
    // Prepare
    const { handler } = await makeHandler();
    ssmOnce();
    // The client's own three tries fail; with 4 s left (under the 5 s margin) the step does not try again, so no
    // fourth request is made (it would find no interceptor and fail differently).
    nock('https://events.pagerduty.com').post('/v2/enqueue').times(3).reply(503, 'unavailable');
    // Act / Assess
    await expect(
      handler(snsEvent(originalExamples['high-priority']!), { getRemainingTimeInMillis: () => 4_000 }),
    ).rejects.toThrow(/pagerduty: trigger event answered HTTP 503/);
  });

  it('refuses an event that is not from SNS', async () => {
    // Prepare
    const { handler } = await makeHandler();
    // Act / Assess
    await expect(handler({ Records: [{ body: '{}' }] })).rejects.toMatchObject({ code: 'EVENT_INVALID' });
  });
});

describe('an alarm no retry can help goes to the dead-letter queue at once', () => {
  const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/dispatch-test-DeadLetters';
  const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:dispatch-test-incoming';
  const context = {
    getRemainingTimeInMillis: () => 60_000,
    invokedFunctionArn: FUNCTION,
    awsRequestId: 'c0ffee00-0000-4000-8000-000000000001',
  };
  const BAD =
    '{"type":"self-service","users":[{"slackId":"U1"}],"body":{"github":{"title":"t"},"slack":{"message":"m","prompt":"p","actions":{"yes":"y"}}}}';

  /** SQS at the wire (JSON protocol): each SendMessage's body is kept; the answer carries the MD5 the SDK checks. */
  function sqs(status = 200) {
    const sent: string[] = [];
    nock('https://sqs.us-east-1.amazonaws.com', {
      reqheaders: { 'x-amz-target': 'AmazonSQS.SendMessage' },
    })
      .post('/', (b) => b.QueueUrl === QUEUE)
      .reply((_uri, body) => {
        const request = (typeof body === 'string' ? JSON.parse(body) : body) as { MessageBody: string };
        const message = request.MessageBody;
        sent.push(message);
        return status === 200
          ? [200, { MessageId: 'dl-1', MD5OfMessageBody: createHash('md5').update(message).digest('hex') }]
          : [status, { __type: 'com.amazonaws.sqs#KmsAccessDenied', message: 'not allowed to use the key' }];
      });
    return { sent };
  }

  it('sends an invalid alarm with its reason in the shape of a Lambda failure record, and succeeds', async () => {
    // Prepare
    const { handler, lines } = await makeHandler({ DISPATCH_DEAD_LETTER_QUEUE_URL: QUEUE });
    const queue = sqs();
    // Act
    const result = await handler(snsEvent(BAD, 'm-bad'), context);
    // Assess
    expect(queue.sent).toHaveLength(1);
    expect(JSON.parse(queue.sent[0]!)).toEqual({
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      requestContext: {
        requestId: context.awsRequestId,
        functionArn: FUNCTION,
        condition: 'RejectedByDispatch',
      },
      requestPayload: {
        Records: [
          {
            EventSource: 'aws:sns',
            EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:dispatch-test-alarms:abc',
            Sns: {
              Type: 'Notification',
              MessageId: 'm-bad',
              TopicArn: 'arn:aws:sns:us-east-1:123456789012:dispatch-test-alarms',
              Subject: 'test',
              Timestamp: '2026-11-23T09:00:00.000Z',
              Message: BAD,
            },
          },
        ],
      },
      responsePayload: {
        errorType: 'AlarmValidationError',
        errorMessage: 'alarm rejected: body.slack.actions.no: required for self-service',
      },
    });
    expect(result).toEqual({
      reports: [],
      deadLettered: [
        {
          messageId: 'm-bad',
          deadLetterId: 'dl-1',
          reason: 'alarm rejected: body.slack.actions.no: required for self-service',
        },
      ],
    });
    // Logged with its reason and counted once: there is no retry to do it again.
    expect(lines.filter((l) => l.includes('body.slack.actions.no'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('"outcome":"rejected"'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('sent to the dead-letter queue at once'))).toHaveLength(1);
  });

  it('sends a delivery a vendor refused for good after the DM went out, naming the vendor', async () => {
    // Prepare
    const { handler } = await makeHandler({ DISPATCH_DEAD_LETTER_QUEUE_URL: QUEUE });
    ssmOnce();
    nock('https://api.github.com').post('/repos/acme/missing/issues').reply(404, { message: 'Not Found' });
    nock('https://slack.com')
      .post('/api/chat.postMessage')
      .reply(200, { ok: true, channel: 'D1', ts: '1.1' });
    const queue = sqs();
    const alarm = JSON.parse(originalExamples['self-service']!);
    alarm.githubRepo = 'missing';
    // Act
    const result = await handler(snsEvent(JSON.stringify(alarm), 'm-missing'), context);
    // Assess
    const record = JSON.parse(queue.sent[0]!);
    expect(record.requestContext.condition).toBe('RejectedByDispatch');
    expect(record.responsePayload).toMatchObject({
      errorType: 'VendorError',
      errorMessage: expect.stringMatching(/github: create issue answered HTTP 404/),
    });
    expect(result.deadLettered?.[0]?.messageId).toBe('m-missing');
  });

  it('still throws a transient failure, so Lambda retries it, and sends nothing itself', async () => {
    // Prepare
    const { handler } = await makeHandler({ DISPATCH_DEAD_LETTER_QUEUE_URL: QUEUE });
    ssmOnce();
    nock('https://events.pagerduty.com').post('/v2/enqueue').times(3).reply(503, 'unavailable');
    let sends = 0;
    nock('https://sqs.us-east-1.amazonaws.com')
      .post('/')
      .optionally()
      .reply(() => [500, String(++sends)]);
    // Act / Assess
    await expect(
      handler(snsEvent(originalExamples['high-priority']!), {
        ...context,
        getRemainingTimeInMillis: () => 4_000,
      }),
    ).rejects.toThrow(/pagerduty: trigger event answered HTTP 503/);
    expect(sends).toBe(0);
  });

  it('throws the original error when the queue does not take the record, so Lambda dead-letters it', async () => {
    // Prepare
    const { handler, lines } = await makeHandler({ DISPATCH_DEAD_LETTER_QUEUE_URL: QUEUE });
    const queue = sqs(400);
    // Act / Assess
    await expect(handler(snsEvent(BAD, 'm-bad'), context)).rejects.toThrow(
      'alarm rejected: body.slack.actions.no: required for self-service',
    );
    expect(queue.sent).toHaveLength(1);
    expect(lines.find((l) => l.includes('not sent to the dead-letter queue: failing instead'))).toContain(
      'KmsAccessDenied',
    );
  });
});

describe('resolve at the source (issue 15)', () => {
  it('resolves the PagerDuty incident with the same dedup key and publishes "Alarm Resolved", once', async () => {
    // Prepare
    const { handler } = await makeHandler();
    ssmOnce();
    const firing = JSON.parse(originalExamples['high-priority']!) as Record<string, unknown>;
    let dedupKey = '';
    nock('https://events.pagerduty.com')
      .post('/v2/enqueue', (b) => b.event_action === 'trigger' && Boolean((dedupKey = b.dedup_key)))
      .reply(202, { status: 'success' });
    await handler(snsEvent(JSON.stringify(firing), 'm-fire'));
    const resolve = nock('https://events.pagerduty.com')
      .post('/v2/enqueue', (b) => b.event_action === 'resolve' && b.dedup_key === dedupKey)
      .reply(202, { status: 'success' });
    const published = nock('https://events.us-east-1.amazonaws.com', {
      reqheaders: { 'x-amz-target': 'AWSEvents.PutEvents' },
    })
      .post('/', (b) => {
        const entry = b.Entries[0];
        return (
          entry.Source === 'dispatch' &&
          entry.DetailType === 'Alarm Resolved' &&
          JSON.parse(entry.Detail).pagerDutyDedupKey === dedupKey
        );
      })
      .reply(200, { FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    // Act
    await handler(snsEvent(JSON.stringify({ ...firing, status: 'resolved' }), 'm-resolve'));
    const again = await handler(snsEvent(JSON.stringify({ ...firing, status: 'resolved' }), 'm-again'));
    // Assess
    expect(resolve.isDone() && published.isDone()).toBe(true);
    expect(again.reports[0]!.deliveries[0]!.suppressed).toBe('already resolved at the source');
  });
});

describe('producers (issue 12)', () => {
  const IDP = 'arn:aws:sns:us-east-1:123456789012:dispatch-test-producer-idp';
  const producers = JSON.stringify({ idp: { types: ['high-priority'], topicArn: IDP } });

  it('knows the producer by the topic: its keys carry its name, also as the PagerDuty dedup key', async () => {
    // Prepare
    const { handler } = await makeHandler({ DISPATCH_PRODUCERS: producers });
    ssmOnce();
    const pd = nock('https://events.pagerduty.com')
      .post('/v2/enqueue', (b) => b.dedup_key.startsWith('idp|high-priority:'))
      .reply(202, { status: 'success' });
    // Act
    const { reports } = await handler(snsEvent(originalExamples['high-priority']!, 'm-idp', IDP));
    // Assess
    expect(pd.isDone()).toBe(true);
    expect(reports[0]!.deliveries[0]!.key).toMatch(/^idp\|high-priority:[0-9a-f]{32}$/);
  });

  it('rejects a type the producer may not send before any vendor call, naming both', async () => {
    // Prepare
    const { handler, lines } = await makeHandler({ DISPATCH_PRODUCERS: producers });
    // Act / Assess
    await expect(handler(snsEvent(originalExamples['low-priority']!, 'm-idp', IDP))).rejects.toThrow(
      'alarm rejected: type: producer "idp" may not send low-priority alarms; it may send: high-priority',
    );
    expect(lines.some((l) => l.includes('"producer":"idp"') && l.includes('may not send'))).toBe(true);
  });

  it.each([
    ['{"idp":', /DISPATCH_PRODUCERS is not JSON/],
    ['{"Idp":{"types":["nag"]}}', /DISPATCH_PRODUCERS Idp: producer names are lower-case/],
    ['{"idp":{"types":["page"]}}', /DISPATCH_PRODUCERS idp.types.0: expected alarm types/],
  ])('names what is wrong in DISPATCH_PRODUCERS=%s', (value, message) => {
    // Act / Assess
    expect(() => testEnv({ DISPATCH_LEDGER_TABLE: 't', DISPATCH_PRODUCERS: value })).toThrow(message);
  });
});

describe('configuration', () => {
  it('names every missing setting at cold start', () => {
    // Act / Assess
    expect(() => parseEnv({ DISPATCH_GITHUB_OWNER: 'acme' })).toThrow(
      /DISPATCH_GITHUB_DEFAULT_REPO is not set: the repository for issues when an alarm names none, e.g. security-alarms.*DISPATCH_SLACK_DEFAULT_CHANNEL is not set/,
    );
  });

  it('requires the REST settings only in REST mode', () => {
    // Prepare
    const base = {
      DISPATCH_GITHUB_OWNER: 'a',
      DISPATCH_GITHUB_DEFAULT_REPO: 'r',
      DISPATCH_GITHUB_DEFAULT_USER: 'u',
      DISPATCH_SLACK_DEFAULT_CHANNEL: 'C1',
      DISPATCH_LEDGER_TABLE: 't',
    };
    // Act / Assess
    expect(parseEnv(base).DISPATCH_PAGERDUTY_MODE).toBe('events');
    expect(() => parseEnv({ ...base, DISPATCH_PAGERDUTY_MODE: 'rest' })).toThrow(
      /DISPATCH_PAGERDUTY_SERVICE_ID is required when DISPATCH_PAGERDUTY_MODE is "rest"/,
    );
  });
});

describe('wiring without a scheduler', () => {
  it('holds no DM back when no timer could send the digest', () => {
    // Prepare
    const env = parseEnv({
      DISPATCH_GITHUB_OWNER: 'a',
      DISPATCH_GITHUB_DEFAULT_REPO: 'r',
      DISPATCH_GITHUB_DEFAULT_USER: 'u',
      DISPATCH_SLACK_DEFAULT_CHANNEL: 'C1',
      DISPATCH_LEDGER_TABLE: 't',
      DISPATCH_USER_DM_CAP: '5',
    });
    // Act
    const deps = buildRouteDeps(env, { write: () => {} });
    // Assess
    expect(deps.config.userDmCap).toBe(0);
  });
});
