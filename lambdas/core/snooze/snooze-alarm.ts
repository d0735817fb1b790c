/**
 * A snooze chosen in Slack, the part that runs before Slack is answered: match the click to a message Dispatch
 * sent, check who may snooze it, and record the snooze with a conditional write. The issue comment, the expiry
 * timer and the DM's "Snoozed until …" are queued for the worker (work.ts).
 *
 * Who may snooze: the person a DM was sent to; for a message posted to a channel (the default channel's fallback,
 * or a channel an alarm names as a user), anyone who can see it there, since the channel is the team's. A
 * self-service prompt is never snoozed: it asks one person a question only they can answer.
 * A second snooze while one runs moves its end later, or changes nothing when it would end sooner.
 */
import { randomUUID } from 'node:crypto';
import type { BlockActions } from '../interaction.ts';
import type { PostedMessage, SnoozedJob } from '../ports.ts';
import { isSlackPerson, slackDate, mrkdwn } from '../render/slack.ts';
import type { TriageDeps } from '../triage.ts';
import { parseDuration } from './durations.ts';
import { clickedMessage, type SnoozeAction } from './interaction.ts';
import { readSnoozeChoice, withoutChoice } from './render.ts';

export type SnoozeClickOutcome =
  /** Recorded; the worker comments, sets the timer and updates the DM. */
  | 'snoozed'
  /** A running snooze now ends later. */
  | 'snooze-extended'
  /** The same snooze again (a Slack retry): its work is queued again, and runs once. */
  | 'duplicate'
  /** A snooze running until later already: nothing changed, the person is told. */
  | 'snooze-kept'
  /** A self-service prompt: refused. */
  | 'snooze-refused'
  /** Someone other than the DM's person: refused. */
  | 'not-yours'
  /** A choice Dispatch cannot match to a message it sent: refused. */
  | 'unknown-prompt';

/** How far a click's own time (`action_ts`) may be from the clock and still be used (Slack's signing window). */
const CLICK_SKEW_MS = 5 * 60_000;

export async function snoozeFromSlack(
  deps: TriageDeps,
  payload: BlockActions,
  action: SnoozeAction,
): Promise<SnoozeClickOutcome> {
  const userId = payload.user.id;
  const log = deps.log.with({ alarmKey: action.block_id, slackUser: userId, action: 'snooze' });
  const notify = async (text: string) => {
    if (payload.response_url)
      await deps.jobs.enqueue({ kind: 'notice', responseUrl: payload.response_url, text });
  };
  const unmatched = async () => {
    await notify('Dispatch cannot match this snooze choice to a message it sent, so nothing was changed.');
    return 'unknown-prompt' as const;
  };

  const choice = readSnoozeChoice(action.block_id, action.selected_option.value);
  if (!choice) {
    log.warn('snooze refused: the choice names no alarm message', { value: action.selected_option.value });
    return unmatched();
  }
  const [record, sent] = await Promise.all([
    deps.ledger.get(choice.key),
    deps.ledger.stepResult(choice.key, choice.step),
  ]);
  if (!record) {
    log.warn('snooze refused: no such alarm');
    return unmatched();
  }
  if (record.prompt) {
    log.warn('snooze refused: a self-service prompt is never snoozed');
    await notify(
      'A "was this you?" prompt cannot be snoozed: only your answer closes or escalates it. Nothing was changed.',
    );
    return 'snooze-refused';
  }
  // The step's result is what Slack answered when Dispatch sent this DM: the click must be on that very message.
  // https://api.slack.com/reference/interaction-payloads/block-actions (`container` names the clicked message)
  const dm = sent as { to?: unknown; channel?: unknown; ts?: unknown } | undefined;
  const clicked: PostedMessage | undefined =
    payload.container?.channel_id && payload.container.message_ts
      ? { channel: payload.container.channel_id, ts: payload.container.message_ts }
      : undefined;
  if (typeof dm?.to !== 'string' || !clicked || dm.channel !== clicked.channel || dm.ts !== clicked.ts) {
    log.warn('snooze refused: not on a message Dispatch recorded for this alarm', { clicked });
    return unmatched();
  }
  if (isSlackPerson(dm.to) && dm.to !== userId) {
    log.warn('snooze refused: the DM was sent to someone else', { to: dm.to });
    await notify(`This message was sent to <@${dm.to}>; only they can snooze it. Nothing was changed.`);
    return 'not-yours';
  }

  const now = deps.clock.now();
  // The click's own time makes a Slack retry of it the same snooze (same end), not an extension by a few seconds.
  const clickedAt = Number(action.action_ts) * 1000;
  const from = Number.isFinite(clickedAt) && Math.abs(clickedAt - now) <= CLICK_SKEW_MS ? clickedAt : now;
  const until = Math.round(from + parseDuration(choice.duration));
  const outcome = await deps.ledger.snooze(choice.key, {
    id: randomUUID(),
    by: userId,
    via: 'slack',
    at: now,
    until,
  });
  if (outcome.status === 'unknown') return unmatched();
  const { snooze } = outcome;
  const message = clickedMessage(payload.message);
  const job: SnoozedJob = {
    kind: 'snoozed',
    key: choice.key,
    id: snooze.id,
    until: snooze.until,
    by: userId,
    via: 'slack',
    extended: outcome.status === 'extended' || undefined,
    dm: message ? { ...clicked, text: message.text, blocks: withoutChoice(message.blocks) } : undefined,
  };
  if (outcome.status === 'kept') {
    if (snooze.until === until && (snooze.by === userId || snooze.extendedBy === userId)) {
      await deps.jobs.enqueue({ ...job, extended: snooze.extendedBy === userId || undefined });
      return 'duplicate';
    }
    log.info('snooze kept: one running until later already', { until: snooze.until });
    await notify(
      mrkdwn`This alarm is already snoozed by <@${snooze.by}> until ${slackDate(snooze.until)}, longer than you asked; nothing was changed.`
        .text,
    );
    return 'snooze-kept';
  }
  await deps.jobs.enqueue(job);
  log.info(outcome.status === 'extended' ? 'snooze extended' : 'snoozed', { until: snooze.until });
  if (!message)
    await notify(mrkdwn`Snoozed until ${slackDate(snooze.until)}: repeats are counted, not sent.`.text);
  return outcome.status === 'extended' ? 'snooze-extended' : 'snoozed';
}
