/** Sending one Slack message with the fallbacks producers rely on. */
import { VendorError } from '../errors.ts';
import type { Alarm } from '../message.ts';
import type { Block, ChatMessage, StepDone } from '../ports.ts';
import { deliveryFailureNotice, fallbackDm } from '../render/slack.ts';
import type { DmOutcome, RouteDeps } from '../route-types.ts';
import { runStep, type StepOutcome } from '../steps.ts';
import { countAgainstCap } from '../storm.ts';

export interface DmRequest {
  alarm: Alarm;
  /** Slack user ID or channel; undefined sends `fallbackText` to the default channel. */
  to: string | undefined;
  message: ChatMessage;
  fallbackText: string;
  fallbackReason: string;
  /** Where the fallback goes (the default channel unless given). */
  fallbackTo?: string | undefined;
  marker: string;
  issueUrl?: string | undefined;
  /** The snooze choice (lambdas/core/snooze/render.ts) the fallback carries too; none for a prompt. */
  snooze?: Block | undefined;
}

/**
 * Posts the DM. Without a Slack ID the default channel gets the message and the reason. A DM Slack refuses for
 * good (unknown user, deactivated account) is reported to the default channel and counts as handled; a transient
 * failure throws so the alarm is retried.
 */
export async function sendDm(
  deps: Pick<RouteDeps, 'chat' | 'config' | 'log'>,
  req: DmRequest,
): Promise<DmOutcome> {
  const channel = deps.config.slackDefaultChannel;
  if (!req.to) {
    const where = req.fallbackTo ?? channel;
    const message = fallbackDm(
      req.alarm,
      req.fallbackText,
      req.fallbackReason,
      req.marker,
      req.issueUrl,
      req.snooze,
    );
    const posted = await deps.chat.post(where, message);
    return { to: where, ...posted, fallback: req.fallbackReason };
  }
  try {
    return { to: req.to, ...(await deps.chat.post(req.to, req.message)) };
  } catch (error) {
    if (!(error instanceof VendorError) || error.retryable) throw error;
    deps.log.warn('DM refused by Slack; reporting to the default channel', {
      to: req.to,
      error: error.message,
    });
    await deps.chat.post(channel, deliveryFailureNotice(req.alarm, req.to, error.message, req.issueUrl));
    return { to: req.to, failed: error.message };
  }
}

/**
 * One DM as a step: sent once; a retry after an unclear failure first looks for it (by the marker in its
 * metadata) where it would have gone. With `capFor`, the DM counts against that user's cap in parallel with the
 * claim (the count is undone when this attempt does not send it); one over the cap is held for the digest.
 */
export async function dmOnce(
  deps: RouteDeps,
  key: string,
  step: string,
  where: { to: string | undefined; marker: string },
  send: () => Promise<DmOutcome>,
  options: {
    record?: (dm: DmOutcome) => Promise<unknown>;
    defer?: (completion: Promise<void>) => void;
    collect?: (done: StepDone) => void;
    cap?: { user: string; summary: string } | undefined;
  } = {},
): Promise<StepOutcome<DmOutcome>> {
  const to = where.to ?? deps.config.slackDefaultChannel;
  const counting =
    options.cap && deps.config.userDmCap > 0 ? countAgainstCap(deps, options.cap.user) : undefined;
  let sent = false;
  try {
    return await runStep<DmOutcome>(deps, key, step, {
      reconcile: async () => {
        const found = await deps.chat.findByKey(to, where.marker);
        return found ? { to, ...found } : undefined;
      },
      run: async () => {
        if (counting && options.cap && !(await counting.within)) {
          sent = true;
          await counting.hold(options.cap.summary);
          return { to: options.cap.user, held: true };
        }
        const outcome = await send();
        sent = true;
        return outcome;
      },
      ...(options.record ? { record: async (dm: DmOutcome) => void (await options.record!(dm)) } : {}),
      ...(options.defer ? { defer: options.defer } : {}),
      ...(options.collect ? { collect: options.collect } : {}),
    });
  } finally {
    if (counting && !sent) await counting.undo();
  }
}
