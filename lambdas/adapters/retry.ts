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

export async function withRetry<T>(clock: Clock, policy: RetryPolicy, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof VendorError) || !error.retryable || attempt >= policy.attempts) throw error;
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
