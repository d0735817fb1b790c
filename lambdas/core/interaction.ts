/**
 * The Slack interaction Dispatch answers: a `block_actions` payload from a click on a prompt button.
 * https://api.slack.com/reference/interaction-payloads/block-actions (sent form-encoded as `payload=<json>`)
 *
 * @example {"type":"block_actions","team":{"id":"T024BE7LD","domain":"acme"},"api_app_id":"A0123ABCD",
 *   "user":{"id":"U024BE7LH","team_id":"T024BE7LD"},"actions":[{"action_id":"dispatch_yes",
 *   "value":"self-service:3fa1…"}],"container":{"channel_id":"D024BE7LH","message_ts":"1700000000.000100"},
 *   "response_url":"https://hooks.slack.com/actions/T0/1/abc"}
 */
import { z } from 'zod';
import { ACTION_NO, ACTION_YES } from './render/slack.ts';

export const BlockActionsSchema = z.object({
  type: z.literal('block_actions', { error: 'Dispatch answers only block_actions interactions' }),
  /**
   * The workspace the click came from; null when the app is deployed to a whole Enterprise Grid org, which then
   * names the user's workspace in `user.team_id` and the org in `enterprise.id`.
   * https://api.slack.com/enterprise/apps/reference (org-wide installs: `team` null, `enterprise` set)
   */
  team: z.object({ id: z.string() }).nullish(),
  enterprise: z.object({ id: z.string() }).nullish(),
  /** The app the click was for. */
  api_app_id: z.string().optional(),
  user: z.object({
    id: z.string().min(1),
    username: z.string().optional(),
    name: z.string().optional(),
    team_id: z.string().optional(),
  }),
  actions: z
    .array(
      z.object({
        action_id: z.enum([ACTION_YES, ACTION_NO], { error: 'unknown action_id' }),
        value: z.string().min(1).max(2000),
      }),
    )
    .length(1, { error: 'expected exactly one action' }),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional() }).optional(),
  response_url: z.url().optional(),
});
export type BlockActions = z.infer<typeof BlockActionsSchema>;
export type Answer = 'yes' | 'no';
