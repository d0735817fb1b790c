/**
 * The triage function as deployed, for handler tests of answers: signed HTTP requests, the ledger on dynalite, the
 * worker run in process after the acknowledgement (events to a fake bus), vendors answered by nock at the wire.
 */
import nock from 'nock';
import { DynamoLedger } from '../../lambdas/adapters/dynamodb-ledger.ts';
import { InProcessJobs } from '../../lambdas/adapters/jobs.ts';
import { EnvSecrets } from '../../lambdas/adapters/ssm-secrets.ts';
import {
  REASON_ACTION_ID,
  REASON_BLOCK_ID,
  REASON_CALLBACK_ID,
} from '../../lambdas/core/answer/reason-modal.ts';
import type { PromptRecord, TriageJob } from '../../lambdas/core/ports.ts';
import { ACTION_YES } from '../../lambdas/core/render/slack.ts';
import { runTriageJob } from '../../lambdas/core/triage-work.ts';
import { signSlackRequest } from '../../lambdas/shared/slack-signature.ts';
import { buildTriageWorkDeps } from '../../lambdas/shared/wiring.ts';
import { buildTriageDeps } from '../../lambdas/shared/wiring-triage.ts';
import { createTriageHandler } from '../../lambdas/triage/handler.ts';
import { FakeEvents } from '../fakes/vendors.ts';
import { freshTable, type useDynalite } from './dynalite.ts';
import { testEnv } from './env.ts';

export const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
export const KEY = 'self-service:0123456789abcdef0123456789abcdef';
export const OWNER = 'U024BE7LH';
export const ISSUE = {
  owner: 'acme',
  repo: 'alarms',
  number: 12,
  url: 'https://github.com/acme/alarms/issues/12',
};
export const DM = { channel: 'D024BE7LH', ts: '1700000000.000100' };
export const PROMPT: PromptRecord = {
  slackUserId: OWNER,
  severity: 'critical',
  summary: '2FA disabled for alice',
  message: 'Your 2FA was disabled',
  yesLabel: 'Yes, it was me',
  noLabel: "No, it wasn't me",
  noResponse: 'Paged the security team.',
  dm: DM,
};
export const RESPONSE_URL = 'https://hooks.slack.com/actions/T0/1/abc';
export const TRIGGER_ID = '12345.98765.abcd2358fdea';
export const TEAM = 'T0DISPATCH';
export const APP = 'A0DISPATCH';

export async function triageWorld(
  dynamo: ReturnType<typeof useDynalite>,
  options: { env?: Record<string, string>; prompt?: Partial<PromptRecord> } = {},
) {
  const table = await freshTable(dynamo());
  const env = testEnv({ DISPATCH_LEDGER_TABLE: table, ...options.env });
  const secrets = new EnvSecrets({
    'slack/signing-secret': SIGNING_SECRET,
    'slack/bot-token': 'xoxb-bot',
    'github/token': 'ghp_testtokentesttokentest1234',
    'pagerduty/routing-key': 'R0KEY',
  });
  const lines: string[] = [];
  const events = new FakeEvents();
  const platform = { dynamodb: dynamo().client, secrets, events, write: (l: string) => lines.push(l) };
  const workDeps = buildTriageWorkDeps(env, platform);
  const jobs = new InProcessJobs((job) => runTriageJob(workDeps, job), {
    clock: { now: Date.now, sleep: async () => {} },
    attempts: 2,
  });
  const queued: TriageJob[] = [];
  const recording = { enqueue: (job: TriageJob) => (queued.push(job), jobs.enqueue(job)) };
  const handler = createTriageHandler(() => buildTriageDeps(env, { ...platform, jobs: recording }));
  const ledger = new DynamoLedger(dynamo().client, { now: Date.now, sleep: async () => {} }, { table });
  await ledger.join(KEY, 'sns-1');
  await ledger.annotate(KEY, 1, { issue: ISSUE, prompt: { ...PROMPT, ...options.prompt } });
  /** Whether the prompt is still unanswered: no answer is recorded for it. */
  const open = async () => !(await ledger.isDone(KEY, 'o1:answer'));
  return { handler, jobs, lines, ledger, queued, events, open };
}

export function signed(body: string, options: { ts?: number; secret?: string } = {}) {
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

const form = (payload: unknown) => `payload=${encodeURIComponent(JSON.stringify(payload))}`;

/** A signed block_actions click on the prompt's DM, with a trigger_id as Slack sends one. */
export function click(options: { action?: string; user?: string; extra?: Record<string, unknown> } = {}) {
  return signed(
    form({
      type: 'block_actions',
      team: { id: TEAM, domain: 'acme' },
      api_app_id: APP,
      user: { id: options.user ?? OWNER, username: 'alice', team_id: TEAM },
      trigger_id: TRIGGER_ID,
      actions: [
        { action_id: options.action ?? ACTION_YES, block_id: 'dispatch_prompt', value: KEY, type: 'button' },
      ],
      container: { type: 'message', channel_id: DM.channel, message_ts: DM.ts },
      response_url: RESPONSE_URL,
      ...options.extra,
    }),
  );
}

/** The private_metadata Dispatch gives the modal for the prompt's DM. */
export const METADATA = { key: KEY, occurrence: 1, dm: DM };

/** A signed view_submission of the reason modal, as Slack sends it. */
export function submission(
  options: {
    reason?: string | null;
    user?: string;
    metadata?: unknown;
    callbackId?: string;
    extra?: Record<string, unknown>;
  } = {},
) {
  return signed(
    form({
      type: 'view_submission',
      team: { id: TEAM, domain: 'acme' },
      api_app_id: APP,
      user: { id: options.user ?? OWNER, username: 'alice', team_id: TEAM },
      trigger_id: '12345.98765.ffff',
      view: {
        id: 'V0REASON',
        type: 'modal',
        team_id: TEAM,
        app_id: APP,
        callback_id: options.callbackId ?? REASON_CALLBACK_ID,
        private_metadata:
          typeof options.metadata === 'string'
            ? options.metadata
            : JSON.stringify(options.metadata ?? METADATA),
        state: {
          values: {
            [REASON_BLOCK_ID]: {
              [REASON_ACTION_ID]: {
                type: 'plain_text_input',
                value: options.reason === undefined ? 'Moving my 2FA to a new phone' : options.reason,
              },
            },
          },
        },
        hash: '156772938.1827394',
      },
      response_urls: [],
      ...options.extra,
    }),
  );
}

/** A signed view_closed of the reason modal (sent only with notify_on_close). */
export function closed(options: { user?: string } = {}) {
  return signed(
    form({
      type: 'view_closed',
      team: { id: TEAM, domain: 'acme' },
      api_app_id: APP,
      user: { id: options.user ?? OWNER, team_id: TEAM },
      view: { id: 'V0REASON', callback_id: REASON_CALLBACK_ID, private_metadata: JSON.stringify(METADATA) },
      is_cleared: false,
    }),
  );
}

export const github = () =>
  nock('https://api.github.com', { reqheaders: { authorization: 'token ghp_testtokentesttokentest1234' } });
export const slack = () => nock('https://slack.com', { reqheaders: { authorization: 'Bearer xoxb-bot' } });
