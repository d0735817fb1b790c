/**
 * The modal that asks for a reason before "yes, it was me" counts (a self-service alarm with `requireReason`, or the
 * environment's `prompts.requireReason`). The click records nothing: the triage function opens the modal itself,
 * before it answers Slack, because the click's `trigger_id` is valid for 3 seconds only
 * (https://api.slack.com/interactivity/handling#modal_responses). The answer is recorded when the `view_submission`
 * arrives (reason.ts); a modal closed without submitting leaves the prompt open.
 *
 * views.open: https://api.slack.com/methods/views.open
 * Modal view: https://api.slack.com/reference/surfaces/views (title, submit and close at most 24 characters each;
 * private_metadata at most 3,000 characters)
 * Plain-text input: https://api.slack.com/reference/block-kit/block-elements#input (max_length at most 3,000)
 */
import { z } from 'zod';
import type { Block, Log, PostedMessage, PromptRecord, Views } from '../ports.ts';
import { md, mrkdwn, plainText } from '../render/slack.ts';
import { slackMention } from './responders.ts';

/** The view's `callback_id`: a `view_submission` with any other is not Dispatch's. */
export const REASON_CALLBACK_ID = 'dispatch_reason';
/** The input block's `block_id`, and the key of a `response_action: errors` answer. */
export const REASON_BLOCK_ID = 'dispatch_reason';
export const REASON_ACTION_ID = 'reason';
/** The longest reason, in characters (code points): Slack's plain_text_input allows a max_length of 3,000. */
export const REASON_MAX = 3000;

/**
 * What the modal carries back in `private_metadata`: the prompt it answers. Slack returns it in the signed
 * view_submission; it is checked against the ledger again all the same.
 *
 * @example {"key":"self-service:3fa1…","occurrence":1,"dm":{"channel":"D024BE7LH","ts":"1700000000.000100"}}
 */
export const ReasonMetadataSchema = z.object({
  key: z.string().min(1).max(2000),
  occurrence: z.number().int().min(1),
  dm: z.object({ channel: z.string().min(1), ts: z.string().min(1) }).optional(),
});
export type ReasonMetadata = z.infer<typeof ReasonMetadataSchema>;

/** The modal: what is being answered, and one multi-line input for the reason. */
export function reasonModal(prompt: PromptRecord, metadata: ReasonMetadata, answerer: string): Block {
  const forSomeoneElse =
    answerer === prompt.slackUserId
      ? []
      : [
          {
            type: 'context',
            elements: [
              md(
                mrkdwn`You are answering as a responder, on behalf of ${slackMention(prompt.slackUserId)}.`
                  .text,
              ),
            ],
          },
        ];
  return {
    type: 'modal',
    callback_id: REASON_CALLBACK_ID,
    title: plainText('Your reason'),
    submit: plainText('Confirm'),
    close: plainText('Cancel'),
    private_metadata: JSON.stringify(metadata),
    blocks: [
      // The alarm's title and the button label are shown literally (escaped), like everything an alarm supplies.
      { type: 'section', text: md(mrkdwn`*${prompt.yesLabel}*: ${prompt.summary}`.text) },
      ...forSomeoneElse,
      {
        type: 'input',
        block_id: REASON_BLOCK_ID,
        label: plainText('Why was this you? Your answer counts once you confirm.'),
        hint: plainText('Quoted on the alarm’s GitHub issue. Cancel to leave the prompt unanswered.'),
        element: {
          type: 'plain_text_input',
          action_id: REASON_ACTION_ID,
          multiline: true,
          min_length: 1,
          max_length: REASON_MAX,
          placeholder: plainText('e.g. I turned 2FA off to move it to my new phone'),
        },
      },
    ],
  };
}

export type AskOutcome =
  /** The modal is open; nothing is recorded until it is submitted. */
  | 'reason-asked'
  /** The modal could not be opened (no trigger, Slack refused or was slow): the user is told to click again. */
  | 'reason-unavailable';

export interface Ask {
  triggerId?: string | undefined;
  key: string;
  occurrence: number;
  prompt: PromptRecord;
  answerer: string;
  dm?: PostedMessage | undefined;
}

/** Opens the reason modal for a "yes" click; tells the user through `notify` when it cannot. */
export async function askForReason(
  deps: { views?: Views | undefined; log: Log },
  ask: Ask,
  notify: (text: string) => Promise<void>,
): Promise<AskOutcome> {
  const metadata: ReasonMetadata = {
    key: ask.key,
    occurrence: ask.occurrence,
    ...(ask.dm ? { dm: ask.dm } : {}),
  };
  try {
    if (!ask.triggerId) throw new Error('the click carries no trigger_id');
    if (!deps.views) throw new Error('this Dispatch cannot open Slack views');
    await deps.views.open(ask.triggerId, reasonModal(ask.prompt, metadata, ask.answerer));
  } catch (error) {
    // A Slack retry of this click (its first delivery was acknowledged late) finds the trigger already used: the
    // modal is open in front of the user, so there is nothing to tell them. https://api.slack.com/methods/views.open
    if (error instanceof Error && error.message.includes('exchanged_trigger_id')) {
      deps.log.info('reason modal already opened by an earlier delivery of this click');
      return 'reason-asked';
    }
    deps.log.warn('reason modal not opened; nothing was recorded', { error });
    await notify(
      'Dispatch needs a reason with this answer, but could not open the form for it. Nothing was recorded: please click again.',
    );
    return 'reason-unavailable';
  }
  deps.log.info('reason asked; the answer counts once the modal is submitted');
  return 'reason-asked';
}
