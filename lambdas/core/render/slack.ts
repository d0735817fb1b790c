/**
 * What Slack shows: Block Kit messages for prompts, notices and fallbacks. Pure functions of the alarm.
 *
 * Slack limits (https://api.slack.com/reference/block-kit/blocks): a section's text holds 3,000 characters, a
 * button's label 75, a message 50 blocks. Producer text is passed as Slack mrkdwn unchanged (producers use
 * `<@U…>` and `<url|text>`); text Dispatch interpolates itself is escaped.
 */
import { LIMITS, type Alarm, type SelfServiceAlarm } from '../message.ts';
import type { Block, ChatMessage } from '../ports.ts';

export const ACTION_YES = 'dispatch_yes';
export const ACTION_NO = 'dispatch_no';
export const METADATA_EVENT = 'dispatch_alarm';

export const DEFAULT_PROMPT = 'Was this you?';
export const DEFAULT_YES = 'Yes, this was me';
export const DEFAULT_NO = "No, this wasn't me";

/** Escapes the three characters Slack mrkdwn treats as control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

function sections(text: string): Block[] {
  return chunks(text, LIMITS.slackSection).map((t) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: t },
  }));
}

function context(parts: string[]): Block[] {
  const elements = parts.filter(Boolean).map((text) => ({ type: 'mrkdwn', text }));
  return elements.length ? [{ type: 'context', elements: elements.slice(0, 10) }] : [];
}

function linkParts(alarm: Alarm, issueUrl?: string): string[] {
  const parts = (alarm.links ?? []).map((l) => `<${l.href}|${escapeSlack(l.text ?? l.href)}>`);
  if (issueUrl) parts.unshift(`<${issueUrl}|Audit trail on GitHub>`);
  return parts;
}

function metadata(marker: string): ChatMessage['metadata'] {
  return { event_type: METADATA_EVENT, event_payload: { dispatch_key: marker } };
}

function fallbackText(text: string): string {
  return text.length > LIMITS.slackSection ? `${text.slice(0, LIMITS.slackSection - 1)}…` : text;
}

export interface PromptView {
  marker: string;
  /** The button value: the alarm key, looked up in the ledger by the triage. */
  key: string;
  issueUrl?: string | undefined;
  /** When the prompt is escalated unanswered (epoch ms). */
  deadline?: number | undefined;
}

/** A time every reader sees in their own time zone: https://api.slack.com/reference/surfaces/formatting#date-formatting */
export function slackDate(ms: number): string {
  const fallback = new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${fallback}>`;
}

/** The interactive self-service DM: message, prompt, yes/no buttons, links. */
export function selfServiceDm(alarm: SelfServiceAlarm, view: PromptView): ChatMessage {
  const slack = alarm.body.slack;
  const button = (actionId: string, label: string, style: 'primary' | 'danger') => ({
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: label, emoji: true },
    style,
    value: view.key,
  });
  return {
    text: fallbackText(slack.message),
    blocks: [
      ...sections(slack.message),
      { type: 'section', text: { type: 'mrkdwn', text: `*${slack.prompt ?? DEFAULT_PROMPT}*` } },
      {
        type: 'actions',
        block_id: 'dispatch_prompt',
        elements: [
          button(ACTION_YES, slack.actions?.yes ?? DEFAULT_YES, 'primary'),
          button(ACTION_NO, slack.actions?.no ?? DEFAULT_NO, 'danger'),
        ],
      },
      ...context([
        ...(view.deadline
          ? [`:hourglass: Please answer by ${slackDate(view.deadline)}, or this is escalated.`]
          : []),
        ...linkParts(alarm, view.issueUrl),
      ]),
    ],
    metadata: metadata(view.marker),
  };
}

/** The one DM that stands for the DMs the per-user cap held back. */
export function digestDm(held: string[], windowMinutes: number, max: number): ChatMessage {
  const head = `:inbox_tray: To spare you a flood, Dispatch held back ${held.length}${held.length >= max ? '+' : ''} message${held.length === 1 ? '' : 's'} to you in the last ${windowMinutes} minutes:`;
  const text = [head, ...held.map((h) => `• ${escapeSlack(h)}`)].join('\n');
  return { text: fallbackText(text), blocks: sections(text) };
}

/** Halfway to the deadline, under the prompt. */
export function reminderDm(summary: string, deadline: number, dm: { ts: string }): ChatMessage {
  const text = `:bell: Reminder: Dispatch is waiting for your answer about "${escapeSlack(summary)}". Please answer the prompt above by ${slackDate(deadline)}, or it is escalated to the on-call responder.`;
  return { text, threadTs: dm.ts, blocks: sections(text) };
}

/** The DM after the prompt was answered: the buttons are replaced by the outcome. */
export function answeredDm(message: string, outcome: string, issueUrl?: string): ChatMessage {
  return {
    text: fallbackText(message),
    blocks: [
      ...sections(message),
      { type: 'section', text: { type: 'mrkdwn', text: outcome } },
      ...context(issueUrl ? [`<${issueUrl}|Audit trail on GitHub>`] : []),
    ],
  };
}

/** A DM without buttons (broadcast, nag), optionally linking the issue. */
export function noticeDm(alarm: Alarm, text: string, marker: string, issueUrl?: string): ChatMessage {
  return {
    text: fallbackText(text),
    blocks: [...sections(text), ...context(linkParts(alarm, issueUrl))],
    metadata: metadata(marker),
  };
}

/** What the default channel sees when an alarm's user has no Slack ID: the message, no buttons, and why. */
export function fallbackDm(
  alarm: Alarm,
  text: string,
  reason: string,
  marker: string,
  issueUrl?: string,
): ChatMessage {
  return {
    text: fallbackText(text),
    blocks: [
      ...sections(text),
      ...context([`:information_source: ${escapeSlack(reason)}`, ...linkParts(alarm, issueUrl)]),
    ],
    metadata: metadata(marker),
  };
}

/** Reported to the default channel when a DM could not be delivered. */
export function deliveryFailureNotice(
  alarm: Alarm,
  to: string,
  error: string,
  issueUrl?: string,
): ChatMessage {
  const title = 'body' in alarm && 'github' in alarm.body ? alarm.body.github.title : alarm.type;
  const text = `:warning: Dispatch could not DM \`${escapeSlack(to)}\` (${escapeSlack(error)}) for the ${alarm.type} alarm "${escapeSlack(title)}".`;
  return {
    text,
    blocks: [...sections(text), ...context(issueUrl ? [`<${issueUrl}|Audit trail on GitHub>`] : [])],
  };
}
