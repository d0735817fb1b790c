/**
 * One PagerDuty HTTP call with the adapter's timeout and bounded retries: 429, 408, 5xx and failed connections are
 * retried (lambdas/adapters/retry.ts), anything else fails at once. Errors carry the status and the start of the
 * answer, never the request's headers (the token travels there).
 */
import { VendorError } from '../core/errors.ts';
import type { Clock } from '../core/ports.ts';
import { DEFAULT_RETRY, retryAfterMs, withRetry, type RetryPolicy } from './retry.ts';

export interface PagerDutyHttp {
  timeoutMs: number;
  clock: Clock;
  retry?: RetryPolicy | undefined;
}

export async function pagerDutyRequest(
  options: PagerDutyHttp,
  what: string,
  request: {
    method: 'GET' | 'POST' | 'PUT';
    url: string;
    headers: Record<string, string>;
    body?: unknown;
  },
): Promise<Response> {
  // Outside the try below: a body JSON.stringify cannot encode is not a connection failure to retry.
  const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
  return withRetry(options.clock, options.retry ?? DEFAULT_RETRY, async () => {
    let res: Response;
    try {
      res = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(payload === undefined ? {} : { body: payload }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new VendorError('pagerduty', `${what} did not complete: ${(error as Error).message}`, {
        cause: error,
        retryable: true,
      });
    }
    if (res.ok) return res;
    const text = (await res.text().catch(() => '')).slice(0, 500);
    throw new VendorError('pagerduty', `${what} answered HTTP ${res.status}: ${text}`, {
      retryable: res.status === 429 || res.status >= 500 || res.status === 408,
      status: res.status,
      retryAfterMs: retryAfterMs(res.headers.get('retry-after'), options.clock.now()),
    });
  });
}
