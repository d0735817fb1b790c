/**
 * The Events API v2 routing key of the PagerDuty service an alarm names, looked up with the REST API when a token
 * is stored (a read-only API key is enough), and kept for the life of the function instance.
 *
 * - GET /services/{id}?include[]=integrations ("Get a service" in the REST API v2 reference,
 *   https://github.com/PagerDuty/api-schema/blob/main/reference/REST/openapiv3.json) answers the service with its
 *   integrations in full instead of as references; one of type `events_api_v2_inbound_integration` carries the
 *   `integration_key` that is the routing key of events for that service
 *   (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/).
 * - REST API v2 headers (same schema): `Accept: application/vnd.pagerduty+json;version=2` (the version) and
 *   `Authorization: Token token=<API_KEY>`.
 * - A service whose `status` is `disabled` "will not have any new triggered incidents" (same schema), so it counts as
 *   one that cannot be paged; `maintenance` is the team's own choice and is left to PagerDuty.
 *
 * Nothing here puts the token or a key in a message: reasons name the service, the HTTP status and the fix.
 */
import { DispatchError, VendorError } from '../core/errors.ts';
import { pagerDutyRequest, type PagerDutyHttp } from './pagerduty-http.ts';
import { headerSecret } from './secret-values.ts';

/** What a service ID looks like (PagerDuty IDs are letters and digits, e.g. PABC123); nothing else is looked up. */
export const SERVICE_ID = /^[A-Za-z0-9]{1,64}$/;
const EVENTS_V2 = 'events_api_v2_inbound_integration';
const API_TOKEN_SECRET = 'pagerduty/api-token';

export interface ServiceKeysOptions extends PagerDutyHttp {
  /** The REST API token, or undefined when none is stored. */
  apiToken: () => Promise<string | undefined>;
  apiUrl: string;
  /** How long a resolved key is used before it is asked for again (default 1 hour). */
  keyTtlMs?: number | undefined;
  /** How long PagerDuty's "cannot be paged" (no such service, no Events v2 integration, disabled) is kept (5 min). */
  missTtlMs?: number | undefined;
  /** How long a lookup that failed after its retries is not repeated (1 min); a key known before is used meanwhile. */
  failTtlMs?: number | undefined;
  /** Services remembered at most (the oldest is forgotten first). */
  maxEntries?: number | undefined;
}

/** A routing key, or why there is none: `reason` reads after "service PABC123", `fix` says how to map it. */
export type ServiceKey = { routingKey: string } | { reason: string; fix?: string };

interface Entry {
  result: ServiceKey;
  until: number;
}

export const SERVICE_KEY_TTL_MS = 60 * 60_000;

export class ServiceKeys {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<ServiceKey>>();

  constructor(private readonly options: ServiceKeysOptions) {}

  /** The routing key of `service`, or why it cannot be had. Never throws: the page goes out either way. */
  async resolve(service: string): Promise<ServiceKey> {
    if (!SERVICE_ID.test(service)) return { reason: 'is not a PagerDuty service ID' };
    const hit = this.cache.get(service);
    if (hit && hit.until > this.options.clock.now()) return hit.result;
    let pending = this.inflight.get(service);
    if (!pending) {
      pending = this.refresh(service, hit).finally(() => this.inflight.delete(service));
      this.inflight.set(service, pending);
    }
    return pending;
  }

  private async refresh(service: string, stale: Entry | undefined): Promise<ServiceKey> {
    let token: string | undefined;
    try {
      token = await this.options.apiToken();
      if (token) token = headerSecret(API_TOKEN_SECRET, token);
    } catch (error) {
      // A stored token that cannot be used: its error names the secret and the fault, never the value.
      const why = error instanceof DispatchError ? error.message : `${API_TOKEN_SECRET} cannot be read`;
      return { reason: `could not be looked up: ${why}` };
    }
    if (!token) {
      return {
        reason: 'has no routing key configured and no PagerDuty API token is stored to look it up',
        fix: `to page it, store a PagerDuty API token (read-only is enough) as ${API_TOKEN_SECRET}, or add "${service}" to the routing-key map`,
      };
    }
    const now = this.options.clock.now();
    const { result, ttlMs } = await this.lookup(service, token);
    if (!('routingKey' in result) && ttlMs === this.failTtl && stale && 'routingKey' in stale.result) {
      // PagerDuty's REST API is down, not the service gone: the key it gave before still pages the right service.
      this.remember(service, { result: stale.result, until: now + ttlMs });
      return stale.result;
    }
    this.remember(service, { result, until: now + ttlMs });
    return result;
  }

  private get failTtl(): number {
    return this.options.failTtlMs ?? 60_000;
  }

  private remember(service: string, entry: Entry): void {
    this.cache.delete(service);
    this.cache.set(service, entry);
    const max = this.options.maxEntries ?? 1_000;
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= max) break;
      this.cache.delete(oldest);
    }
  }

  private async lookup(service: string, token: string): Promise<{ result: ServiceKey; ttlMs: number }> {
    const miss = (result: ServiceKey) => ({ result, ttlMs: this.options.missTtlMs ?? 5 * 60_000 });
    const url = `${this.options.apiUrl.replace(/\/$/, '')}/services/${service}?include[]=integrations`;
    let answer: unknown;
    try {
      const res = await pagerDutyRequest(this.options, 'get service', {
        method: 'GET',
        url,
        headers: {
          Accept: 'application/vnd.pagerduty+json;version=2',
          Authorization: `Token token=${token}`,
        },
      });
      answer = await res.json();
    } catch (error) {
      const status = error instanceof VendorError ? error.status : undefined;
      if (status === 404) return miss({ reason: 'was not found in PagerDuty (HTTP 404)' });
      if (status === 401 || status === 403)
        return miss({
          reason: `could not be looked up: PagerDuty refused the API token (HTTP ${status})`,
          fix: `check ${API_TOKEN_SECRET}`,
        });
      if (status !== undefined && !(error as VendorError).retryable)
        return miss({ reason: `could not be looked up (HTTP ${status})` });
      const why = status === undefined ? 'no answer from the PagerDuty REST API' : `HTTP ${status}`;
      return { result: { reason: `could not be looked up (${why})` }, ttlMs: this.failTtl };
    }
    const found = (answer as { service?: { status?: unknown; integrations?: unknown } } | null)?.service;
    if (!found || typeof found !== 'object') {
      return {
        result: { reason: 'could not be looked up (an answer without the service)' },
        ttlMs: this.failTtl,
      };
    }
    if (found.status === 'disabled') return miss({ reason: 'is disabled in PagerDuty' });
    const integrations = Array.isArray(found.integrations) ? (found.integrations as unknown[]) : [];
    const v2 = integrations.find(
      (i): i is { integration_key: string } =>
        typeof i === 'object' &&
        i !== null &&
        (i as { type?: unknown }).type === EVENTS_V2 &&
        typeof (i as { integration_key?: unknown }).integration_key === 'string' &&
        (i as { integration_key: string }).integration_key.trim() !== '',
    );
    if (!v2) {
      return miss({
        reason: 'has no Events API v2 integration in PagerDuty',
        fix: `to page it, add an "Events API v2" integration to the service, or add "${service}" to the routing-key map`,
      });
    }
    return {
      result: { routingKey: v2.integration_key.trim() },
      ttlMs: this.options.keyTtlMs ?? SERVICE_KEY_TTL_MS,
    };
  }
}
