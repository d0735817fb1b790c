/**
 * The snooze click: a `static_select` choice in a `block_actions` payload. Its `block_id` is the alarm key and its
 * `selected_option.value` is `DURATION|STEP` (see render.ts);
 * https://api.slack.com/reference/interaction-payloads/block-actions (a select's action carries `selected_option`).
 * The clicked message (`message`, with its blocks) is kept to show "Snoozed until …" in it; it is checked only
 * where it is used, so no click fails for its shape.
 *
 * @example {"action_id":"dispatch_snooze","block_id":"nag:3fa1…","type":"static_select",
 *   "selected_option":{"text":{"type":"plain_text","text":"4 hours"},"value":"4h|o1:dm:U024BE7LH"},
 *   "action_ts":"1700000000.123456"}
 */
import { z } from 'zod';
import type { Block } from '../ports.ts';
import { ACTION_SNOOZE } from './render.ts';

export const SnoozeActionSchema = z.object({
  action_id: z.literal(ACTION_SNOOZE),
  block_id: z.string().min(1).max(255),
  selected_option: z.object({ value: z.string().min(1).max(150) }),
  /** When Slack saw the choice (epoch seconds as a string). */
  action_ts: z.string().max(40).optional(),
});
export type SnoozeAction = z.infer<typeof SnoozeActionSchema>;

/** The clicked message's text and blocks, when the payload carries them in Slack's shape. */
const ClickedMessage = z.object({
  text: z.string().max(40_000).default(''),
  blocks: z.array(z.record(z.string(), z.unknown())).min(1).max(50),
});

export function clickedMessage(message: unknown): { text: string; blocks: Block[] } | undefined {
  const parsed = ClickedMessage.safeParse(message);
  return parsed.success ? parsed.data : undefined;
}
