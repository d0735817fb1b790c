/**
 * Pager over PagerDuty, by the Events API v2 (default) or the REST incidents API. Plain fetch, so both base URLs
 * are configurable (EU region, a local fake).
 *
 * - Events API v2: https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ — POST /v2/enqueue, 202 on
 *   success; `dedup_key` makes a repeat fold into the open alert; 400 invalid event, 429 throttled, 5xx retry.
 * - REST: https://developer.pagerduty.com/api-reference/a7d81b0e9200f-create-an-incident — POST /incidents with a
 *   `From` header; `incident_key` deduplicates, and a duplicate answers 400 "Open incident with matching dedup key
 *   already exists", which means the page is already out.
 *
 * In Events mode an alarm's service (`body.pagerduty.service`, `pagerDutyServiceId`) is paged through that service's
 * own routing key: the one the routing-key map names, else the integration key the REST API gives when a token is
 * stored (pagerduty-services.ts). Without either the default service is paged, and the result's note, the log and
 * the incident's custom details name the service that was asked for: a page is never held back for want of a key.
 */
import { VendorError } from '../core/errors.ts';
import type { Clock, PageRequest, PageResult, Pager } from '../core/ports.ts';
import { pagerDutyRequest } from './pagerduty-http.ts';
import { SERVICE_ID, ServiceKeys, type ServiceKey } from './pagerduty-services.ts';
import type { RetryPolicy } from './retry.ts';
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
  /**
   * The REST API token (pagerduty/api-token), optional in Events mode: undefined when none is stored. With it, a
   * service the map does not name is resolved to its Events API v2 integration key (cached, see ServiceKeys).
   */
  apiToken?: (() => Promise<string | undefined>) | undefined;
  apiUrl?: string | undefined;
  /** How long a resolved integration key is used before it is asked for again (default 1 hour). */
  serviceKeyTtlMs?: number | undefined;
}

export interface RestPagerOptions extends Common {
  apiToken: () => Promise<string>;
  /** Email of a PagerDuty user, required by the REST API as `From`. */
  from: string;
  defaultServiceId: string;
  apiUrl?: string | undefined;
}

export class EventsPager implements Pager {
  private readonly services: ServiceKeys;

  constructor(private readonly options: EventsPagerOptions) {
    const apiToken = options.apiToken ?? (async () => undefined);
    this.services = new ServiceKeys({
      timeoutMs: options.timeoutMs,
      clock: options.clock,
      retry: options.retry,
      apiToken,
      apiUrl: options.apiUrl ?? PAGERDUTY_API_URL,
      keyTtlMs: options.serviceKeyTtlMs,
    });
  }

  async trigger(page: PageRequest): Promise<PageResult> {
    const { routingKey, note } = await this.routingKeyFor(page.service);
    const body = {
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: page.dedupKey,
      payload: {
        summary: page.summary,
        source: 'dispatch',
        severity: page.severity,
        custom_details: {
          ...page.details,
          ...(note ? { dispatchNote: note, dispatchRequestedService: page.service } : {}),
        },
      },
      links: (page.links ?? []).map((l) => ({ href: l.href, text: l.text ?? l.href })),
      client: 'Dispatch',
    };
    const res = await this.enqueue('trigger event', body);
    const answer = (await res.json().catch(() => ({}))) as { dedup_key?: string };
    return { dedupKey: answer.dedup_key ?? page.dedupKey, deduplicated: false, note };
  }

  /**
   * `event_action: resolve` with the trigger's dedup key, through the same service's routing key:
   * https://developer.pagerduty.com/docs/events-api-v2/resolve-alerts/ (a key with no open alert is accepted).
   */
  async resolve(request: { dedupKey: string; service?: string | undefined }): Promise<void> {
    const { routingKey } = await this.routingKeyFor(request.service);
    await this.enqueue('resolve event', {
      routing_key: routingKey,
      event_action: 'resolve',
      dedup_key: request.dedupKey,
    });
  }

  /** The routing key for `service` (see pickRoutingKey), from the stored secret. */
  private async routingKeyFor(service: string | undefined): Promise<{ routingKey: string; note?: string }> {
    return pickRoutingKey(await this.options.routingKey(), service, (s) => this.services.resolve(s));
  }

  /** One event to the Events API v2 (`POST /v2/enqueue`). */
  private enqueue(what: string, body: object): Promise<Response> {
    return pagerDutyRequest(this.options, what, {
      method: 'POST',
      url: `${(this.options.eventsUrl ?? PAGERDUTY_EVENTS_URL).replace(/\/$/, '')}/v2/enqueue`,
      headers: { 'Content-Type': 'application/json' },
      body,
    });
  }
}

export class RestPager implements Pager {
  constructor(private readonly options: RestPagerOptions) {}

  /** REST API v2 headers: JSON, the API version, the token and the `From` user. */
  private async headers(): Promise<Record<string, string>> {
    return {
      'Content-Type': 'application/json',
      Accept: 'application/vnd.pagerduty+json;version=2',
      Authorization: `Token token=${await this.options.apiToken()}`,
      From: this.options.from,
    };
  }

  async trigger(page: PageRequest): Promise<PageResult> {
    const url = `${(this.options.apiUrl ?? PAGERDUTY_API_URL).replace(/\/$/, '')}/incidents`;
    const headers = await this.headers();
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
      const res = await pagerDutyRequest(this.options, 'create incident', {
        method: 'POST',
        url,
        headers,
        body,
      });
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

  /**
   * The open incidents with this `incident_key`, each set to resolved:
   * https://developer.pagerduty.com/api-reference/9d0b4b12e36f9-list-incidents (`incident_key`, `statuses[]`) and
   * https://developer.pagerduty.com/api-reference/8a0e1aa2ec666-update-an-incident (`status: resolved`).
   */
  async resolve(request: { dedupKey: string; service?: string | undefined }): Promise<void> {
    const base = (this.options.apiUrl ?? PAGERDUTY_API_URL).replace(/\/$/, '');
    const headers = await this.headers();
    const query = new URLSearchParams({ incident_key: request.dedupKey });
    for (const status of ['triggered', 'acknowledged']) query.append('statuses[]', status);
    const res = await pagerDutyRequest(this.options, 'list incidents', {
      method: 'GET',
      url: `${base}/incidents?${query.toString()}`,
      headers,
    });
    const { incidents = [] } = (await res.json().catch(() => ({}))) as { incidents?: { id?: string }[] };
    for (const incident of incidents) {
      if (typeof incident.id !== 'string' || !/^[A-Z0-9]+$/i.test(incident.id)) continue;
      await pagerDutyRequest(this.options, 'resolve incident', {
        method: 'PUT',
        url: `${base}/incidents/${incident.id}`,
        headers,
        body: { incident: { type: 'incident_reference', status: 'resolved' } },
      });
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

/**
 * The routing key for a page: the map's entry for the service, else the key the REST API resolves, else the default
 * with a note naming the service asked for and why it was not used.
 */
async function pickRoutingKey(
  secret: string,
  service: string | undefined,
  resolve: (service: string) => Promise<ServiceKey>,
): Promise<{ routingKey: string; note?: string }> {
  const keys = parseRoutingKeys(secret);
  if (!service) return { routingKey: defaultKey(keys, service) };
  // Own entries only: a service named "constructor" must not find Object.prototype's.
  if (Object.hasOwn(keys, service)) return { routingKey: keys[service]! };
  const resolved = await resolve(service);
  if ('routingKey' in resolved) return { routingKey: resolved.routingKey };
  const named = SERVICE_ID.test(service) ? service : JSON.stringify(service);
  return {
    routingKey: defaultKey(keys, service),
    note: `service ${named} ${resolved.reason}; paged the default service${resolved.fix ? ` (${resolved.fix})` : ''}`,
  };
}

function defaultKey(keys: Record<string, string>, service: string | undefined): string {
  if (keys.default) return keys.default;
  throw new VendorError(
    'pagerduty',
    `no routing key for service ${service ?? '(default)'} and no "default" entry`,
    {
      retryable: false,
    },
  );
}
