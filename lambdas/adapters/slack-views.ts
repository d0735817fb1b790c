/**
 * Slack's views.open over plain fetch, for the triage function: it opens the reason modal within the click's
 * 3-second trigger window, and its bundle carries no Slack SDK (its cold start is the window's first cost).
 *
 * - views.open: POST https://slack.com/api/views.open, JSON `{trigger_id, view}`, bearer bot token (no scope
 *   needed): https://api.slack.com/methods/views.open. Slack answers 200 with `{"ok":false,"error":"…"}` on failure
 *   (e.g. `expired_trigger_id`, `exchanged_trigger_id`, `invalid_arguments`): https://api.slack.com/web#responses
 * - A trigger_id works once and for 3 seconds (https://api.slack.com/interactivity/handling#modal_responses), so a
 *   failed call is not retried: the user is asked to click again.
 */
import { VendorError } from '../core/errors.ts';
import type { Block, Views } from '../core/ports.ts';

/** The longest Dispatch waits for views.open: the trigger expires 3 s after the click, part of which has passed. */
export const VIEWS_OPEN_TIMEOUT_MS = 2_500;

export interface SlackViewsOptions {
  token: () => Promise<string>;
  /** Base URL of the Web API, e.g. a local fake; defaults to https://slack.com/api/ */
  apiUrl?: string | undefined;
  timeoutMs: number;
}

export class SlackViews implements Views {
  constructor(private readonly options: SlackViewsOptions) {}

  async open(triggerId: string, view: Block): Promise<void> {
    const base = this.options.apiUrl ?? 'https://slack.com/api/';
    const url = new URL('views.open', base.endsWith('/') ? base : `${base}/`);
    const token = await this.options.token();
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ trigger_id: triggerId, view }),
        signal: AbortSignal.timeout(Math.min(this.options.timeoutMs, VIEWS_OPEN_TIMEOUT_MS)),
      });
    } catch (error) {
      throw new VendorError('slack', `views.open did not complete: ${(error as Error).message}`, {
        cause: error,
        retryable: false,
      });
    }
    if (!res.ok) {
      throw new VendorError('slack', `views.open answered HTTP ${res.status}`, {
        retryable: false,
        status: res.status,
      });
    }
    const body = (await res.json().catch(() => ({}))) as { ok?: boolean; error?: string };
    if (body.ok !== true) {
      throw new VendorError('slack', `views.open failed: ${body.error ?? 'no answer'}`, { retryable: false });
    }
  }
}
