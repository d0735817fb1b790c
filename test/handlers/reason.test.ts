/**
 * A reason for "it was me" (issue 15), through the signed triage handler: "yes" to a prompt that requires a reason
 * opens a Slack modal and records nothing; the answer counts when the modal is submitted, and the reason is quoted
 * on the issue and in the DM. Slack at the wire (nock), the ledger on dynalite, the worker in process.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { ACTION_NO } from '../../lambdas/core/render/slack.ts';
import { TriageJobSchema } from '../../lambdas/triage/job-schema.ts';
import { useDynalite } from '../helpers/dynalite.ts';
import { useNock } from '../helpers/nock.ts';
import {
  DM,
  ISSUE,
  KEY,
  METADATA,
  OWNER,
  TRIGGER_ID,
  click,
  closed,
  github,
  slack,
  submission,
  triageWorld,
} from '../helpers/triage-world.ts';

useNock();
const dynamo = useDynalite();

const REQUIRED = { prompt: { requireReason: true } };

/** Slack's views.open, answered ok, for the reason modal of this click. */
function viewsOpen(check: (view: Record<string, unknown>) => boolean = () => true) {
  return slack()
    .post(
      '/api/views.open',
      (b: { trigger_id: string; view: Record<string, unknown> }) =>
        b.trigger_id === TRIGGER_ID && check(b.view),
    )
    .reply(200, { ok: true, view: { id: 'V0REASON' } });
}

/** GitHub and Slack answering the worker's "yes": the comment (checked by `comment`), the close, the DM update. */
function yesCarriedOut(comment: (body: string) => boolean, dm: (blocks: string) => boolean = () => true) {
  return [
    github()
      .post(`/repos/acme/alarms/issues/${ISSUE.number}/comments`, (b: { body: string }) => comment(b.body))
      .reply(201, { id: 1 })
      .patch(`/repos/acme/alarms/issues/${ISSUE.number}`, { state: 'closed', state_reason: 'completed' })
      .reply(200, {}),
    slack()
      .post(
        '/api/chat.update',
        (b: { channel: string; ts: string; blocks: string }) =>
          b.channel === DM.channel && b.ts === DM.ts && dm(b.blocks),
      )
      .reply(200, { ok: true }),
  ] as const;
}

describe('reason: the click', () => {
  it('opens the modal with the click’s trigger_id and callback_id dispatch_reason, and records nothing', async () => {
    // Prepare
    const { handler, jobs, queued, open } = await triageWorld(dynamo, REQUIRED);
    let view: Record<string, unknown> = {};
    const opened = viewsOpen((v) => ((view = v), true));
    // Act
    const response = await handler(click());
    await jobs.idle();
    // Assess
    expect(response).toMatchObject({ statusCode: 200, body: '' });
    expect(opened.isDone()).toBe(true);
    expect(view).toMatchObject({ type: 'modal', callback_id: 'dispatch_reason' });
    expect(JSON.parse(view.private_metadata as string)).toEqual(METADATA);
    const inputs = (view.blocks as { type: string; element?: Record<string, unknown> }[]).filter(
      (b) => b.type === 'input',
    );
    expect(inputs.map((b) => b.element)).toEqual([
      expect.objectContaining({ type: 'plain_text_input', multiline: true, max_length: 3000 }),
    ]);
    expect(await open()).toBe(true);
    expect(queued).toEqual([]);
  });

  it('asks for no reason when answering "no": the answer is recorded at once', async () => {
    // Prepare
    const { handler, jobs, queued } = await triageWorld(dynamo, REQUIRED);
    nock('https://events.pagerduty.com')
      .post('/v2/enqueue')
      .reply(202, { status: 'success', dedup_key: KEY });
    github()
      .post(`/repos/acme/alarms/issues/${ISSUE.number}/comments`)
      .reply(201, { id: 1 })
      .post(`/repos/acme/alarms/issues/${ISSUE.number}/labels`)
      .reply(200, []);
    slack().post('/api/chat.update').reply(200, { ok: true });
    // Act: no views.open interceptor exists, so opening a modal would fail the test.
    const response = await handler(click({ action: ACTION_NO }));
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
    expect(queued.map((j) => j.kind)).toEqual(['answer']);
    expect(jobs.deadLetters).toEqual([]);
  });

  it('records nothing and asks the user to click again when Slack does not open the modal', async () => {
    // Prepare
    const { handler, jobs, queued, open } = await triageWorld(dynamo, REQUIRED);
    slack().post('/api/views.open').reply(200, { ok: false, error: 'expired_trigger_id' });
    const notice = nock('https://hooks.slack.com')
      .post('/actions/T0/1/abc', (b: { text: string }) => /could not open the form.*click again/.test(b.text))
      .reply(200, 'ok');
    // Act
    const response = await handler(click());
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
    expect(notice.isDone()).toBe(true);
    expect(queued.map((j) => j.kind)).toEqual(['notice']);
    expect(await open()).toBe(true);
  });

  it('tells nobody anything when a Slack retry of the click finds the modal already opened', async () => {
    // Prepare
    const { handler, jobs, queued, open } = await triageWorld(dynamo, REQUIRED);
    viewsOpen();
    slack().post('/api/views.open').reply(200, { ok: false, error: 'exchanged_trigger_id' });
    const request = click();
    // Act: no response_url interceptor exists, so a notice would dead-letter its job.
    const first = await handler(request);
    const retry = await handler({ ...request, headers: { ...request.headers, 'x-slack-retry-num': '1' } });
    await jobs.idle();
    // Assess
    expect([first.statusCode, retry.statusCode]).toEqual([200, 200]);
    expect(queued).toEqual([]);
    expect(jobs.deadLetters).toEqual([]);
    expect(await open()).toBe(true);
  });

  it('opens no modal once the alarm was resolved at the source: the person is told it is settled', async () => {
    // Prepare: the resolve marks the occurrence and settles the prompt (resolve/resolve-alarm.ts).
    const { handler, jobs, ledger } = await triageWorld(dynamo, REQUIRED);
    await ledger.markResolved(KEY, 1, 'sns-resolve');
    await ledger.settle(
      KEY,
      'o1:answer',
      { answer: 'resolved', userId: 'source', at: Date.now() },
      'resolve',
    );
    const notice = nock('https://hooks.slack.com')
      .post('/actions/T0/1/abc', (b: { text: string }) =>
        /resolved at the source at .*; no answer is needed/.test(b.text),
      )
      .reply(200, 'ok');
    // Act: no views.open interceptor exists, so opening a modal would fail the test.
    const response = await handler(click());
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
    expect(notice.isDone()).toBe(true);
  });

  it('opens no modal for a prompt sent without requireReason: "yes" is recorded at once, as before', async () => {
    // Prepare: the prompt record says (the alarm's or the environment's value, recorded when the prompt was sent).
    const { handler, jobs, queued } = await triageWorld(dynamo, { prompt: { requireReason: false } });
    const [gh, dm] = yesCarriedOut((body) => !body.includes('Reason given'));
    // Act
    await handler(click());
    await jobs.idle();
    // Assess
    expect(gh.isDone() && dm.isDone()).toBe(true);
    expect(queued.map((j) => j.kind)).toEqual(['answer']);
  });
});

describe('reason: the submission', () => {
  it('records the answer, queues its work and quotes the reason on the issue and in the DM', async () => {
    // Prepare
    const { handler, jobs, queued, open, events } = await triageWorld(dynamo, REQUIRED);
    viewsOpen();
    const [gh, dm] = yesCarriedOut(
      (body) =>
        /Answered \*\*yes\*\* \(`Yes, it was me`\) by Slack user `U024BE7LH` at 20\d\d-/.test(body) &&
        body.includes('Reason given by `U024BE7LH`:\n\n```text\nMoving my 2FA to a new phone\n```'),
      (blocks) => blocks.includes('Reason:* Moving my 2FA to a new phone'),
    );
    // Act
    await handler(click());
    await jobs.idle();
    const response = await handler(submission());
    await jobs.idle();
    // Assess
    expect(response).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(response.body)).toEqual({ response_action: 'clear' });
    expect(await open()).toBe(false);
    expect(queued).toEqual([
      expect.objectContaining({
        kind: 'answer',
        answer: 'yes',
        userId: OWNER,
        reason: 'Moving my 2FA to a new phone',
      }),
    ]);
    expect(gh.isDone() && dm.isDone()).toBe(true);
    expect(jobs.deadLetters).toEqual([]);
    expect(events.of('Prompt Answered')).toHaveLength(1);
  });

  it('keeps a hostile reason literal: fenced on GitHub, escaped in Slack', async () => {
    // Prepare
    const reason =
      'it was me @acme/everyone <!channel> <!-- dispatch:x -->\n```\n<https://evil.example|login>';
    const { handler, jobs } = await triageWorld(dynamo, REQUIRED);
    const [gh, dm] = yesCarriedOut(
      (body) =>
        body.includes('````text\nit was me @acme/everyone <!channel> &lt;!-- dispatch:x -->\n```\n') &&
        body.includes('<https://evil.example|login>\n````\n<!-- dispatch:'),
      (blocks) =>
        blocks.includes('&lt;!channel&gt;') &&
        blocks.includes('&lt;https://evil.example|login&gt;') &&
        !blocks.includes('<!channel>'),
    );
    // Act
    const response = await handler(submission({ reason }));
    await jobs.idle();
    // Assess
    expect(JSON.parse(response.body)).toEqual({ response_action: 'clear' });
    expect(gh.isDone() && dm.isDone()).toBe(true);
  });

  it.each([
    ['an empty reason', ''],
    ['only spaces and line breaks', '  \n\t '],
    ['no value at all', null],
    ['a reason over 3,000 characters', 'x'.repeat(3001)],
    ['3,001 emoji (each one character, two UTF-16 units)', '🔑'.repeat(3001)],
  ])('keeps the modal open with an error for %s, and records nothing', async (_what, reason) => {
    // Prepare
    const { handler, jobs, queued, open } = await triageWorld(dynamo, REQUIRED);
    // Act
    const response = await handler(submission({ reason }));
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual(['dispatch_reason']);
    expect(await open()).toBe(true);
    expect(queued).toEqual([]);
  });

  it('refuses a submission from a stranger: the modal says whose prompt it is, nothing is recorded', async () => {
    // Prepare
    const { handler, jobs, queued, open } = await triageWorld(dynamo, REQUIRED);
    // Act
    const response = await handler(submission({ user: 'U0STRANGER' }));
    await jobs.idle();
    // Assess
    expect(JSON.parse(response.body)).toEqual({
      response_action: 'errors',
      errors: {
        dispatch_reason: `This prompt belongs to ${OWNER}; only they can answer it. Nothing was changed.`,
      },
    });
    expect(await open()).toBe(true);
    expect(queued).toEqual([]);
  });

  it.each([
    ['another occurrence', { ...METADATA, occurrence: 2 }],
    ['another message', { ...METADATA, dm: { channel: DM.channel, ts: '1.0' } }],
    [
      'an alarm Dispatch does not know',
      { ...METADATA, key: 'self-service:ffffffffffffffffffffffffffffffff' },
    ],
  ])('refuses a modal whose prompt is %s, and records nothing', async (_what, metadata) => {
    // Prepare
    const { handler, jobs, queued, open } = await triageWorld(dynamo, REQUIRED);
    // Act
    const response = await handler(submission({ metadata }));
    await jobs.idle();
    // Assess
    expect(JSON.parse(response.body)).toMatchObject({
      response_action: 'errors',
      errors: { dispatch_reason: expect.stringMatching(/cannot match this form/) },
    });
    expect(await open()).toBe(true);
    expect(queued).toEqual([]);
  });

  it.each([
    ['another callback_id', 400, { callbackId: 'someone_elses_modal' }],
    ['private_metadata that is not JSON', 400, { metadata: '{nope' }],
    ['private_metadata without the key', 400, { metadata: { occurrence: 1 } }],
    ['another app', 401, { extra: { api_app_id: 'A0OTHER' } }],
    [
      'another workspace',
      401,
      { extra: { team: { id: 'T0OTHER' }, user: { id: OWNER, team_id: 'T0OTHER' } } },
    ],
  ])('answers a submission with %s with %i and records nothing', async (_what, status, options) => {
    // Prepare
    const { handler, jobs, queued, open } = await triageWorld(dynamo, {
      ...REQUIRED,
      env: { DISPATCH_SLACK_TEAM_ID: 'T0DISPATCH', DISPATCH_SLACK_APP_ID: 'A0DISPATCH' },
    });
    // Act
    const response = await handler(submission(options));
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(status);
    expect(await open()).toBe(true);
    expect(queued).toEqual([]);
  });

  it('lets the first answer win: a reason submitted after a "no" is refused in the modal', async () => {
    // Prepare
    const { handler, jobs, queued } = await triageWorld(dynamo, REQUIRED);
    nock('https://events.pagerduty.com')
      .post('/v2/enqueue')
      .reply(202, { status: 'success', dedup_key: KEY });
    github()
      .post(`/repos/acme/alarms/issues/${ISSUE.number}/comments`)
      .reply(201, { id: 1 })
      .post(`/repos/acme/alarms/issues/${ISSUE.number}/labels`)
      .reply(200, []);
    slack().post('/api/chat.update').reply(200, { ok: true });
    // Act
    await handler(click({ action: ACTION_NO }));
    await jobs.idle();
    const response = await handler(submission());
    await jobs.idle();
    // Assess: no close interceptor exists, so carrying out a "yes" would dead-letter its job.
    expect(JSON.parse(response.body)).toMatchObject({
      response_action: 'errors',
      errors: { dispatch_reason: expect.stringMatching(/already answered "no"/) },
    });
    expect(queued.map((j) => j.kind)).toEqual(['answer']);
    expect(jobs.deadLetters).toEqual([]);
  });

  it('takes 3,000 emoji: the limit counts characters, and the worker takes the job', async () => {
    // Prepare
    const { handler, jobs, queued } = await triageWorld(dynamo, REQUIRED);
    const [gh, dm] = yesCarriedOut((body) => body.includes('🔑'.repeat(3000)));
    // Act
    const response = await handler(submission({ reason: '🔑'.repeat(3000) }));
    await jobs.idle();
    // Assess
    expect(JSON.parse(response.body)).toEqual({ response_action: 'clear' });
    expect(gh.isDone() && dm.isDone()).toBe(true);
    expect(jobs.deadLetters).toEqual([]);
    // The worker function validates each job it is invoked with (lambdas/triage/worker.ts).
    expect(TriageJobSchema.safeParse(queued[0]).success).toBe(true);
  });

  it('carries out a repeated submission (a Slack retry) once', async () => {
    // Prepare
    const { handler, jobs } = await triageWorld(dynamo, REQUIRED);
    yesCarriedOut(() => true);
    const request = submission();
    // Act
    const first = await handler(request);
    await jobs.idle();
    const again = await handler({ ...request, headers: { ...request.headers, 'x-slack-retry-num': '1' } });
    await jobs.idle();
    // Assess: a second comment or close would find no interceptor and dead-letter the job.
    expect([JSON.parse(first.body), JSON.parse(again.body)]).toEqual([
      { response_action: 'clear' },
      { response_action: 'clear' },
    ]);
    expect(jobs.deadLetters).toEqual([]);
  });
});

describe('reason: a dismissed modal', () => {
  it('leaves the prompt open after view_closed, and a later click and submission answer it', async () => {
    // Prepare
    const { handler, jobs, queued, open } = await triageWorld(dynamo, REQUIRED);
    viewsOpen();
    viewsOpen();
    const [gh, dm] = yesCarriedOut((body) => body.includes('Second thoughts, but yes'));
    // Act
    await handler(click());
    const dismissed = await handler(closed());
    await jobs.idle();
    const stillOpen = await open();
    await handler(click());
    const answered = await handler(submission({ reason: 'Second thoughts, but yes' }));
    await jobs.idle();
    // Assess
    expect(dismissed).toMatchObject({ statusCode: 200, body: '' });
    expect(stillOpen).toBe(true);
    expect(JSON.parse(answered.body)).toEqual({ response_action: 'clear' });
    expect(queued.map((j) => j.kind)).toEqual(['answer']);
    expect(gh.isDone() && dm.isDone()).toBe(true);
  });

  it('leaves the prompt open when no submission ever comes: its "no" still counts', async () => {
    // Prepare
    const { handler, jobs, queued } = await triageWorld(dynamo, REQUIRED);
    viewsOpen();
    nock('https://events.pagerduty.com')
      .post('/v2/enqueue')
      .reply(202, { status: 'success', dedup_key: KEY });
    github()
      .post(`/repos/acme/alarms/issues/${ISSUE.number}/comments`)
      .reply(201, { id: 1 })
      .post(`/repos/acme/alarms/issues/${ISSUE.number}/labels`)
      .reply(200, []);
    slack().post('/api/chat.update').reply(200, { ok: true });
    // Act: "yes" opens the modal, nobody submits it, then "no".
    await handler(click());
    const no = await handler(click({ action: ACTION_NO }));
    await jobs.idle();
    // Assess
    expect(no.statusCode).toBe(200);
    expect(queued).toEqual([expect.objectContaining({ kind: 'answer', answer: 'no' })]);
    expect(jobs.deadLetters).toEqual([]);
  });
});
