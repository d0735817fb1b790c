/**
 * The responder copy of a self-service prompt (answer/responder-copy.ts), posted to the default channel as its own
 * step, beside the DM: its claim runs in parallel with the DM's, it goes out once the prompt is recorded (so a click
 * finds who may answer), and a retry after an unclear failure looks for it by its marker in that channel first.
 */
import { VendorError } from '../errors.ts';
import type { SelfServiceAlarm } from '../message.ts';
import type { PostedMessage } from '../ports.ts';
import type { PromptView } from '../render/slack.ts';
import type { DmOutcome, RouteDeps } from '../route-types.ts';
import { copyMarker, responderCopy, wantsCopy } from '../answer/responder-copy.ts';
import { dmOnce } from './dm.ts';

export interface CopyRequest {
  alarm: SelfServiceAlarm;
  key: string;
  /** The ledger step, `o<n>:copy`. */
  step: string;
  /** The prompt's owner (a Slack user ID); none: there is no prompt, so no copy. */
  owner: string | undefined;
  view: PromptView;
  /** The prompt's record being written: the copy is posted once it exists. */
  recorded: Promise<unknown>;
}

/**
 * Posts the copy once, when responders are configured, and records where it went (`record`, in parallel with the
 * step's completion; again on a retry that found the step done). Returns where it is; none when no copy is wanted,
 * or Slack refused it for good (the prompt stands without it, and responders cannot answer this one).
 */
export async function copyOnce(
  deps: RouteDeps,
  req: CopyRequest,
  record: (copy: DmOutcome) => Promise<unknown>,
): Promise<PostedMessage | undefined> {
  const owner = req.owner;
  if (!owner || !wantsCopy(deps.config)) return undefined;
  const channel = deps.config.slackDefaultChannel;
  const where = { to: channel, marker: copyMarker(req.view.marker) };
  const { result, fresh } = await dmOnce(
    deps,
    req.key,
    req.step,
    where,
    async () => {
      await req.recorded;
      try {
        return { to: channel, ...(await deps.chat.post(channel, responderCopy(req.alarm, req.view, owner))) };
      } catch (error) {
        if (!(error instanceof VendorError) || error.retryable) throw error;
        deps.log.warn('responder copy refused by Slack; only the owner can answer this prompt', {
          channel,
          error: error.message,
        });
        return { to: channel, failed: error.message };
      }
    },
    { record },
  );
  // A retry that found the copy posted but the prompt without it (a crash between the two writes).
  if (!fresh) await record(result);
  return result.channel && result.ts && !result.failed
    ? { channel: result.channel, ts: result.ts }
    : undefined;
}
