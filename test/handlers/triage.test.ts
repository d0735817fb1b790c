/**
 * The triage function end to end: signed HTTP requests as API Gateway hands them over, the ledger on dynalite,
 * the worker run in process after the acknowledgement, and GitHub, PagerDuty and Slack answered by nock.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { DynamoLedger } from '../../lambdas/adapters/dynamodb-ledger.ts';
import type { TriageJob } from '../../lambdas/core/ports.ts';
import { ACTION_NO, ACTION_YES } from '../../lambdas/core/render/slack.ts';
import { signSlackRequest } from '../../lambdas/shared/slack-signature.ts';
import { useDynalite } from '../helpers/dynalite.ts';
import { useNock } from '../helpers/nock.ts';
import {
  APP,
  DM,
  ISSUE,
  KEY,
  PROMPT,
  RESPONSE_URL,
  SIGNING_SECRET,
  TEAM,
  triageWorld,
} from '../helpers/triage-world.ts';

useNock();

const dynamo = useDynalite();

/** The workspace and app the signed clicks come from unless a test says otherwise. */
const BOUND = { DISPATCH_SLACK_TEAM_ID: TEAM, DISPATCH_SLACK_APP_ID: APP };

async function setup(options: { timeoutMs?: string; binding?: Record<string, string> } = {}) {
  return triageWorld(dynamo, {
    env: { DISPATCH_VENDOR_TIMEOUT_MS: options.timeoutMs ?? '1000', ...options.binding },
  });
}

function click(
  options: {
    action?: string;
    user?: string;
    value?: string;
    ts?: number;
    secret?: string;
    extra?: Record<string, unknown>;
  } = {},
) {
  const payload = {
    type: 'block_actions',
    user: { id: options.user ?? 'U024BE7LH', username: 'alice' },
    actions: [
      {
        action_id: options.action ?? ACTION_YES,
        block_id: 'dispatch_prompt',
        value: options.value ?? KEY,
        type: 'button',
      },
    ],
    container: { type: 'message', channel_id: DM.channel, message_ts: DM.ts },
    response_url: RESPONSE_URL,
    team: { id: TEAM, domain: 'acme' },
    api_app_id: APP,
    ...options.extra,
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return signed(body, options);
}

function signed(body: string, options: { ts?: number; secret?: string } = {}) {
  const timestamp = String(options.ts ?? Math.floor(Date.now() / 1000));
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signSlackRequest(options.secret ?? SIGNING_SECRET, timestamp, body),
    },
    body,
    isBase64Encoded: false,
  };
}

const github = () =>
  nock('https://api.github.com', { reqheaders: { authorization: 'token ghp_testtokentesttokentest1234' } });
const slack = () => nock('https://slack.com', { reqheaders: { authorization: 'Bearer xoxb-bot' } });

describe('triage: yes', () => {
  it('acknowledges, then comments who answered, closes the issue and replaces the buttons', async () => {
    // Prepare
    const { handler, jobs } = await setup();
    const gh = github()
      .post('/repos/acme/alarms/issues/12/comments', (b) =>
        /Answered \*\*yes\*\* \(`Yes, it was me`\) by Slack user `U024BE7LH` at 20\d\d-/.test(b.body),
      )
      .reply(201, { id: 1 })
      .patch('/repos/acme/alarms/issues/12', { state: 'closed', state_reason: 'completed' })
      .reply(200, {});
    const dm = slack()
      .post(
        '/api/chat.update',
        (b) =>
          b.channel === DM.channel &&
          b.ts === DM.ts &&
          b.blocks.includes('Thanks for confirming') &&
          !b.blocks.includes('dispatch_yes'),
      )
      .reply(200, { ok: true });
    // Act
    const response = await handler(click());
    await jobs.idle();
    // Assess
    expect(response).toMatchObject({ statusCode: 200, body: '' });
    expect(gh.isDone() && dm.isDone()).toBe(true);
    expect(jobs.deadLetters).toEqual([]);
  });
});

describe('triage: no', () => {
  it('pages PagerDuty with the alarm key, comments the escalation, labels the issue and keeps it open', async () => {
    // Prepare
    const { handler, jobs } = await setup();
    const pd = nock('https://events.pagerduty.com')
      .post(
        '/v2/enqueue',
        (b) =>
          b.dedup_key === KEY &&
          b.routing_key === 'R0KEY' &&
          b.payload.summary.startsWith('2FA disabled for alice') &&
          b.links[0].href === ISSUE.url,
      )
      .reply(202, { status: 'success', dedup_key: KEY });
    const gh = github()
      .post('/repos/acme/alarms/issues/12/comments', (b) =>
        /Answered \*\*no\*\*.*Escalated to PagerDuty \(dedup key `self-service:/.test(b.body),
      )
      .reply(201, { id: 1 })
      .post('/repos/acme/alarms/issues/12/labels', { labels: ['escalated'] })
      .reply(200, []);
    const dm = slack()
      .post('/api/chat.update', (b) => b.blocks.includes('Paged the security team.'))
      .reply(200, { ok: true });
    // Act
    const response = await handler(click({ action: ACTION_NO }));
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
    expect(pd.isDone() && gh.isDone() && dm.isDone()).toBe(true);
  });
});

describe('triage: authenticity', () => {
  it.each([
    ['a wrong signature', () => click({ secret: 'not-the-secret' })],
    ['a timestamp six minutes old', () => click({ ts: Math.floor(Date.now() / 1000) - 360 })],
    ['a timestamp six minutes ahead', () => click({ ts: Math.floor(Date.now() / 1000) + 360 })],
    [
      'no signature headers',
      () => ({ ...click(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    ],
    ['a body changed after signing', () => ({ ...click(), body: click({ action: ACTION_NO }).body })],
  ])('answers 401 with an empty body and does nothing for %s', async (_what, request) => {
    // Prepare
    const { handler, jobs, lines } = await setup();
    // Act: no interceptor is set, so any vendor call would fail the job.
    const response = await handler(request());
    await jobs.idle();
    // Assess
    expect(response).toMatchObject({ statusCode: 401, body: '' });
    expect(lines.some((l) => l.includes('"status":401'))).toBe(true);
    expect(jobs.deadLetters).toEqual([]);
  });

  it('verifies a base64-encoded body with headers in any case', async () => {
    // Prepare
    const { handler, jobs } = await setup();
    github()
      .post('/repos/acme/alarms/issues/12/comments')
      .reply(201, { id: 1 })
      .patch('/repos/acme/alarms/issues/12')
      .reply(200, {});
    slack().post('/api/chat.update').reply(200, { ok: true });
    const request = click();
    const shouting = Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [k.toUpperCase(), v]),
    );
    // Act
    const response = await handler({
      headers: shouting,
      body: Buffer.from(request.body).toString('base64'),
      isBase64Encoded: true,
    });
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
  });
});

describe('triage: authorization and idempotency', () => {
  it('tells another user the prompt is not theirs and changes nothing', async () => {
    // Prepare
    const { handler, jobs } = await setup();
    const notice = nock('https://hooks.slack.com')
      .post('/actions/T0/1/abc', {
        response_type: 'ephemeral',
        replace_original: false,
        text: 'This prompt belongs to <@U024BE7LH>; only they can answer it. Nothing was changed.',
      })
      .reply(200, 'ok');
    // Act
    const response = await handler(click({ user: 'U0STRANGER' }));
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
    expect(notice.isDone()).toBe(true);
  });

  it('refuses a button value edited to point at another alarm or at nothing', async () => {
    // Prepare
    const { handler, jobs, ledger } = await setup();
    await ledger.join('other-alarm', 'sns-2');
    await ledger.annotate('other-alarm', 1, {
      issue: { ...ISSUE, repo: 'secret-repo', number: 1 },
      prompt: { ...PROMPT, slackUserId: 'U0BOB', dm: { channel: 'D0BOB', ts: '1.0' } },
    });
    const notices = nock('https://hooks.slack.com')
      .post('/actions/T0/1/abc', (b) => /cannot match this button/.test(b.text))
      .times(2)
      .reply(200, 'ok');
    // Act
    const forged = await handler(click({ value: 'other-alarm' }));
    const unknown = await handler(click({ value: 'self-service:ffffffffffffffffffffffffffffffff' }));
    await jobs.idle();
    // Assess
    expect([forged.statusCode, unknown.statusCode]).toEqual([200, 200]);
    expect(notices.isDone()).toBe(true);
  });

  it('carries out a replayed click (Slack retry, double click) once', async () => {
    // Prepare
    const { handler, jobs } = await setup();
    github()
      .post('/repos/acme/alarms/issues/12/comments')
      .once()
      .reply(201, { id: 1 })
      .patch('/repos/acme/alarms/issues/12')
      .once()
      .reply(200, {});
    slack().post('/api/chat.update').once().reply(200, { ok: true });
    const request = click();
    // Act
    const first = await handler(request);
    await jobs.idle();
    const replay = await handler({ ...request, headers: { ...request.headers, 'x-slack-retry-num': '1' } });
    const again = await handler(click());
    await jobs.idle();
    // Assess: a second comment or close would find no interceptor and dead-letter the job.
    expect([first.statusCode, replay.statusCode, again.statusCode]).toEqual([200, 200, 200]);
    expect(jobs.deadLetters).toEqual([]);
  });

  it('lets the first answer win a yes-then-no race and tells the user', async () => {
    // Prepare
    const { handler, jobs } = await setup();
    github()
      .post('/repos/acme/alarms/issues/12/comments')
      .reply(201, { id: 1 })
      .patch('/repos/acme/alarms/issues/12')
      .reply(200, {});
    slack().post('/api/chat.update').reply(200, { ok: true });
    const notice = nock('https://hooks.slack.com')
      .post('/actions/T0/1/abc', (b) => /already answered "yes"/.test(b.text))
      .reply(200, 'ok');
    // Act
    await Promise.all([
      handler(click({ action: ACTION_YES })),
      new Promise((r) => setTimeout(r, 5)).then(() => handler(click({ action: ACTION_NO }))),
    ]);
    await jobs.idle();
    // Assess: no PagerDuty interceptor exists, so a page would have dead-lettered the job.
    expect(notice.isDone()).toBe(true);
    expect(jobs.deadLetters).toEqual([]);
  });
});

describe('triage: slow and failing downstream', () => {
  it('acknowledges before GitHub has answered', async () => {
    // Prepare
    const { handler, jobs } = await setup({ timeoutMs: '5000' });
    const gh = github()
      .post('/repos/acme/alarms/issues/12/comments')
      .delay(400)
      .reply(201, { id: 1 })
      .patch('/repos/acme/alarms/issues/12')
      .reply(200, {});
    slack().post('/api/chat.update').reply(200, { ok: true });
    // Act
    const response = await handler(click());
    const doneAtAck = gh.isDone();
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
    expect(doneAtAck).toBe(false);
    expect(gh.isDone()).toBe(true);
  });

  it('shows a downstream failure in the DM and retries the work until it succeeds', async () => {
    // Prepare
    const { handler, jobs } = await setup();
    nock('https://events.pagerduty.com').post('/v2/enqueue').times(9).reply(503, 'unavailable'); // three tries of a step, three requests each
    nock('https://events.pagerduty.com').post('/v2/enqueue').reply(202, { status: 'success' });
    const failureShown = slack()
      .post('/api/chat.update', (b) => b.blocks.includes('could not finish escalating yet'))
      .reply(200, { ok: true });
    github()
      .post('/repos/acme/alarms/issues/12/comments')
      .reply(201, { id: 1 })
      .post('/repos/acme/alarms/issues/12/labels')
      .reply(200, []);
    const outcome = slack()
      .post('/api/chat.update', (b) => b.blocks.includes('Paged the security team.'))
      .reply(200, { ok: true });
    // Act
    const response = await handler(click({ action: ACTION_NO }));
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
    expect(failureShown.isDone() && outcome.isDone()).toBe(true);
    expect(jobs.deadLetters).toEqual([]);
  });
});

describe('triage: bad input', () => {
  it.each([
    ['a body that is not a form', 'hello'],
    ['a payload that is not JSON', 'payload=%7Bnope'],
    [
      'an unknown action',
      `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U1' }, actions: [{ action_id: 'delete_everything', value: KEY }] }))}`,
    ],
    [
      'another interaction type',
      `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', user: { id: 'U1' } }))}`,
    ],
  ])('answers 400 for %s, signed or not', async (_what, body) => {
    // Prepare
    const { handler } = await setup();
    // Act
    const response = await handler(signed(body));
    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body.length).toBeGreaterThan(0);
  });

  it('answers 413 for an oversized body without reading it', async () => {
    // Prepare
    const { handler } = await setup();
    // Act
    const response = await handler(signed(`payload=${'x'.repeat(600 * 1024)}`));
    // Assess
    expect(response.statusCode).toBe(413);
  });
});

describe('triage: workspace and app binding (issue 12)', () => {
  /** Nothing was recorded: the answer step can still be claimed, and no job was queued. */
  async function nothingDone(ledger: DynamoLedger, queued: TriageJob[]) {
    expect(await ledger.isDone(KEY, 'o1:answer')).toBe(false);
    expect((await ledger.claim(KEY, 'o1:answer', 1_000, 'probe')).status).toBe('won');
    expect(queued).toEqual([]);
  }

  it.each([
    ['another workspace', { team: { id: 'T0OTHER', domain: 'evil' } }, /team T0OTHER/],
    ['another app', { api_app_id: 'A0OTHER' }, /app A0OTHER/],
    ['no workspace at all', { team: undefined }, /no team/],
    ['a null workspace and no user team or org', { team: null }, /no team/],
    ['no app ID', { api_app_id: undefined }, /no api_app_id/],
  ])(
    'answers 401 to a correctly signed click from %s, claims nothing and queues nothing',
    async (_what, extra, reason) => {
      // Prepare
      const { handler, jobs, lines, ledger, queued } = await setup({ binding: BOUND });
      // Act: no interceptor is set, so any vendor call would dead-letter a job.
      const response = await handler(click({ extra }));
      await jobs.idle();
      // Assess
      expect(response).toMatchObject({ statusCode: 401, body: '' });
      const refusal = lines.find((l) => l.includes('interaction refused'));
      expect(refusal).toMatch(/"status":401/);
      expect(refusal).toMatch(reason);
      await nothingDone(ledger, queued);
      expect(jobs.deadLetters).toEqual([]);
    },
  );

  it.each([
    ['the same workspace and app', {}, BOUND],
    [
      'an Enterprise Grid org-wide install (team null, the user in the workspace)',
      { team: null, user: { id: 'U024BE7LH', team_id: TEAM }, enterprise: { id: 'E0ACMEORG', name: 'Acme' } },
      BOUND,
    ],
    [
      'an Enterprise Grid org, bound to the org ID',
      {
        team: null,
        user: { id: 'U024BE7LH', team_id: 'T0ELSE' },
        enterprise: { id: 'E0ACMEORG', name: 'Acme' },
      },
      { ...BOUND, DISPATCH_SLACK_TEAM_ID: 'E0ACMEORG' },
    ],
    ['any workspace when the settings are unset (as before)', { team: { id: 'T0OTHER' } }, {}],
  ])('accepts a click from %s', async (_what, extra, binding) => {
    // Prepare
    const { handler, jobs, queued } = await setup({ binding });
    const gh = github()
      .post('/repos/acme/alarms/issues/12/comments')
      .reply(201, { id: 1 })
      .patch('/repos/acme/alarms/issues/12')
      .reply(200, {});
    const dm = slack().post('/api/chat.update').reply(200, { ok: true });
    // Act
    const response = await handler(click({ extra }));
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
    expect(queued.map((j) => j.kind)).toEqual(['answer']);
    expect(gh.isDone() && dm.isDone()).toBe(true);
    expect(jobs.deadLetters).toEqual([]);
  });
});

describe('triage: the clicked message (issue 12)', () => {
  it.each([
    ['no container', { container: undefined }],
    ['a container without the channel', { container: { type: 'message', message_ts: DM.ts } }],
    ['a container without the message ts', { container: { type: 'message', channel_id: DM.channel } }],
    ['another message', { container: { type: 'message', channel_id: DM.channel, message_ts: '1.0' } }],
  ])(
    'refuses a click with %s when the prompt has a DM: the user is told, nothing is recorded',
    async (_what, extra) => {
      // Prepare
      const { handler, jobs, ledger, queued } = await setup();
      const notice = nock('https://hooks.slack.com')
        .post('/actions/T0/1/abc', (b) => /cannot match this button/.test(b.text))
        .reply(200, 'ok');
      // Act
      const response = await handler(click({ extra }));
      await jobs.idle();
      // Assess
      expect(response.statusCode).toBe(200);
      expect(notice.isDone()).toBe(true);
      expect(queued.map((j) => j.kind)).toEqual(['notice']);
      expect(await ledger.isDone(KEY, 'o1:answer')).toBe(false);
      expect((await ledger.claim(KEY, 'o1:answer', 1_000, 'probe')).status).toBe('won');
    },
  );
});
