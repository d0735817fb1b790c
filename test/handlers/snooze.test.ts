/**
 * Snooze through the signed triage function (issue 15): signed requests as API Gateway hands them over, the ledger
 * on dynalite, the worker run in process after the acknowledgement, GitHub and Slack answered by nock.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { DynamoLedger } from '../../lambdas/adapters/dynamodb-ledger.ts';
import { listSnoozes } from '../../lambdas/adapters/dynamodb-snoozes.ts';
import { InProcessJobs } from '../../lambdas/adapters/jobs.ts';
import { EnvSecrets } from '../../lambdas/adapters/ssm-secrets.ts';
import type { PromptRecord, Timers, TriageJob } from '../../lambdas/core/ports.ts';
import { ACTION_SNOOZE, snoozeChoice } from '../../lambdas/core/snooze/render.ts';
import { runTriageJob } from '../../lambdas/core/triage-work.ts';
import { signSlackRequest } from '../../lambdas/shared/slack-signature.ts';
import { buildTriageWorkDeps } from '../../lambdas/shared/wiring.ts';
import { buildTriageDeps } from '../../lambdas/shared/wiring-triage.ts';
import { createTriageHandler } from '../../lambdas/triage/handler.ts';
import { freshTable, useDynalite } from '../helpers/dynalite.ts';
import { testEnv } from '../helpers/env.ts';
import { useNock } from '../helpers/nock.ts';

useNock();
const dynamo = useDynalite();

const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NAG = 'nag:0123456789abcdef0123456789abcdef';
const SELF = 'self-service:0123456789abcdef0123456789abcdef';
const ALICE = 'U024BE7LH';
const STEP = `o1:dm:sns-1:${ALICE}`;
const ISSUE = { owner: 'acme', repo: 'alarms', number: 12, url: 'https://github.com/acme/alarms/issues/12' };
const DM = { channel: 'D024BE7LH', ts: '1700000000.000100' };
const PROMPT: PromptRecord = {
  slackUserId: ALICE,
  severity: 'critical',
  summary: '2FA disabled for alice',
  message: 'Your 2FA was disabled',
  yesLabel: 'Yes',
  noLabel: 'No',
  dm: { channel: 'D024BE7LH', ts: '1700000000.000200' },
};
const RESPONSE_URL = 'https://hooks.slack.com/actions/T0/1/abc';
const HOUR = 3_600_000;

async function setup() {
  const table = await freshTable(dynamo());
  const env = testEnv({ DISPATCH_LEDGER_TABLE: table });
  const secrets = new EnvSecrets({
    'slack/signing-secret': SIGNING_SECRET,
    'slack/bot-token': 'xoxb-bot',
    'github/token': 'ghp_testtokentesttokentest1234',
    'pagerduty/routing-key': 'R0KEY',
  });
  const timers = new Map<string, { at: number; job: TriageJob }>();
  const recorder: Timers = {
    set: async (name, at, job) => void timers.set(name, { at, job }),
    cancel: async (name) => void timers.delete(name),
  };
  const platform = { dynamodb: dynamo().client, secrets, write: () => {}, timers: recorder };
  const workDeps = buildTriageWorkDeps(env, platform);
  const jobs = new InProcessJobs((job) => runTriageJob(workDeps, job), {
    clock: { now: Date.now, sleep: async () => {} },
    attempts: 2,
  });
  const queued: TriageJob[] = [];
  const recording = { enqueue: (job: TriageJob) => (queued.push(job), jobs.enqueue(job)) };
  const handler = createTriageHandler(() => buildTriageDeps(env, { ...platform, jobs: recording }));
  const ledger = new DynamoLedger(dynamo().client, { now: Date.now, sleep: async () => {} }, { table });
  // A nag whose DM to alice went out (its step's result is what Slack answered), and a self-service prompt.
  await ledger.join(NAG, 'sns-1');
  await ledger.annotate(NAG, 1, { issue: ISSUE });
  await ledger.settle(NAG, STEP, { to: ALICE, ...DM }, 'test');
  await ledger.join(SELF, 'sns-2');
  await ledger.annotate(SELF, 1, { issue: ISSUE, prompt: PROMPT });
  const doc = DynamoDBDocumentClient.from(dynamo().client);
  const listed = () => listSnoozes({ doc, table, now: Date.now });
  return { handler, jobs, ledger, queued, timers, listed };
}

/** The blocks of the nag DM as Slack hands them back in the click's `message`. */
const nagBlocks = (key = NAG, step = STEP) => [
  {
    type: 'section',
    block_id: 'a1',
    text: { type: 'mrkdwn', text: 'Please enable FileVault', verbatim: true },
  },
  snoozeChoice(key, step)!,
];

function snoozeClick(
  options: { user?: string; key?: string; step?: string; duration?: string; actionTs?: number } = {},
) {
  const key = options.key ?? NAG;
  const step = options.step ?? STEP;
  const payload = {
    type: 'block_actions',
    user: { id: options.user ?? ALICE, username: 'alice' },
    actions: [
      {
        action_id: ACTION_SNOOZE,
        block_id: key,
        type: 'static_select',
        selected_option: {
          text: { type: 'plain_text', text: '4 hours' },
          value: `${options.duration ?? '4h'}|${step}`,
        },
        action_ts: String((options.actionTs ?? Date.now()) / 1000),
      },
    ],
    container: { type: 'message', channel_id: DM.channel, message_ts: DM.ts },
    message: { type: 'message', text: 'Please enable FileVault', ts: DM.ts, blocks: nagBlocks(key, step) },
    response_url: RESPONSE_URL,
    team: { id: 'T0DISPATCH', domain: 'acme' },
    api_app_id: 'A0DISPATCH',
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signSlackRequest(SIGNING_SECRET, timestamp, body),
    },
    body,
    isBase64Encoded: false,
  };
}

const github = () =>
  nock('https://api.github.com', { reqheaders: { authorization: 'token ghp_testtokentesttokentest1234' } });
const slack = () => nock('https://slack.com', { reqheaders: { authorization: 'Bearer xoxb-bot' } });

describe('snooze from a nag DM', () => {
  it('records the snooze, comments who and until when, sets the end timer and updates the DM, once', async () => {
    // Prepare
    const { handler, jobs, ledger, timers, listed } = await setup();
    const clickedAt = Date.now();
    const until = new Date(Math.round(clickedAt + 4 * HOUR)).toISOString();
    const gh = github()
      .post('/repos/acme/alarms/issues/12/comments', (b: { body: string }) =>
        b.body.startsWith(`:zzz: Snoozed by Slack user \`${ALICE}\` until ${until}.`),
      )
      .once()
      .reply(201, { id: 77 });
    const dm = slack()
      .post(
        '/api/chat.update',
        (b: { channel: string; ts: string; blocks: string }) =>
          b.channel === DM.channel &&
          b.ts === DM.ts &&
          b.blocks.includes('Please enable FileVault') &&
          b.blocks.includes(`Snoozed by <@${ALICE}> until <!date^`) &&
          !b.blocks.includes(ACTION_SNOOZE),
      )
      // The retry's job updates the DM again (the same message: a repeated update changes nothing).
      .times(2)
      .reply(200, { ok: true });
    const request = snoozeClick({ actionTs: clickedAt });
    // Act: the click, and Slack's retry of it.
    const response = await handler(request);
    await jobs.idle();
    const retry = await handler({ ...request, headers: { ...request.headers, 'x-slack-retry-num': '1' } });
    await jobs.idle();
    // Assess
    expect([response.statusCode, retry.statusCode]).toEqual([200, 200]);
    expect(gh.isDone() && dm.isDone()).toBe(true);
    expect(jobs.deadLetters).toEqual([]);
    const snooze = (await ledger.get(NAG))!.snooze!;
    expect(snooze).toMatchObject({ by: ALICE, via: 'slack', until: Math.round(clickedAt + 4 * HOUR) });
    expect([...timers.values()]).toEqual([
      {
        at: snooze.until,
        job: { kind: 'snooze-ended', key: NAG, id: snooze.id, until: snooze.until, by: ALICE, via: 'slack' },
      },
    ]);
    expect((await listed()).map((s) => [s.key, s.by, s.until])).toEqual([[NAG, ALICE, snooze.until]]);
  });

  it('refuses a snooze on a self-service key, and tells the person', async () => {
    // Prepare
    const { handler, jobs, ledger, queued, timers } = await setup();
    const notice = nock('https://hooks.slack.com')
      .post('/actions/T0/1/abc', (b: { text: string }) => /cannot be snoozed/.test(b.text))
      .reply(200, 'ok');
    // Act: no GitHub or Slack API interceptor is set, so any such call would dead-letter the job.
    const response = await handler(snoozeClick({ key: SELF, step: `o1:dm:${ALICE}` }));
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
    expect(notice.isDone()).toBe(true);
    expect(queued.map((j) => j.kind)).toEqual(['notice']);
    expect((await ledger.get(SELF))!.snooze).toBeUndefined();
    expect(timers.size).toBe(0);
    expect(jobs.deadLetters).toEqual([]);
  });

  it("refuses a stranger's snooze of alice's DM, and tells them", async () => {
    // Prepare
    const { handler, jobs, ledger, queued, listed } = await setup();
    const notice = nock('https://hooks.slack.com')
      .post('/actions/T0/1/abc', (b: { text: string }) => b.text.includes(`sent to <@${ALICE}>; only they`))
      .reply(200, 'ok');
    // Act
    const response = await handler(snoozeClick({ user: 'U0STRANGER' }));
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
    expect(notice.isDone()).toBe(true);
    expect(queued.map((j) => j.kind)).toEqual(['notice']);
    expect((await ledger.get(NAG))!.snooze).toBeUndefined();
    expect(await listed()).toEqual([]);
  });

  it('refuses a choice that points at another message than the one clicked', async () => {
    // Prepare
    const { handler, jobs, ledger } = await setup();
    const notice = nock('https://hooks.slack.com')
      .post('/actions/T0/1/abc', (b: { text: string }) => /cannot match this snooze choice/.test(b.text))
      .reply(200, 'ok');
    // Act: a DM step that does not exist (nothing was sent by it).
    const response = await handler(snoozeClick({ step: 'o1:dm:sns-9:U024BE7LH' }));
    await jobs.idle();
    // Assess
    expect(response.statusCode).toBe(200);
    expect(notice.isDone()).toBe(true);
    expect((await ledger.get(NAG))!.snooze).toBeUndefined();
  });
});
