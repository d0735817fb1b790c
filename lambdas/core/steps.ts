/**
 * Effectively-once steps over the ledger.
 *
 * Slack and GitHub have no idempotency keys, so each step (an issue, a DM, a page) is claimed with a conditional
 * write and only the winner calls the vendor, then records `done` with the vendor's ids. A step whose earlier
 * attempt may have reached the vendor (a released or expired claim) is reconciled first: one bounded read for
 * the marker Dispatch put in what it created.
 */
import { randomUUID } from 'node:crypto';
import type { RouterConfig } from './config.ts';
import { DispatchError, VendorError } from './errors.ts';
import type { Clock, IssueRef, IssueTracker, Ledger, Log, StepClaim, StepDone } from './ports.ts';
import { issueMarker } from './render/github.ts';

export interface StepDeps {
  ledger: Ledger;
  clock: Clock;
  log: Log;
  config: Pick<RouterConfig, 'leaseMs' | 'heldWaitMs'>;
  /**
   * When this invocation must have stopped (epoch ms), from Lambda's remaining time: a step neither waits nor
   * retries past it, so the invocation fails cleanly (releasing its steps) instead of being cut off mid-step.
   */
  until?: number | undefined;
}

export interface StepWork<R extends object> {
  /** Looks for what an earlier attempt may have created; undefined when it did not. */
  reconcile?: () => Promise<R | undefined>;
  run: () => Promise<R>;
  /** Facts to record with the result (an annotation of the alarm), written in parallel with the completion. */
  record?: (result: R) => Promise<void>;
  /**
   * Takes the completion instead of waiting for it, so the next piece of work can start; the caller must await
   * every completion it took before the invocation ends (Lambda freezes what runs after the handler returns).
   */
  defer?: (completion: Promise<void>) => void;
  /**
   * Takes the step's completion as data, for the caller to record with others in one write (`ledger.completeAll`)
   * before the invocation ends; `record` is not used with it.
   */
  collect?: (done: StepDone) => void;
}

export interface StepOutcome<R> {
  result: R;
  /** True when this call did the work; false when it was already done (a duplicate or a retry). */
  fresh: boolean;
}

const POLL_MS = 200;

export async function runStep<R extends object>(
  deps: StepDeps,
  key: string,
  step: string,
  work: StepWork<R>,
  /** A claim the caller already made (in parallel with other writes) for `owner`; used for the first attempt. */
  ahead?: { owner: string; claimed: StepClaim },
): Promise<StepOutcome<R>> {
  const giveUpAt = Math.min(deps.clock.now() + deps.config.heldWaitMs, deps.until ?? Infinity);
  const owner = ahead?.owner ?? randomUUID();
  let first = ahead?.claimed;
  for (let failures = 0; ;) {
    const claim = first ?? (await deps.ledger.claim(key, step, deps.config.leaseMs, owner));
    first = undefined;
    if (claim.status === 'done') return { result: claim.result as R, fresh: false };
    if (claim.status === 'held') {
      if (deps.clock.now() >= giveUpAt) {
        throw new DispatchError(
          'STEP_IN_PROGRESS',
          `step ${step} of ${key} is held by another attempt; retry later`,
          {
            retryable: true,
          },
        );
      }
      await deps.clock.sleep(POLL_MS);
      continue;
    }
    try {
      const found = claim.reconcile && work.reconcile ? await work.reconcile() : undefined;
      if (found !== undefined) {
        deps.log.info('step reconciled: an earlier attempt had done it', { step });
        await finish(deps, key, step, work, found);
        return { result: found, fresh: false };
      }
      const result = await work.run();
      await finish(deps, key, step, work, result);
      return { result, fresh: true };
    } catch (error) {
      await deps.ledger.release(key, step, errorText(error)).catch((releaseError: unknown) =>
        deps.log.warn('could not release step; it frees itself when the lease expires', {
          step,
          error: errorText(releaseError),
        }),
      );
      // A transient failure is tried again at once, reconciling first: the vendor may have acted before failing.
      const wait = retryDelay(error, ++failures);
      if (wait === undefined || deps.clock.now() + wait >= (deps.until ?? Infinity)) throw error;
      deps.log.warn('step failed; trying again', { step, attempt: failures, error: errorText(error) });
      await deps.clock.sleep(wait);
    }
  }
}

/** Records a step's result and its facts in parallel: one round trip; handed to `defer` when given. */
async function finish<R extends object>(
  deps: StepDeps,
  key: string,
  step: string,
  work: StepWork<R>,
  result: R,
): Promise<void> {
  if (work.collect) {
    work.collect({ key, step, result });
    return;
  }
  const completion = Promise.all([deps.ledger.complete(key, step, result), work.record?.(result)]).then(
    () => undefined,
  );
  if (!work.defer) return completion;
  completion.catch(() => undefined);
  work.defer(completion);
}

/** Attempts of one step within one invocation; after them the invocation fails and Lambda retries it later. */
const STEP_ATTEMPTS = 3;

function retryDelay(error: unknown, failures: number): number | undefined {
  if (failures >= STEP_ATTEMPTS || !isRetryable(error)) return undefined;
  const asked = error instanceof VendorError ? error.retryAfterMs : undefined;
  if (asked !== undefined) return asked <= 5_000 ? asked : undefined;
  return 200 * 2 ** (failures - 1);
}

/**
 * A comment made once: it carries a hidden marker, and a retry after an unclear failure looks for it among the
 * issue's recent comments before commenting again. Returns the comment's ID and whether this call made it. `keep`
 * is recorded with the ID in the step's result (what a later step needs to know of the comment).
 */
export async function commentOnce(
  deps: StepDeps & { tracker: IssueTracker },
  key: string,
  step: string,
  issue: IssueRef,
  body: string,
  options: {
    defer?: (completion: Promise<void>) => void;
    collect?: (done: StepDone) => void;
    ahead?: { owner: string; claimed: StepClaim };
    keep?: object;
  } = {},
): Promise<StepOutcome<{ id: number }>> {
  const marker = `${key}#${step}`;
  const since = deps.clock.now() - COMMENT_LOOKBACK_MS;
  return runStep(
    deps,
    key,
    step,
    {
      reconcile: async () => {
        const id = await deps.tracker.findComment(issue, marker, since);
        return id === undefined ? undefined : { id, ...options.keep };
      },
      run: async () => ({ id: await deps.tracker.comment(issue, withMarker(body, marker)), ...options.keep }),
      ...(options.defer ? { defer: options.defer } : {}),
      ...(options.collect ? { collect: options.collect } : {}),
    },
    options.ahead,
  );
}

/**
 * A running note on the issue: made once (like commentOnce), then edited in place, so a storm of repeats is one
 * comment that keeps count rather than hundreds.
 */
export async function noteOnIssue(
  deps: StepDeps & { tracker: IssueTracker },
  key: string,
  step: string,
  issue: IssueRef,
  body: string,
): Promise<void> {
  const { result, fresh } = await commentOnce(deps, key, step, issue, body);
  if (!fresh) await deps.tracker.editComment(issue, result.id, withMarker(body, `${key}#${step}`));
}

/** `body` with the hidden marker a retry finds it by, as its last line. */
export function withMarker(body: string, marker: string): string {
  return `${body}\n${issueMarker(marker)}`;
}

/** How far back a retry looks for a comment an earlier attempt may have made (well beyond Lambda's retries). */
const COMMENT_LOOKBACK_MS = 6 * 60 * 60 * 1000;

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whether trying again may help. A RangeError (stack overflow, string or array too long) comes from what the alarm
 * carries and happens again on every try; anything else unknown is taken as transient.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof RangeError) return false;
  return error instanceof DispatchError ? error.retryable : true;
}
