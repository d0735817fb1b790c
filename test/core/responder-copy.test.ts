/**
 * The responder copy, through the use cases with in-memory fakes: with responders configured, a self-service prompt
 * is posted to the default channel too (a DM holds only the owner and the bot, so responders never saw the buttons
 * they may answer); only a responder's click on the copy counts; whatever settles the prompt (an answer, the
 * deadline, a resolve) replaces the copy's buttons as it replaces the DM's. Without responders nothing changes.
 */
import { describe, expect, it } from 'vitest';
import { VendorError } from '../../lambdas/core/errors.ts';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import type { Block, ChatMessage, PostedMessage, TriageJob } from '../../lambdas/core/ports.ts';
import {
  REASON_ACTION_ID,
  REASON_BLOCK_ID,
  REASON_CALLBACK_ID,
} from '../../lambdas/core/answer/reason-modal.ts';
import { submitReason } from '../../lambdas/core/answer/reason.ts';
import { ACTION_NO, ACTION_YES } from '../../lambdas/core/render/slack.ts';
import { RESOLVED_NOTICE } from '../../lambdas/core/resolve/resolve-alarm.ts';
import { route } from '../../lambdas/core/route.ts';
import { triage } from '../../lambdas/core/triage.ts';
import { runTriageJob } from '../../lambdas/core/triage-work.ts';
import { fakeDeps } from '../fakes/route-deps.ts';

const OWNER = 'U1OWNER';
const RESPONDER = 'U9RESPONDER';
const CHANNEL = 'C0DEFAULT';
const COPY_LINE = `For the security team: answer on behalf of <@${OWNER}> if you know.`;

const alarm = (extra: Record<string, unknown> = {}) =>
  parseAlarm({
    type: 'self-service',
    users: [{ slackId: OWNER, github: 'alice' }],
    body: {
      github: { title: 'SSH key added to alice' },
      slack: { message: 'A new SSH key was added', actions: { yes: 'Yes, my key', no: 'Not me' } },
    },
    ...extra,
  });

const text = (message: ChatMessage) => JSON.stringify(message.blocks);
const hasButtons = (message: ChatMessage) => text(message).includes(ACTION_YES);

/** A prompt routed with these responders; clicks on a message, and the worker draining its queue. */
async function prompted(responders: string[] | undefined, extra: Record<string, unknown> = {}) {
  const deps = fakeDeps();
  Object.assign(deps, { config: { ...deps.config, responders } });
  const report = await route(deps, alarm(extra), { messageId: 'm1' });
  const key = report.deliveries[0]!.key;
  const prompt = async () => (await deps.ledger.get(key))!.prompt!;
  const queued: TriageJob[] = [];
  const triageDeps = { ...deps, jobs: { enqueue: async (j: TriageJob) => void queued.push(j) } };
  const click = (user: string, on: PostedMessage, action: string = ACTION_YES) =>
    triage(triageDeps, {
      type: 'block_actions',
      user: { id: user },
      actions: [{ action_id: action as typeof ACTION_YES, value: key }],
      container: { channel_id: on.channel, message_ts: on.ts },
      response_url: 'https://hooks.slack.com/actions/T0/1/abc',
    });
  const drain = async () => {
    while (queued.length) await runTriageJob(deps, queued.shift()!);
  };
  const updatesOf = (at: PostedMessage) =>
    deps.chat.updates.filter((u) => u.at.channel === at.channel && u.at.ts === at.ts).map((u) => u.message);
  return { deps, key, prompt, queued, click, drain, updatesOf };
}

describe('the responder copy of a self-service prompt', () => {
  it.each([
    ['no responders are set (as before)', undefined, 0],
    ['the list of responders is empty', [], 0],
    ['responders are set', [RESPONDER], 1],
  ])(
    'goes to the default channel only when responders are configured: %s',
    async (_what, responders, copies) => {
      // Act
      const { deps, prompt } = await prompted(responders);
      // Assess
      expect(deps.chat.postsTo(CHANNEL)).toHaveLength(copies);
      expect((await prompt()).copy !== undefined).toBe(copies === 1);
      expect((await prompt()).dm).toBeDefined();
    },
  );

  it('is posted to the default channel with the same buttons and key, naming the owner, and recorded on the prompt', async () => {
    // Act
    const { deps, key, prompt, updatesOf } = await prompted([RESPONDER]);
    // Assess
    const [copy] = deps.chat.postsTo(CHANNEL);
    expect(deps.chat.postsTo(CHANNEL)).toHaveLength(1);
    const blocks = copy!.message.blocks as {
      type: string;
      elements?: { action_id?: string; value?: string }[];
    }[];
    const buttons = blocks.find((b) => b.type === 'actions')!.elements!;
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
      [ACTION_YES, key],
      [ACTION_NO, key],
    ]);
    expect(text(copy!.message)).toContain(COPY_LINE);
    // The DM is the owner's alone: it does not carry the responders' line.
    expect(text(deps.chat.postsTo(OWNER)[0]!.message)).not.toContain('For the security team');
    const recorded = await prompt();
    expect(recorded.copy).toEqual({ channel: copy!.channel, ts: copy!.ts });
    expect(recorded.dm).toEqual({
      channel: deps.chat.postsTo(OWNER)[0]!.channel,
      ts: deps.chat.postsTo(OWNER)[0]!.ts,
    });
    // Like the DM, it gains the issue link once the issue exists.
    const linked = updatesOf(recorded.copy!).at(-1)!;
    expect(text(linked)).toContain(deps.tracker.issues[0]!.url);
    expect(text(linked)).toContain(COPY_LINE);
    expect(hasButtons(linked)).toBe(true);
  });

  it('shows an owner ID it cannot vouch for as text, not as a mention', async () => {
    // Act: `U1` is a person to the route, but too short to be a Slack user ID Dispatch mentions.
    const deps = fakeDeps();
    Object.assign(deps, { config: { ...deps.config, responders: [RESPONDER] } });
    await route(
      deps,
      parseAlarm({
        type: 'self-service',
        users: [{ slackId: 'U1' }],
        body: { github: { title: 't' }, slack: { message: 'm' } },
      }),
      { messageId: 'm1' },
    );
    // Assess
    expect(text(deps.chat.postsTo(CHANNEL)[0]!.message)).toContain('answer on behalf of U1 if you know');
  });

  it('is posted once when the alarm is delivered again', async () => {
    // Prepare
    const { deps } = await prompted([RESPONDER]);
    // Act
    await route(deps, alarm(), { messageId: 'm1' });
    await route(deps, alarm(), { messageId: 'm2' });
    // Assess
    expect(deps.chat.postsTo(CHANNEL)).toHaveLength(1);
  });

  it('refused by Slack for good leaves the prompt standing on the DM, and the alarm delivered', async () => {
    // Prepare
    const deps = fakeDeps();
    Object.assign(deps, { config: { ...deps.config, responders: [RESPONDER] } });
    deps.chat.failPost = (to) =>
      to === CHANNEL
        ? new VendorError('slack', 'not_in_channel', { retryable: false, status: 200 })
        : undefined;
    // Act
    const report = await route(deps, alarm(), { messageId: 'm1' });
    // Assess
    const record = await deps.ledger.get(report.deliveries[0]!.key);
    expect(record?.finished).toBe(true);
    expect(record?.prompt?.dm).toBeDefined();
    expect(record?.prompt?.copy).toBeUndefined();
    expect(deps.log.lines.map((l) => l.message)).toContain(
      'responder copy refused by Slack; only the owner can answer this prompt',
    );
  });
});

describe('clicks on the responder copy', () => {
  it('count from a responder, on the owner’s behalf; the outcome replaces the buttons of the copy and the DM', async () => {
    // Prepare
    const { deps, prompt, click, queued, drain, updatesOf } = await prompted([RESPONDER]);
    const { copy, dm } = await prompt();
    // Act
    const outcome = await click(RESPONDER, copy!);
    expect(queued).toEqual([
      expect.objectContaining({ kind: 'answer', answer: 'yes', userId: RESPONDER, onBehalfOf: OWNER, dm }),
    ]);
    await drain();
    // Assess
    expect(outcome).toBe('accepted');
    expect(deps.tracker.issues[0]!.state).toBe('closed');
    const settledCopy = updatesOf(copy!).at(-1)!;
    const settledDm = updatesOf(dm!).at(-1)!;
    for (const settled of [settledCopy, settledDm]) {
      expect(hasButtons(settled)).toBe(false);
      expect(text(settled)).toContain(`This was answered by <@${RESPONDER}> on behalf of <@${OWNER}>.`);
    }
    expect(text(settledCopy)).toContain(`Security team's copy of the prompt sent to <@${OWNER}>.`);
  });

  it('are refused from the owner, who is told to answer on their DM; nothing is recorded', async () => {
    // Prepare
    const { deps, key, prompt, click, queued } = await prompted([RESPONDER]);
    // Act
    const outcome = await click(OWNER, (await prompt()).copy!);
    // Assess
    expect(outcome).toBe('not-here');
    expect(queued).toEqual([
      expect.objectContaining({
        kind: 'notice',
        text: 'This is the security team’s copy of your prompt: please answer on the DM Dispatch sent you. Nothing was changed.',
      }),
    ]);
    expect(await deps.ledger.isDone(key, 'o1:answer')).toBe(false);
  });

  it('are refused from anyone else, as on the DM', async () => {
    // Prepare
    const { deps, key, prompt, click, queued } = await prompted([RESPONDER]);
    // Act
    const outcome = await click('U0STRANGER', (await prompt()).copy!, ACTION_NO);
    // Assess
    expect(outcome).toBe('not-yours');
    expect(queued).toEqual([
      expect.objectContaining({
        kind: 'notice',
        text: `This prompt belongs to <@${OWNER}>; only they can answer it. Nothing was changed.`,
      }),
    ]);
    expect(await deps.ledger.isDone(key, 'o1:answer')).toBe(false);
  });

  it('ask a responder for the reason when the prompt requires one; the form answers the prompt on the owner’s behalf', async () => {
    // Prepare
    const { deps, key, prompt, queued } = await prompted([RESPONDER], { requireReason: true });
    const { copy, dm } = await prompt();
    const opened: Block[] = [];
    const triageDeps = {
      ...deps,
      views: { open: async (_trigger: string, view: Block) => void opened.push(view) },
      jobs: { enqueue: async (j: TriageJob) => void queued.push(j) },
    };
    // Act
    const asked = await triage(triageDeps, {
      type: 'block_actions',
      user: { id: RESPONDER },
      trigger_id: 'trigger-1',
      actions: [{ action_id: ACTION_YES, value: key }],
      container: { channel_id: copy!.channel, message_ts: copy!.ts },
    });
    const submitted = await submitReason(triageDeps, {
      type: 'view_submission',
      user: { id: RESPONDER },
      view: {
        callback_id: REASON_CALLBACK_ID,
        private_metadata: opened[0]!.private_metadata as string,
        state: { values: { [REASON_BLOCK_ID]: { [REASON_ACTION_ID]: { value: 'Called alice' } } } },
      },
    });
    // Assess
    expect(asked).toBe('reason-asked');
    expect(JSON.parse(opened[0]!.private_metadata as string)).toMatchObject({ dm });
    expect(submitted.outcome).toBe('accepted');
    expect(queued).toEqual([
      expect.objectContaining({
        kind: 'answer',
        userId: RESPONDER,
        onBehalfOf: OWNER,
        reason: 'Called alice',
        dm,
      }),
    ]);
  });

  it('the owner’s answer on the DM replaces the copy’s buttons too', async () => {
    // Prepare
    const { prompt, click, drain, updatesOf } = await prompted([RESPONDER]);
    const { copy, dm } = await prompt();
    // Act
    const outcome = await click(OWNER, dm!, ACTION_NO);
    await drain();
    // Assess
    expect(outcome).toBe('accepted');
    expect(hasButtons(updatesOf(copy!).at(-1)!)).toBe(false);
    expect(text(updatesOf(copy!).at(-1)!)).toContain('escalated to the on-call responder');
  });
});

describe('the copy when nobody answers, or the source resolves', () => {
  it('shows the escalation at the deadline', async () => {
    // Prepare
    const { deps, prompt, updatesOf } = await prompted([RESPONDER]);
    // Act
    await runTriageJob(deps, deps.timers.job('deadline')!);
    // Assess
    const settled = updatesOf((await prompt()).copy!).at(-1)!;
    expect(hasButtons(settled)).toBe(false);
    expect(text(settled)).toContain('No answer by');
  });

  it('shows "closed as configured" at the deadline of a prompt that closes', async () => {
    // Prepare
    const { deps, prompt, updatesOf } = await prompted([RESPONDER], { onTimeout: 'close' });
    // Act
    await runTriageJob(deps, deps.timers.job('deadline')!);
    // Assess
    const settled = updatesOf((await prompt()).copy!).at(-1)!;
    expect(hasButtons(settled)).toBe(false);
    expect(text(settled)).toContain('closed as configured');
  });

  it('shows the resolve at the source', async () => {
    // Prepare
    const { deps, prompt, updatesOf } = await prompted([RESPONDER]);
    // Act
    await route(deps, alarm({ status: 'resolved' }), { messageId: 'm2' });
    // Assess
    const settled = updatesOf((await prompt()).copy!).at(-1)!;
    expect(hasButtons(settled)).toBe(false);
    expect(text(settled)).toContain(RESOLVED_NOTICE);
  });

  it('gets the reminder in its thread, once, beside the owner’s', async () => {
    // Prepare
    const { deps, prompt } = await prompted([RESPONDER]);
    const { copy } = await prompt();
    const reminder = deps.timers.job('reminder')!;
    // Act
    await runTriageJob(deps, reminder);
    await runTriageJob(deps, reminder);
    // Assess
    const replies = deps.chat.postsTo(CHANNEL).filter((p) => p.message.threadTs === copy!.ts);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.message.text).toContain(`<@${OWNER}> has not answered "SSH key added to alice" yet`);
    expect(deps.chat.postsTo(OWNER).filter((p) => p.message.threadTs)).toHaveLength(1);
  });
});
