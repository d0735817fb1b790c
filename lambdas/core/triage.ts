/**
 * The triage use case, the part that runs before Slack is answered: authorise the click and record the answer
 * with a conditional write. Everything slow (GitHub, PagerDuty, the DM update) is queued for triage-work.ts.
 *
 * The button carries only the alarm key. Everything that matters (who may answer, which issue, which service)
 * comes from the ledger, so a button value edited into another alarm's key reaches an alarm whose owner is not
 * the clicker, and is refused. The owner answers on their DM, or a responder on their behalf (answer/responders.ts),
 * on the DM or on the responder copy in the default channel (answer/responder-copy.ts). A "yes" to a prompt that
 * requires a reason opens the reason modal instead and records nothing (answer/reason-modal.ts).
 */
import { askForReason, type AskOutcome } from './answer/reason-modal.ts';
import { alreadySettled, recordAnswer } from './answer/record.ts';
import { mayAnswer, onBehalfOf, type ResponderConfig } from './answer/responders.ts';
import type { Answer, BlockActions } from './interaction.ts';
import type { Clock, Jobs, Ledger, Log, PostedMessage, Views } from './ports.ts';
import { ACTION_YES } from './render/slack.ts';
import { ACTION_SNOOZE } from './snooze/render.ts';
import { snoozeFromSlack, type SnoozeClickOutcome } from './snooze/snooze-alarm.ts';

export interface TriageDeps {
  ledger: Ledger;
  jobs: Jobs;
  clock: Clock;
  log: Log;
  config: { leaseMs: number } & ResponderConfig;
  /** Opens the reason modal; without it, a prompt that requires a reason cannot be answered "yes". */
  views?: Views | undefined;
}

export type TriageOutcome =
  /** The answer is recorded and its work queued. */
  | 'accepted'
  /** The same answer again (double click, Slack retry): its work is queued again, and runs once. */
  | 'duplicate'
  /** A different answer after the first: refused, the user is told. */
  | 'already-answered'
  /** Someone other than the prompt's user: refused, they are told. */
  | 'not-yours'
  /** The prompt's user clicked the responder copy: refused, they are told to answer on their DM. */
  | 'not-here'
  /** A button Dispatch does not know (expired, forged, or another message's): refused. */
  | 'unknown-prompt'
  | AskOutcome
  | SnoozeClickOutcome;

export async function triage(deps: TriageDeps, payload: BlockActions): Promise<TriageOutcome> {
  const action = payload.actions[0]!;
  // A snooze choice of a nag or broadcast DM, not an answer (snooze/snooze-alarm.ts).
  if (action.action_id === ACTION_SNOOZE) return snoozeFromSlack(deps, payload, action);
  const answer: Answer = action.action_id === ACTION_YES ? 'yes' : 'no';
  const userId = payload.user.id;
  const key = action.value;
  const log = deps.log.with({ alarmKey: key, slackUser: userId, answer });
  const notify = async (text: string) => {
    if (payload.response_url)
      await deps.jobs.enqueue({ kind: 'notice', responseUrl: payload.response_url, text });
  };

  const record = await deps.ledger.get(key);
  const prompt = record?.prompt;
  const clicked: PostedMessage | undefined =
    payload.container?.channel_id && payload.container.message_ts
      ? { channel: payload.container.channel_id, ts: payload.container.message_ts }
      : undefined;
  // A click on a message carries it as `container` {channel_id, message_ts}
  // (https://api.slack.com/reference/interaction-payloads/block-actions). Once the prompt's DM is known, the click
  // must be on that message, or on the prompt's responder copy: a payload without it is refused like one on
  // another message.
  const onCopy = isAt(clicked, prompt?.copy);
  const onDm = prompt?.dm !== undefined ? isAt(clicked, prompt.dm) : !onCopy;
  if (!record || !prompt || (!onDm && !onCopy)) {
    log.warn('click refused: the button does not match a prompt Dispatch sent', { clicked });
    await notify('Dispatch cannot match this button to an open prompt, so nothing was changed.');
    return 'unknown-prompt';
  }
  if (!mayAnswer(deps.config, prompt.slackUserId, userId)) {
    log.warn('click refused: the prompt belongs to someone else', { owner: prompt.slackUserId });
    await notify(
      `This prompt belongs to <@${prompt.slackUserId}>; only they can answer it. Nothing was changed.`,
    );
    return 'not-yours';
  }
  // The copy is the responders'; the owner answers on their DM (even one who is a responder too).
  if (!onDm && userId === prompt.slackUserId) {
    log.warn('click refused: the owner clicked the responder copy', { clicked });
    await notify(
      'This is the security team’s copy of your prompt: please answer on the DM Dispatch sent you. Nothing was changed.',
    );
    return 'not-here';
  }

  const answerer = { userId, onBehalfOf: onBehalfOf(prompt.slackUserId, userId) };
  // The DM whose buttons the outcome replaces (the copy's are replaced from the prompt's record).
  const dm = prompt.dm ?? (onCopy ? undefined : clicked);
  // Once carried out or resolved at the source, a click only repeats or contradicts what was settled: no modal,
  // the ledger says which.
  if (answer === 'yes' && prompt.requireReason && !record.carriedOut && record.resolved === undefined) {
    const ask = {
      triggerId: payload.trigger_id,
      key,
      occurrence: record.occurrence,
      prompt,
      answerer: userId,
      dm,
    };
    return askForReason({ ...deps, log }, ask, notify);
  }
  // The answer is recorded by one conditional write: the first answer wins (two round trips to the ack in all).
  const occurrence = record.occurrence;
  const recorded = await recordAnswer({ ...deps, log }, { key, occurrence, answer, ...answerer, dm });
  if (recorded.status !== 'already-answered') return recorded.status;
  const { first } = recorded;
  await notify(alreadySettled(first));
  return 'already-answered';
}

/** Whether the click was on this message (same channel and ts). */
function isAt(clicked: PostedMessage | undefined, message: PostedMessage | undefined): boolean {
  return (
    clicked !== undefined &&
    message !== undefined &&
    clicked.channel === message.channel &&
    clicked.ts === message.ts
  );
}
