/**
 * The Slack interactions Dispatch answers (sent form-encoded as `payload=<json>`): a `block_actions` payload from a
 * click on a prompt button, and the `view_submission` / `view_closed` of the reason modal (answer/reason-modal.ts).
 * One schema per shape; `InteractionSchema` tells them apart by `type`.
 * https://api.slack.com/reference/interaction-payloads/block-actions
 *
 * @example {"type":"block_actions","team":{"id":"T024BE7LD","domain":"acme"},"api_app_id":"A0123ABCD",
 *   "user":{"id":"U024BE7LH","team_id":"T024BE7LD"},"actions":[{"action_id":"dispatch_yes",
 *   "value":"self-service:3fa1…"}],"container":{"channel_id":"D024BE7LH","message_ts":"1700000000.000100"},
 *   "response_url":"https://hooks.slack.com/actions/T0/1/abc"}
 */
import { z } from 'zod';
import { REASON_CALLBACK_ID } from './answer/reason-modal.ts';
import { ACTION_NO, ACTION_YES } from './render/slack.ts';
import { SnoozeActionSchema } from './snooze/interaction.ts';

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
      z.discriminatedUnion(
        'action_id',
        [
          z.object({ action_id: z.enum([ACTION_YES, ACTION_NO]), value: z.string().min(1).max(2000) }),
          // The snooze choice of a nag or broadcast DM (snooze/interaction.ts).
          SnoozeActionSchema,
        ],
        { error: 'unknown action_id' },
      ),
    )
    .length(1, { error: 'expected exactly one action' }),
  /** The clicked message; read only by a snooze (snooze/interaction.ts), so its shape refuses no click. */
  message: z.unknown().optional(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional() }).optional(),
  response_url: z.url().optional(),
  /** Opens a modal within 3 seconds of the click (the reason modal): https://api.slack.com/interactivity/handling#modal_responses */
  trigger_id: z.string().max(500).optional(),
});
export type BlockActions = z.infer<typeof BlockActionsSchema>;

/** Who sent an interaction, and for which workspace and app: the fields every payload shares with block_actions. */
const sender = {
  team: BlockActionsSchema.shape.team,
  enterprise: BlockActionsSchema.shape.enterprise,
  api_app_id: BlockActionsSchema.shape.api_app_id,
  user: BlockActionsSchema.shape.user,
};

/**
 * The reason modal submitted. https://api.slack.com/reference/interaction-payloads/views#view_submission
 * `state.values` holds each input by block_id and action_id.
 *
 * @example {"type":"view_submission","team":{"id":"T024BE7LD"},"api_app_id":"A0123ABCD",
 *   "user":{"id":"U024BE7LH","team_id":"T024BE7LD"},"view":{"id":"V0123","callback_id":"dispatch_reason",
 *   "private_metadata":"{\"key\":\"self-service:3fa1…\",\"occurrence\":1}",
 *   "state":{"values":{"dispatch_reason":{"reason":{"type":"plain_text_input","value":"Moving 2FA to a new phone"}}}}}}
 */
export const ViewSubmissionSchema = z.object({
  type: z.literal('view_submission'),
  ...sender,
  view: z.object({
    id: z.string().optional(),
    callback_id: z.literal(REASON_CALLBACK_ID, {
      error: `unknown callback_id: expected ${REASON_CALLBACK_ID}`,
    }),
    private_metadata: z.string().max(3000),
    state: z.object({
      values: z.record(
        z.string(),
        z.record(z.string(), z.object({ type: z.string().optional(), value: z.string().nullish() })),
      ),
    }),
  }),
});
export type ViewSubmission = z.infer<typeof ViewSubmissionSchema>;

/**
 * A modal closed without submitting (sent only for views opened with notify_on_close, which Dispatch does not set).
 * https://api.slack.com/reference/interaction-payloads/views#view_closed
 *
 * @example {"type":"view_closed","team":{"id":"T024BE7LD"},"api_app_id":"A0123ABCD","user":{"id":"U024BE7LH"},
 *   "view":{"id":"V0123","callback_id":"dispatch_reason"},"is_cleared":false}
 */
export const ViewClosedSchema = z.object({
  type: z.literal('view_closed'),
  ...sender,
  view: z.object({ id: z.string().optional(), callback_id: z.string().optional() }).optional(),
});
export type ViewClosed = z.infer<typeof ViewClosedSchema>;

export const InteractionSchema = z.discriminatedUnion(
  'type',
  [BlockActionsSchema, ViewSubmissionSchema, ViewClosedSchema],
  { error: 'Dispatch answers only block_actions, view_submission and view_closed interactions' },
);
export type Interaction = z.infer<typeof InteractionSchema>;
export type Answer = 'yes' | 'no';
