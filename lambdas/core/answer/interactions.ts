/**
 * The one use case the triage function calls: a verified Slack interaction in, what to answer Slack out.
 * - block_actions (a prompt's button): triage.ts; Slack gets an empty 200.
 * - view_submission (the reason modal): reason.ts; Slack gets a response_action in the body.
 * - view_closed (the reason modal dismissed; Slack sends it only for views with notify_on_close, which Dispatch does
 *   not set): nothing is recorded, the prompt stays open. https://api.slack.com/reference/interaction-payloads/views
 */
import type { Interaction } from '../interaction.ts';
import { triage, type TriageDeps, type TriageOutcome } from '../triage.ts';
import { submitReason, type ReasonOutcome, type ViewResponse } from './reason.ts';

export interface InteractionResult {
  outcome: TriageOutcome | ReasonOutcome | 'modal-closed';
  /** The JSON body Slack gets; none: an empty 200. */
  response?: ViewResponse | undefined;
}

export async function answerInteraction(deps: TriageDeps, payload: Interaction): Promise<InteractionResult> {
  switch (payload.type) {
    case 'block_actions':
      return { outcome: await triage(deps, payload) };
    case 'view_submission':
      return submitReason(deps, payload);
    case 'view_closed':
      deps.log.info('reason modal closed without an answer; the prompt stays open', {
        slackUser: payload.user.id,
      });
      return { outcome: 'modal-closed' };
  }
}
