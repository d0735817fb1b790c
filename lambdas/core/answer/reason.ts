/**
 * The reason for "yes, it was me", submitted in the modal reason-modal.ts opened. The submission is authorised as
 * a click is (signed, same workspace and app, checked by the handler; the view's callback_id by the schema): the
 * prompt named in the view's private_metadata is read from the ledger again, the occurrence and the DM must be the
 * ones the modal was opened for, and only the prompt's owner or a responder may answer. Then the answer is recorded
 * with its reason, by the same conditional write a click makes (the first answer wins).
 *
 * Slack is answered in the HTTP response: `{"response_action":"clear"}` closes the modal; `{"response_action":
 * "errors","errors":{"<block_id>":"…"}}` keeps it open with the message under the input.
 * https://api.slack.com/surfaces/modals#close_views, https://api.slack.com/surfaces/modals#displaying_errors
 */
import { DispatchError } from '../errors.ts';
import type { ViewSubmission } from '../interaction.ts';
import { code, fence } from '../render/github.ts';
import { mrkdwn, type Mrkdwn } from '../render/slack.ts';
import type { TriageDeps } from '../triage.ts';
import { alreadySettled, recordAnswer } from './record.ts';
import {
  REASON_ACTION_ID,
  REASON_BLOCK_ID,
  REASON_MAX,
  ReasonMetadataSchema,
  type ReasonMetadata,
} from './reason-modal.ts';
import { mayAnswer, onBehalfOf } from './responders.ts';

export type ViewResponse =
  { response_action: 'clear' } | { response_action: 'errors'; errors: Record<string, string> };

export type ReasonOutcome =
  | 'accepted'
  | 'duplicate'
  | 'already-answered'
  | 'not-yours'
  | 'unknown-prompt'
  /** Empty (or only spaces) or too long: the modal stays open and says why. */
  | 'invalid-reason';

export interface ReasonResult {
  outcome: ReasonOutcome;
  response: ViewResponse;
}

const CLEAR: ViewResponse = { response_action: 'clear' };
const error = (text: string): ViewResponse => ({
  response_action: 'errors',
  errors: { [REASON_BLOCK_ID]: text },
});

/** The prompt the modal answers, from its private_metadata (Dispatch's own JSON). */
export function readReasonMetadata(raw: string): ReasonMetadata {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new DispatchError('REQUEST_INVALID', 'payload view.private_metadata: not JSON');
  }
  const parsed = ReasonMetadataSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new DispatchError(
      'REQUEST_INVALID',
      `payload view.private_metadata.${first.path.join('.') || '(root)'}: ${first.message}`,
    );
  }
  return parsed.data;
}

/** The reason as typed, without surrounding whitespace; or why it cannot be taken. */
export function checkReason(value: string | null | undefined): { reason: string } | { problem: string } {
  const reason = (value ?? '').trim();
  if (reason === '') return { problem: 'Please say why this was you: the answer counts only with a reason.' };
  // Counted in characters as a person sees them (code points), not UTF-16 units: an emoji is one.
  const length = [...reason].length;
  if (length > REASON_MAX)
    return { problem: `Please keep the reason within ${REASON_MAX} characters (it has ${length}).` };
  return { reason };
}

export async function submitReason(deps: TriageDeps, payload: ViewSubmission): Promise<ReasonResult> {
  const meta = readReasonMetadata(payload.view.private_metadata);
  const userId = payload.user.id;
  const log = deps.log.with({ alarmKey: meta.key, slackUser: userId, answer: 'yes' });

  const record = await deps.ledger.get(meta.key);
  const prompt = record?.prompt;
  const moved =
    prompt?.dm !== undefined &&
    meta.dm !== undefined &&
    (prompt.dm.channel !== meta.dm.channel || prompt.dm.ts !== meta.dm.ts);
  if (!record || !prompt || record.occurrence !== meta.occurrence || moved) {
    log.warn('reason refused: the modal does not match an open prompt', { occurrence: meta.occurrence });
    return {
      outcome: 'unknown-prompt',
      response: error('Dispatch cannot match this form to an open prompt, so nothing was changed.'),
    };
  }
  if (!mayAnswer(deps.config, prompt.slackUserId, userId)) {
    log.warn('reason refused: the prompt belongs to someone else', { owner: prompt.slackUserId });
    return {
      outcome: 'not-yours',
      response: error(
        `This prompt belongs to ${prompt.slackUserId}; only they can answer it. Nothing was changed.`,
      ),
    };
  }
  const checked = checkReason(payload.view.state.values[REASON_BLOCK_ID]?.[REASON_ACTION_ID]?.value);
  if ('problem' in checked) return { outcome: 'invalid-reason', response: error(checked.problem) };

  const recorded = await recordAnswer(
    { ...deps, log },
    {
      key: meta.key,
      occurrence: record.occurrence,
      answer: 'yes',
      userId,
      onBehalfOf: onBehalfOf(prompt.slackUserId, userId),
      reason: checked.reason,
      dm: prompt.dm ?? meta.dm,
    },
  );
  if (recorded.status !== 'already-answered') return { outcome: recorded.status, response: CLEAR };
  const { first } = recorded;
  return {
    outcome: 'already-answered',
    response: error(alreadySettled(first)),
  };
}

/** The reason on the issue: a fence no line of it can close, so it can neither mention, link nor hide a marker. */
export function reasonOnGithub(job: { reason?: string | undefined; userId: string }): string {
  return job.reason ? `\n\nReason given by ${code(job.userId)}:\n\n${fence(job.reason)}` : '';
}

/** The reason in the DM, shown literally (escaped). */
export function reasonInSlack(job: { reason?: string | undefined }): Mrkdwn | undefined {
  return job.reason ? mrkdwn`*Reason:* ${job.reason}` : undefined;
}
