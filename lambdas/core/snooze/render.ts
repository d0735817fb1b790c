/**
 * What a snooze looks like: the choice in nag and broadcast DMs (and their default-channel fallbacks), the DM once
 * snoozed, and what the issue says.
 *
 * The choice is a Block Kit `static_select` (action_id `dispatch_snooze`) in an actions block:
 * https://api.slack.com/reference/block-kit/block-elements#static_select. It must lead the click back to the alarm
 * and to the very message, within Slack's limits: a block_id holds at most 255 characters
 * (https://api.slack.com/reference/block-kit/blocks), an option's value at most 150
 * (https://api.slack.com/reference/block-kit/composition-objects#option). So the block_id is the alarm key (keys
 * are at most 255 characters, see keys.ts) and each option's value is `DURATION|STEP`, STEP being the ledger step
 * that sent this DM (`o1:dm:U024BE7LH`, or `o1:dm:<SNS message ID>:U024BE7LH` for a nag). The triage reads that
 * step's result from the ledger (who the message went to, its channel and ts) and checks it against the click: the
 * reference is only a pointer, every fact comes from the ledger. A DM whose reference would not fit offers no
 * choice (`dispatch snooze` still works).
 */
import type { Block, ChatMessage } from '../ports.ts';
import { code } from '../render/github.ts';
import { md, mrkdwn, plainText, slackDate, type Mrkdwn } from '../render/slack.ts';
import { SNOOZE_CHOICES } from './durations.ts';

export const ACTION_SNOOZE = 'dispatch_snooze';
const BLOCK_ID_MAX = 255;
const OPTION_VALUE_MAX = 150;
const DM_STEP = /^o\d+:dm:./;

/** The snooze choice for the DM sent by `step` of `key`; undefined when the reference would not fit Slack. */
export function snoozeChoice(key: string, step: string): Block | undefined {
  const longest = Math.max(...SNOOZE_CHOICES.map((c) => c.value.length)) + 1 + step.length;
  if (key.length > BLOCK_ID_MAX || longest > OPTION_VALUE_MAX || !DM_STEP.test(step)) return undefined;
  return {
    type: 'actions',
    block_id: key,
    elements: [
      {
        type: 'static_select',
        action_id: ACTION_SNOOZE,
        placeholder: plainText('Snooze repeats…'),
        options: SNOOZE_CHOICES.map((c) => ({
          text: plainText(c.label),
          value: `${c.value}|${step}`,
        })),
      },
    ],
  };
}

/** The alarm key, the DM's step and the duration a snooze click names; undefined when it names none. */
export function readSnoozeChoice(
  blockId: string | undefined,
  value: string,
): { key: string; step: string; duration: string } | undefined {
  const bar = value.indexOf('|');
  const duration = value.slice(0, bar);
  const step = value.slice(bar + 1);
  if (!blockId || bar < 0 || !DM_STEP.test(step)) return undefined;
  if (!SNOOZE_CHOICES.some((c) => c.value === duration)) return undefined;
  return { key: blockId, step, duration };
}

/** Whether a block holds the snooze choice. */
function isChoice(block: Block): boolean {
  const elements = (block as { elements?: unknown }).elements;
  return (
    block.type === 'actions' &&
    Array.isArray(elements) &&
    elements.some((e) => (e as { action_id?: unknown } | null)?.action_id === ACTION_SNOOZE)
  );
}

/** `message` with `choice` in place of its own snooze choice (or without one). */
export function placeChoice(message: ChatMessage, choice: Block | undefined): ChatMessage {
  const blocks = message.blocks.flatMap((b) => (isChoice(b) ? (choice ? [choice] : []) : [b]));
  return { ...message, blocks };
}

/** The clicked message's blocks without the choice (what the DM keeps once snoozed). */
export function withoutChoice(blocks: Block[]): Block[] {
  return blocks.filter((b) => !isChoice(b));
}

/** The DM once snoozed: its blocks, then who snoozed it and until when (within Slack's 50 blocks). */
export function snoozedDmBlocks(blocks: Block[], by: string, until: number): Block[] {
  const note: Block = {
    type: 'context',
    elements: [md(snoozedLine(by, until).text)],
  };
  return [...withoutChoice(blocks).slice(0, 49), note];
}

function snoozedLine(by: string, until: number): Mrkdwn {
  return mrkdwn`:zzz: Snoozed by <@${by}> until ${slackDate(until)}: repeats are counted, not sent, until then.`;
}

/** Who snoozed, for GitHub: a Slack user as a code span, an operator by name. */
export function snoozer(by: string, via: 'slack' | 'cli'): string {
  return via === 'slack' ? `Slack user ${code(by)}` : `operator ${code(by)} (\`dispatch snooze\`)`;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The comment recording a snooze (or its extension) on the issue. */
export function snoozeComment(s: {
  by: string;
  via: 'slack' | 'cli';
  until: number;
  reason?: string | undefined;
  extended?: boolean | undefined;
}): string {
  const what = s.extended ? 'Snooze extended' : 'Snoozed';
  const why = s.reason ? ` Reason: ${code(s.reason)}.` : '';
  return `:zzz: ${what} by ${snoozer(s.by, s.via)} until ${iso(s.until)}.${why} Repeats of this alarm send no DM, page or comment until then; they are counted, and a note says how many when the snooze ends.`;
}

/** The issue's running note when a snooze ends. */
export function snoozeEndedNote(s: {
  repeats: number;
  by: string;
  via: 'slack' | 'cli';
  until: number;
  endedAt?: number | undefined;
  endedBy?: string | undefined;
}): string {
  const who = s.via === 'slack' ? code(`<@${s.by}>`) : `operator ${code(s.by)}`;
  const early =
    s.endedAt !== undefined && s.endedAt < s.until
      ? ` (ended early at ${iso(s.endedAt)}${s.endedBy ? ` by operator ${code(s.endedBy)}` : ''})`
      : '';
  const n = `${s.repeats} repeat${s.repeats === 1 ? '' : 's'}`;
  return `:zzz: ${n} arrived while snoozed by ${who} until ${iso(s.until)}${early}. Repeats notify again from now on.`;
}
