/**
 * Bounded retries for vendor calls. Transient failures (5xx, timeouts, resets, 429) are retried with backoff;
 * a Retry-After is honoured when it fits in the budget, otherwise the error goes up (still retryable) so the
 * Lambda retry, well after the vendor's window, tries again. Never the SDKs' own 30-minute retry loops.
 */
import { VendorError } from '../core/errors.ts';
import type { Clock } from '../core/ports.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** First backoff; doubles each time, with jitter. */
  baseDelayMs: number;
  /** The longest single wait accepted, Retry-After included. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 };

/**
 * How a call may be repeated. `idempotent`: any transient failure is retried here. `creates`: the call makes
 * something (an issue, a message) and a timeout or a dropped connection may hide that it did; only a rate-limited
 * answer, which says nothing was done, is retried here. Other failures go up to the step, which looks for what the call may
 * have made before trying again.
 */
export type Repeatable = 'idempotent' | 'creates';

export async function withRetry<T>(
  clock: Clock,
  policy: RetryPolicy,
  fn: () => Promise<T>,
  repeatable: Repeatable = 'idempotent',
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof VendorError) || !error.retryable || attempt >= policy.attempts) throw error;
      // A rate-limited answer (429, GitHub's 403 with Retry-After) says nothing was done: safe to send again.
      if (repeatable === 'creates' && error.retryAfterMs === undefined) throw error;
      const backoff = policy.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
      const wait = error.retryAfterMs ?? backoff;
      if (wait > policy.maxDelayMs) throw error;
      await clock.sleep(wait);
    }
  }
}

/** Retry-After in seconds (or an HTTP date) as milliseconds. */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
