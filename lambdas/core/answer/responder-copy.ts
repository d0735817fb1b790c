/**
 * The responder copy: when responders are configured (`prompts.responders`), a self-service prompt is posted twice,
 * as the DM to its owner and as a copy in the default channel, so the security team sees the buttons it may answer
 * on the owner's behalf (a DM holds only the owner and the bot). The copy carries the same buttons (the alarm key)
 * and a line of Dispatch's own naming the owner. Only a responder's click on it counts (triage.ts); the owner
 * answers on their DM. Whatever settles the prompt (an answer, the deadline, a resolve) replaces the copy's buttons
 * as it replaces the DM's, by chat.update (the same update again changes nothing: no ledger step).
 */
import type { SelfServiceAlarm } from '../message.ts';
import type { Chat, ChatMessage, PostedMessage, PromptRecord } from '../ports.ts';
import {
  answeredDm,
  Mrkdwn,
  mrkdwn,
  selfServiceDm,
  slackDate,
  threadReply,
  type PromptView,
  type SlackText,
} from '../render/slack.ts';
import { slackMention } from './responders.ts';

/** The copy's metadata marker, apart from the DM's (`<key>#o<n>`): a retry finds it in the default channel. */
export function copyMarker(marker: string): string {
  return `${marker}#copy`;
}

/** Whether prompts get a responder copy: only when responders are configured. */
export function wantsCopy(config: { responders?: readonly string[] | undefined }): boolean {
  return (config.responders ?? []).length > 0;
}

/** The copy: the DM's message, prompt and buttons, under a line naming whose prompt it is. */
export function responderCopy(alarm: SelfServiceAlarm, view: PromptView, owner: string): ChatMessage {
  return selfServiceDm(alarm, {
    ...view,
    marker: copyMarker(view.marker),
    note: mrkdwn`:shield: For the security team: answer on behalf of ${slackMention(owner)} if you know.`,
  });
}

/** The copy once the prompt is settled: the outcome the DM shows, and whose prompt it was. */
export function settledCopy(prompt: PromptRecord, outcome: SlackText, issueUrl?: string): ChatMessage {
  const whose = mrkdwn`:shield: Security team's copy of the prompt sent to ${slackMention(prompt.slackUserId)}.`;
  return answeredDm(prompt.message, new Mrkdwn(`${mrkdwn`${outcome}`.text}\n${whose.text}`), issueUrl);
}

/** Replaces the copy's buttons by the outcome, when the prompt has a copy. */
export async function settleCopy(
  chat: Pick<Chat, 'update'>,
  prompt: PromptRecord,
  outcome: SlackText,
  issueUrl?: string,
): Promise<void> {
  if (prompt.copy) await chat.update(prompt.copy, settledCopy(prompt, outcome, issueUrl));
}

/** Halfway to the deadline, under the copy: the owner has not answered yet. */
export function copyReminder(prompt: PromptRecord & { deadline: number }, copy: PostedMessage): ChatMessage {
  const then = prompt.onTimeout === 'close' ? 'closed unanswered' : 'escalated to the on-call responder';
  const text = mrkdwn`:bell: Reminder: ${slackMention(prompt.slackUserId)} has not answered "${prompt.summary}" yet. A responder who knows may answer above on their behalf; at ${slackDate(prompt.deadline)} it is ${then}.`;
  return threadReply(text, copy);
}
