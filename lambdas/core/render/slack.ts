/**
 * What Slack shows: Block Kit messages for prompts, notices and fallbacks. Pure functions of the alarm.
 *
 * Text is data until Dispatch says otherwise. Every plain string these functions are given (an alarm's message,
 * prompt, title, yes/no responses and link texts, names, reasons, vendor errors) is shown literally: `&`, `<` and
 * `>` are escaped as Slack documents (https://api.slack.com/reference/surfaces/formatting#escaping), so `<!channel>`,
 * `<!here>`, `<!subteam^…>`, `<@U…>` or `<https://…|label>` in an alarm can neither notify anyone nor disguise a
 * link. `*bold*`, `_italic_`, `~strike~` and code spans need no escaping and still render. Only markup Dispatch writes
 * itself reaches Slack as markup: text built with the `mrkdwn` tag (dates, its own wording) and `slackLink` (its
 * issue link, and the links an alarm declares in `links[]`, the one way an alarm can link). Every mrkdwn text object
 * is `verbatim`, so Slack does not turn a plain `@here`, `#channel` or URL into a mention or link either:
 * https://api.slack.com/reference/block-kit/composition-objects#text
 *
 * Slack's limits (LIMITS in message.ts) are counted on the escaped text: long text is split into sections of at
 * most 3,000 characters without cutting an entity, a link or a surrogate pair, and a message keeps within 50 blocks
 * and 10 elements per context block.
 */
import { isLinkHref, LIMITS, type Alarm, type SelfServiceAlarm } from '../message.ts';
import type { Block, ChatMessage } from '../ports.ts';

export const ACTION_YES = 'dispatch_yes';
export const ACTION_NO = 'dispatch_no';
export const METADATA_EVENT = 'dispatch_alarm';

/** A Slack user (U…, or W… in Enterprise Grid), as opposed to a channel or a name. */
export function isSlackPerson(to: string): boolean {
  return /^[UW][A-Z0-9]+$/.test(to);
}

export const DEFAULT_PROMPT = 'Was this you?';
export const DEFAULT_YES = 'Yes, this was me';
export const DEFAULT_NO = "No, this wasn't me";
const AUDIT_TRAIL = 'Audit trail on GitHub';

// ---------------------------------------------------------------- text Dispatch wrote, and text it did not

/** Slack mrkdwn Dispatch wrote itself: passed to Slack as it is. Made only by `mrkdwn`, `slackLink` and `slackDate`. */
export class Mrkdwn {
  constructor(readonly text: string) {}
  /** A Mrkdwn pasted into a plain string becomes plain text again, and is escaped: it fails safe. */
  toString(): string {
    return this.text;
  }
}

/** Text for Slack: a plain string is shown literally; a `Mrkdwn` is Dispatch's own markup. */
export type SlackText = string | Mrkdwn;

/** Escapes the three characters Slack mrkdwn treats as control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function toMrkdwn(text: SlackText | number): string {
  return text instanceof Mrkdwn ? text.text : escapeSlack(String(text));
}

/** Mrkdwn from Dispatch's own wording: the literal parts are markup, every interpolated value is escaped. */
export function mrkdwn(strings: TemplateStringsArray, ...values: (SlackText | number)[]): Mrkdwn {
  return new Mrkdwn(strings.reduce((out, part, i) => out + toMrkdwn(values[i - 1]!) + part));
}

/** A time every reader sees in their own time zone: https://api.slack.com/reference/surfaces/formatting#date-formatting */
export function slackDate(ms: number): Mrkdwn {
  const fallback = new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return new Mrkdwn(`<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${fallback}>`);
}

/**
 * `<url|label>` (https://api.slack.com/reference/surfaces/formatting#linking-urls), for URLs that follow the rules of
 * `links[].href`; any other URL (one from a vendor, say) is shown as text, not linked. The label is shortened so the
 * link fits one text object.
 */
export function slackLink(href: string, label: SlackText): Mrkdwn {
  const url = escapeSlack(href); // only `&` changes: `|`, `<`, `>` and whitespace are refused by isLinkHref
  const room = LIMITS.slackSection - url.length - 3;
  if (!isLinkHref(href) || room < 1) return mrkdwn`${label} (${href})`;
  return new Mrkdwn(`<${url}|${shorten(toMrkdwn(label), room)}>`);
}

// ---------------------------------------------------------------- cutting escaped text

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** The last position at or before `at` (and after `from`) that splits no entity, no `<…>` and no surrogate pair. */
function safeCut(text: string, from: number, at: number): number {
  if (at >= text.length) return text.length;
  let cut = at;
  // Producer text holds `&` only as the start of an entity, and `<` only in Dispatch's own markup.
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp > from && text.indexOf(';', amp) >= cut) cut = amp;
  const open = text.lastIndexOf('<', cut - 1);
  if (open > from && text.indexOf('>', open) >= cut) cut = open;
  if (cut > from + 1 && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  return cut > from ? cut : at;
}

/** Splits mrkdwn into pieces of at most `size` characters, preferring a line break or a space near the end. */
function split(text: string, size: number): string[] {
  const pieces: string[] = [];
  let from = 0;
  while (text.length - from > size) {
    const end = from + size;
    const window = from + Math.floor(size * 0.8);
    const newline = text.lastIndexOf('\n', end - 1);
    const space = text.lastIndexOf(' ', end - 1);
    const at = newline >= window ? newline + 1 : space >= window ? space + 1 : end;
    const cut = safeCut(text, from, at);
    pieces.push(text.slice(from, cut));
    from = cut;
  }
  pieces.push(text.slice(from));
  return pieces;
}

/** At most `size` characters, ending in `…` when shortened. */
function shorten(text: string, size: number): string {
  if (text.length <= size) return text;
  return `${text.slice(0, safeCut(text, 0, size - 1))}…`;
}

// ---------------------------------------------------------------- blocks

/**
 * A mrkdwn text object of markup Dispatch wrote (`Mrkdwn.text`, or text escaped here); `verbatim` keeps Slack from
 * linking or mentioning anything Dispatch did not mark up.
 */
export function md(text: string) {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** A plain_text object: shown as written, never parsed as mrkdwn; emoji shortcodes still render. */
export function plainText(text: string) {
  return { type: 'plain_text', text, emoji: true };
}

/**
 * Sections of at most 3,000 characters each (https://api.slack.com/reference/block-kit/blocks#section), at most
 * `max` of them: text beyond is cut with `…`.
 */
function sections(text: SlackText, options: { max?: number; bold?: boolean } = {}): Block[] {
  const wrap = options.bold ? 2 : 0;
  const size = LIMITS.slackSection - wrap;
  const max = Math.max(1, options.max ?? LIMITS.slackBlocks);
  let pieces = split(toMrkdwn(text), size);
  if (pieces.length > max) {
    pieces = pieces.slice(0, max);
    const last = pieces[max - 1]!;
    pieces[max - 1] = `${last.slice(0, safeCut(last, 0, Math.min(last.length, size - 1)))}…`;
  }
  return pieces.map((piece) => ({ type: 'section', text: md(options.bold ? `*${piece}*` : piece) }));
}

/** Context blocks of at most 10 elements each (https://api.slack.com/reference/block-kit/blocks#context). */
function context(parts: SlackText[]): Block[] {
  const elements = parts
    .map(toMrkdwn)
    .filter(Boolean)
    .map((text) => md(shorten(text, LIMITS.slackSection)));
  const blocks: Block[] = [];
  for (let i = 0; i < elements.length; i += LIMITS.slackContextElements) {
    blocks.push({ type: 'context', elements: elements.slice(i, i + LIMITS.slackContextElements) });
  }
  return blocks;
}

/** The text's sections, then `tail`, within Slack's 50 blocks (https://api.slack.com/reference/block-kit/blocks). */
function withTail(text: SlackText, tail: Block[]): Block[] {
  return [...sections(text, { max: LIMITS.slackBlocks - tail.length }), ...tail];
}

function linkParts(alarm: Alarm, issueUrl?: string): Mrkdwn[] {
  const parts = (alarm.links ?? []).map((l) => slackLink(l.href, l.text ?? l.href));
  if (issueUrl) parts.unshift(slackLink(issueUrl, AUDIT_TRAIL));
  return parts;
}

function metadata(marker: string): ChatMessage['metadata'] {
  return { event_type: METADATA_EVENT, event_payload: { dispatch_key: marker } };
}

/** The top-level `text`: Slack shows it in notifications and parses it as mrkdwn too, so it is escaped alike. */
function fallbackText(text: SlackText): string {
  return shorten(toMrkdwn(text), LIMITS.slackSection);
}

// ---------------------------------------------------------------- messages

export interface PromptView {
  marker: string;
  /** The button value: the alarm key (at most 255 characters, well within a button value's 2,000), looked up in the ledger by the triage. */
  key: string;
  issueUrl?: string | undefined;
  /** When the prompt is escalated unanswered (epoch ms). */
  deadline?: number | undefined;
  /** Dispatch's line above the prompt (the responder copy's: who it is for). */
  note?: Mrkdwn | undefined;
}

/** The interactive self-service DM: message, prompt, yes/no buttons, links. */
export function selfServiceDm(alarm: SelfServiceAlarm, view: PromptView): ChatMessage {
  const slack = alarm.body.slack;
  // Button labels are plain_text: shown as written, never parsed as mrkdwn; at most 75 characters (validated).
  const button = (actionId: string, label: string, style: 'primary' | 'danger') => ({
    type: 'button',
    action_id: actionId,
    text: plainText(label),
    style,
    value: view.key,
  });
  const tail = [
    ...context(view.note ? [view.note] : []),
    ...sections(slack.prompt ?? DEFAULT_PROMPT, { bold: true }),
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
        ? [mrkdwn`:hourglass: Please answer by ${slackDate(view.deadline)}, or this is escalated.`]
        : []),
      ...linkParts(alarm, view.issueUrl),
    ]),
  ];
  return {
    text: fallbackText(slack.message),
    blocks: withTail(slack.message, tail),
    metadata: metadata(view.marker),
  };
}

/** The one DM that stands for the DMs the per-user cap held back; `held` are the alarms' summaries. */
export function digestDm(held: string[], windowMinutes: number, max: number): ChatMessage {
  const count = `${held.length}${held.length >= max ? '+' : ''}`;
  const head = mrkdwn`:inbox_tray: To spare you a flood, Dispatch held back ${count} message${held.length === 1 ? '' : 's'} to you in the last ${windowMinutes} minutes:`;
  const text = new Mrkdwn([head, ...held.map((h) => mrkdwn`• ${h}`)].join('\n'));
  return { text: fallbackText(text), blocks: sections(text) };
}

/** Halfway to the deadline, under the prompt; `summary` is the alarm's title. */
export function reminderDm(summary: string, deadline: number, dm: { ts: string }): ChatMessage {
  const text = mrkdwn`:bell: Reminder: Dispatch is waiting for your answer about "${summary}". Please answer the prompt above by ${slackDate(deadline)}, or it is escalated to the on-call responder.`;
  return { text: fallbackText(text), threadTs: dm.ts, blocks: sections(text) };
}

/** Dispatch's own words as a reply in the thread of `under` (the responder copy's reminder). */
export function threadReply(text: Mrkdwn, under: { ts: string }): ChatMessage {
  return { text: fallbackText(text), threadTs: under.ts, blocks: sections(text) };
}

/**
 * The DM after the prompt was answered: the buttons are replaced by the outcome. `message` is the alarm's; a plain
 * `outcome` (the producer's yes/no response) is shown literally.
 */
export function answeredDm(message: string, outcome: SlackText, issueUrl?: string): ChatMessage {
  const tail = [...sections(outcome), ...context(issueUrl ? [slackLink(issueUrl, AUDIT_TRAIL)] : [])];
  return { text: fallbackText(message), blocks: withTail(message, tail) };
}

/** A DM without buttons (broadcast, nag), optionally linking the issue; `snooze` is its snooze choice, last. */
export function noticeDm(
  alarm: Alarm,
  text: string,
  marker: string,
  issueUrl?: string,
  snooze?: Block,
): ChatMessage {
  return {
    text: fallbackText(text),
    blocks: withTail(text, [...context(linkParts(alarm, issueUrl)), ...(snooze ? [snooze] : [])]),
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
  snooze?: Block,
): ChatMessage {
  return {
    text: fallbackText(text),
    blocks: withTail(text, [
      ...context([mrkdwn`:information_source: ${reason}`, ...linkParts(alarm, issueUrl)]),
      ...(snooze ? [snooze] : []),
    ]),
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
  const text = mrkdwn`:warning: Dispatch could not DM \`${to}\` (${error}) for the ${alarm.type} alarm "${title}".`;
  return {
    text: fallbackText(text),
    blocks: withTail(text, context(issueUrl ? [slackLink(issueUrl, AUDIT_TRAIL)] : [])),
  };
}
