/**
 * Responders (issue 15), through the signed triage handler: the Slack users in DISPATCH_RESPONDERS may answer any
 * prompt on its owner's behalf, recorded as "answered by <responder> on behalf of <owner>" on the issue and in the
 * DM; anyone else is refused as before. The ledger on dynalite, the worker in process, vendors at the wire.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { ACTION_NO } from '../../lambdas/core/render/slack.ts';
import { useDynalite } from '../helpers/dynalite.ts';
import { useNock } from '../helpers/nock.ts';
import {
  DM,
  ISSUE,
  KEY,
  OWNER,
  TRIGGER_ID,
  click,
  github,
  slack,
  submission,
  triageWorld,
} from '../helpers/triage-world.ts';

useNock();
const dynamo = useDynalite();

const RESPONDER = 'U0RESPOND1';
const RESPONDERS = { DISPATCH_RESPONDERS: `U0OTHERONE, ${RESPONDER}` };

describe('responders', () => {
  it('accept a responder’s "yes" and record it on the issue and in the DM as answered on the owner’s behalf', async () => {
    // Prepare
    const { handler, jobs, queued, events } = await triageWorld(dynamo, { env: RESPONDERS });
    const gh = github()
      .post(`/repos/acme/alarms/issues/${ISSUE.number}/comments`, (b: { body: string }) =>
        /Answered \*\*yes\*\* \(`Yes, it was me`\) at 20\d\d-[^,]+, answered by `U0RESPOND1` on behalf of `U024BE7LH`: a responder confirmed/.test(
          b.body,
        ),
      )
      .reply(201, { id: 1 })
      .patch(`/repos/acme/alarms/issues/${ISSUE.number}`, { state: 'closed', state_reason: 'completed' })
      .reply(200, {});
    const dm = slack()
      .post('/api/chat.update', (b: { blocks: string }) =>
        b.blocks.includes('This was answered by <@U0RESPOND1> on behalf of <@U024BE7LH>.'),
      )
      .reply(200, { ok: true });
    // Act
    const response = await handler(click({ user: RESPONDER }));
    await jobs.idle();
    // Assess
    expect(response).toMatchObject({ statusCode: 200, body: '' });
    expect(queued).toEqual([
      expect.objectContaining({ kind: 'answer', answer: 'yes', userId: RESPONDER, onBehalfOf: OWNER }),
    ]);
    expect(gh.isDone() && dm.isDone()).toBe(true);
    expect(jobs.deadLetters).toEqual([]);
    expect(events.of('Prompt Answered')).toHaveLength(1);
  });

  it('accept a responder’s "no": the page and the comment name both', async () => {
    // Prepare
    const { handler, jobs } = await triageWorld(dynamo, { env: RESPONDERS });
    const pd = nock('https://events.pagerduty.com')
      .post(
        '/v2/enqueue',
        (b: { payload: { custom_details: Record<string, unknown> } }) =>
          b.payload.custom_details.answeredBy === RESPONDER && b.payload.custom_details.onBehalfOf === OWNER,
      )
      .reply(202, { status: 'success', dedup_key: KEY });
    const gh = github()
      .post(`/repos/acme/alarms/issues/${ISSUE.number}/comments`, (b: { body: string }) =>
        /Answered \*\*no\*\* .*answered by `U0RESPOND1` on behalf of `U024BE7LH`\. Escalated to PagerDuty/.test(
          b.body,
        ),
      )
      .reply(201, { id: 1 })
      .post(`/repos/acme/alarms/issues/${ISSUE.number}/labels`)
      .reply(200, []);
    const dm = slack()
      .post('/api/chat.update', (b: { blocks: string }) => b.blocks.includes('on behalf of <@U024BE7LH>'))
      .reply(200, { ok: true });
    // Act
    const response = await handler(click({ user: RESPONDER, action: ACTION_NO }));
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
    expect(pd.isDone() && gh.isDone() && dm.isDone()).toBe(true);
  });

  it.each([
    ['no responders are set', {}],
    ['responders are set', RESPONDERS],
  ])('still refuse anyone else when %s, exactly as before', async (_what, env) => {
    // Prepare
    const { handler, jobs, queued, open } = await triageWorld(dynamo, { env });
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
    expect(queued.map((j) => j.kind)).toEqual(['notice']);
    expect(await open()).toBe(true);
  });

  it('follow the first-answer rule: a responder’s "no" after the owner’s "yes" is refused and the responder told', async () => {
    // Prepare
    const { handler, jobs } = await triageWorld(dynamo, { env: RESPONDERS });
    github()
      .post(`/repos/acme/alarms/issues/${ISSUE.number}/comments`)
      .reply(201, { id: 1 })
      .patch(`/repos/acme/alarms/issues/${ISSUE.number}`)
      .reply(200, {});
    slack().post('/api/chat.update').reply(200, { ok: true });
    const notice = nock('https://hooks.slack.com')
      .post('/actions/T0/1/abc', (b: { text: string }) => /already answered "yes"/.test(b.text))
      .reply(200, 'ok');
    // Act
    await handler(click());
    await jobs.idle();
    await handler(click({ user: RESPONDER, action: ACTION_NO }));
    await jobs.idle();
    // Assess: no PagerDuty interceptor exists, so a page would dead-letter the job.
    expect(notice.isDone()).toBe(true);
    expect(jobs.deadLetters).toEqual([]);
  });

  it('are asked for the reason too, and their submission is recorded on the owner’s behalf', async () => {
    // Prepare
    const { handler, jobs, queued } = await triageWorld(dynamo, {
      env: RESPONDERS,
      prompt: { requireReason: true },
    });
    const opened = slack()
      .post(
        '/api/views.open',
        (b: { trigger_id: string; view: { blocks: unknown[] } }) =>
          b.trigger_id === TRIGGER_ID && JSON.stringify(b.view.blocks).includes('on behalf of <@U024BE7LH>'),
      )
      .reply(200, { ok: true });
    const gh = github()
      .post(
        `/repos/acme/alarms/issues/${ISSUE.number}/comments`,
        (b: { body: string }) =>
          b.body.includes('answered by `U0RESPOND1` on behalf of `U024BE7LH`') &&
          b.body.includes('Reason given by `U0RESPOND1`:\n\n```text\nConfirmed with alice by phone\n```'),
      )
      .reply(201, { id: 1 })
      .patch(`/repos/acme/alarms/issues/${ISSUE.number}`)
      .reply(200, {});
    slack().post('/api/chat.update').reply(200, { ok: true });
    // Act
    const asked = await handler(click({ user: RESPONDER }));
    const answered = await handler(submission({ user: RESPONDER, reason: 'Confirmed with alice by phone' }));
    await jobs.idle();
    // Assess
    expect(asked.statusCode).toBe(200);
    expect(JSON.parse(answered.body)).toEqual({ response_action: 'clear' });
    expect(opened.isDone() && gh.isDone()).toBe(true);
    expect(queued).toEqual([
      expect.objectContaining({
        kind: 'answer',
        userId: RESPONDER,
        onBehalfOf: OWNER,
        reason: 'Confirmed with alice by phone',
      }),
    ]);
  });
});

/** The prompt's responder copy in the default channel, and a click on it. */
const COPY = { channel: 'C0SECURITY', ts: '1700000000.000200' };
const ON_COPY = { container: { type: 'message', channel_id: COPY.channel, message_ts: COPY.ts } };

describe('responders on the responder copy', () => {
  it('accept a responder’s click on the copy, on the owner’s behalf; the outcome replaces the copy’s buttons and the DM’s', async () => {
    // Prepare
    const { handler, jobs, queued, open } = await triageWorld(dynamo, {
      env: RESPONDERS,
      prompt: { copy: COPY },
    });
    const gh = github()
      .post(`/repos/acme/alarms/issues/${ISSUE.number}/comments`, (b: { body: string }) =>
        b.body.includes('answered by `U0RESPOND1` on behalf of `U024BE7LH`: a responder confirmed'),
      )
      .reply(201, { id: 1 })
      .patch(`/repos/acme/alarms/issues/${ISSUE.number}`, { state: 'closed', state_reason: 'completed' })
      .reply(200, {});
    type Update = { channel: string; ts: string; blocks: string };
    const settled = (at: { channel: string; ts: string }) => (b: Update) =>
      b.channel === at.channel &&
      b.ts === at.ts &&
      !b.blocks.includes('dispatch_yes') &&
      b.blocks.includes('This was answered by <@U0RESPOND1> on behalf of <@U024BE7LH>.');
    const updates = slack()
      .post('/api/chat.update', settled(COPY))
      .reply(200, { ok: true })
      .post('/api/chat.update', settled(DM))
      .reply(200, { ok: true });
    // Act
    const response = await handler(click({ user: RESPONDER, extra: ON_COPY }));
    await jobs.idle();
    // Assess
    expect(response).toMatchObject({ statusCode: 200, body: '' });
    expect(queued).toEqual([
      expect.objectContaining({
        kind: 'answer',
        answer: 'yes',
        userId: RESPONDER,
        onBehalfOf: OWNER,
        dm: DM,
      }),
    ]);
    expect(gh.isDone() && updates.isDone()).toBe(true);
    expect(jobs.deadLetters).toEqual([]);
    expect(await open()).toBe(false);
  });

  it('refuse the owner’s click on the copy: they answer on their DM, and are told so', async () => {
    // Prepare
    const { handler, jobs, queued, open } = await triageWorld(dynamo, {
      env: RESPONDERS,
      prompt: { copy: COPY },
    });
    const notice = nock('https://hooks.slack.com')
      .post('/actions/T0/1/abc', {
        response_type: 'ephemeral',
        replace_original: false,
        text: 'This is the security team’s copy of your prompt: please answer on the DM Dispatch sent you. Nothing was changed.',
      })
      .reply(200, 'ok');
    // Act
    const response = await handler(click({ extra: ON_COPY }));
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
    expect(notice.isDone()).toBe(true);
    expect(queued.map((j) => j.kind)).toEqual(['notice']);
    expect(await open()).toBe(true);
  });

  it('refuse anyone else’s click on the copy, as on the DM', async () => {
    // Prepare
    const { handler, jobs, queued, open } = await triageWorld(dynamo, {
      env: RESPONDERS,
      prompt: { copy: COPY },
    });
    const notice = nock('https://hooks.slack.com')
      .post('/actions/T0/1/abc', {
        response_type: 'ephemeral',
        replace_original: false,
        text: 'This prompt belongs to <@U024BE7LH>; only they can answer it. Nothing was changed.',
      })
      .reply(200, 'ok');
    // Act
    const response = await handler(click({ user: 'U0STRANGER', action: ACTION_NO, extra: ON_COPY }));
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
    expect(notice.isDone()).toBe(true);
    expect(queued.map((j) => j.kind)).toEqual(['notice']);
    expect(await open()).toBe(true);
  });
});
