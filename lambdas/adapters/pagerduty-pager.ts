/**
 * Pager over PagerDuty, by the Events API v2 (default) or the REST incidents API. Plain fetch, so both base URLs
 * are configurable (EU region, a local fake).
 *
 * - Events API v2: https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ — POST /v2/enqueue, 202 on
 *   success; `dedup_key` makes a repeat fold into the open alert; 400 invalid event, 429 throttled, 5xx retry.
 * - REST: https://developer.pagerduty.com/api-reference/a7d81b0e9200f-create-an-incident — POST /incidents with a
 *   `From` header; `incident_key` deduplicates, and a duplicate answers 400 "Open incident with matching dedup key
 *   already exists", which means the page is already out.
 */
import { VendorError } from '../core/errors.ts';
import type { Clock, PageRequest, PageResult, Pager } from '../core/ports.ts';
import { DEFAULT_RETRY, retryAfterMs, withRetry, type RetryPolicy } from './retry.ts';
import { parseJsonSecret, secretError } from './secret-values.ts';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com';
export const PAGERDUTY_API_URL = 'https://api.pagerduty.com';

interface Common {
  timeoutMs: number;
  clock: Clock;
  retry?: RetryPolicy;
}

export interface EventsPagerOptions extends Common {
  /**
   * The routing key of the default service's Events API v2 integration, or a JSON object of routing keys by
   * service ID with a "default" entry, e.g. {"default":"R0…","PABC123":"R1…"}.
   */
  routingKey: () => Promise<string>;
  eventsUrl?: string | undefined;
}

export interface RestPagerOptions extends Common {
  apiToken: () => Promise<string>;
  /** Email of a PagerDuty user, required by the REST API as `From`. */
  from: string;
  defaultServiceId: string;
  apiUrl?: string | undefined;
}

export class EventsPager implements Pager {
  constructor(private readonly options: EventsPagerOptions) {}

  async trigger(page: PageRequest): Promise<PageResult> {
    const { routingKey, note } = pickRoutingKey(await this.options.routingKey(), page.service);
    const url = `${(this.options.eventsUrl ?? PAGERDUTY_EVENTS_URL).replace(/\/$/, '')}/v2/enqueue`;
    const body = {
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: page.dedupKey,
      payload: {
        summary: page.summary,
        source: 'dispatch',
        severity: page.severity,
        custom_details: { ...page.details, ...(note ? { dispatchNote: note } : {}) },
      },
      links: (page.links ?? []).map((l) => ({ href: l.href, text: l.text ?? l.href })),
      client: 'Dispatch',
    };
    const res = await send(this.options, 'trigger event', url, { 'Content-Type': 'application/json' }, body);
    const answer = (await res.json().catch(() => ({}))) as { dedup_key?: string };
    return { dedupKey: answer.dedup_key ?? page.dedupKey, deduplicated: false, note };
  }
}

export class RestPager implements Pager {
  constructor(private readonly options: RestPagerOptions) {}

  async trigger(page: PageRequest): Promise<PageResult> {
    const url = `${(this.options.apiUrl ?? PAGERDUTY_API_URL).replace(/\/$/, '')}/incidents`;
    const headers = {
      'Content-Type': 'application/json',
      Accept: 'application/vnd.pagerduty+json;version=2',
      Authorization: `Token token=${await this.options.apiToken()}`,
      From: this.options.from,
    };
    const body = {
      incident: {
        type: 'incident',
        title: page.summary,
        service: { id: page.service ?? this.options.defaultServiceId, type: 'service_reference' },
        incident_key: page.dedupKey,
        urgency: page.severity === 'critical' || page.severity === 'error' ? 'high' : 'low',
        body: {
          type: 'incident_body',
          details: JSON.stringify({ ...page.details, links: page.links }, null, 2),
        },
      },
    };
    try {
      const res = await send(this.options, 'create incident', url, headers, body);
      const answer = (await res.json()) as { incident?: { html_url?: string; incident_key?: string } };
      return {
        dedupKey: answer.incident?.incident_key ?? page.dedupKey,
        deduplicated: false,
        incidentUrl: answer.incident?.html_url,
      };
    } catch (error) {
      if (
        error instanceof VendorError &&
        error.status === 400 &&
        /matching dedup key already exists/i.test(error.message)
      ) {
        return { dedupKey: page.dedupKey, deduplicated: true };
      }
      throw error;
    }
  }
}

/** The secret holding the routing key (SECRET.pagerdutyRoutingKey), named in errors instead of its value. */
const ROUTING_KEY_SECRET = 'pagerduty/routing-key';
const ROUTING_KEY_MAP =
  'a routing key, or a JSON object of routing keys by service ID such as {"default":"…","PABC123":"…"}';

/**
 * The routing keys by service ID ("default" for a single key). A malformed secret fails with an error naming
 * `pagerduty/routing-key` and the fault, never any part of the value.
 */
export function parseRoutingKeys(secret: string): Record<string, string> {
  const trimmed = secret.trim();
  if (!trimmed.startsWith('{')) return { default: trimmed };
  const keys = parseJsonSecret(ROUTING_KEY_SECRET, trimmed, ROUTING_KEY_MAP);
  const values = typeof keys === 'object' && keys !== null ? Object.values(keys) : [];
  if (Array.isArray(keys) || !values.every((v) => typeof v === 'string' && v.trim() !== '')) {
    throw secretError(
      ROUTING_KEY_SECRET,
      `is JSON but not ${ROUTING_KEY_MAP}: every value must be a routing key`,
    );
  }
  return keys as Record<string, string>;
}

function pickRoutingKey(secret: string, service: string | undefined): { routingKey: string; note?: string } {
  const trimmed = secret.trim();
  if (!trimmed.startsWith('{')) {
    return service
      ? {
          routingKey: trimmed,
          note: `service ${service} was asked for; only a default routing key is configured`,
        }
      : { routingKey: trimmed };
  }
  const keys = parseRoutingKeys(trimmed);
  if (service && keys[service]) return { routingKey: keys[service] };
  if (!keys.default) {
    throw new VendorError(
      'pagerduty',
      `no routing key for service ${service ?? '(default)'} and no "default" entry`,
      {
        retryable: false,
      },
    );
  }
  return service
    ? {
        routingKey: keys.default,
        note: `service ${service} has no routing key configured; paged the default service`,
      }
    : { routingKey: keys.default };
}

async function send(
  options: Common,
  what: string,
  url: string,
  headers: Record<string, string>,
  body: unknown,
) {
  // Outside the try below: a body JSON.stringify cannot encode is not a connection failure to retry.
  const payload = JSON.stringify(body);
  return withRetry(options.clock, options.retry ?? DEFAULT_RETRY, async () => {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers,
        body: payload,
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
