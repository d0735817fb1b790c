/**
 * A PagerDuty fake on loopback: Events API v2 enqueue and REST incidents, both deduplicating open incidents, and the
 * REST services a token may read. Every service exists, with one Events API v2 integration whose key is
 * `serviceRoutingKey(id)`; an event sent with that key opens its incident on that service.
 */
import { route, serve, type FakeBehaviour, type Running } from './http.ts';

export interface Incident {
  id: string;
  number: number;
  title: string;
  dedupKey: string;
  status: 'triggered' | 'resolved';
  severity: string;
  service: string;
  details: unknown;
  alerts: number;
  html_url: string;
}

export interface FakePagerDuty extends Running {
  incidents: Incident[];
}

const SERVICE_KEY_PREFIX = 'R1SANDBOX';

/** The Events API v2 integration key the fake gives service `id` (GET /services/{id}?include[]=integrations). */
export function serviceRoutingKey(id: string): string {
  return `${SERVICE_KEY_PREFIX}${id}`;
}

/** The service an event's routing key pages: the one whose integration key it is, else the key itself. */
function serviceOf(routingKey: string): string {
  return routingKey.startsWith(SERVICE_KEY_PREFIX) ? routingKey.slice(SERVICE_KEY_PREFIX.length) : routingKey;
}

/** REST API v2 wants `Authorization: Token token=…`. */
const hasToken = (headers: Record<string, string | string[] | undefined>) =>
  typeof headers.authorization === 'string' && /^Token token=\S+$/.test(headers.authorization);

export async function startFakePagerDuty(
  options: FakeBehaviour & { htmlBase?: string } = {},
): Promise<FakePagerDuty> {
  const incidents: Incident[] = [];
  const open = (key: string) => incidents.find((i) => i.dedupKey === key && i.status === 'triggered');
  const create = (fields: Omit<Incident, 'id' | 'number' | 'status' | 'alerts' | 'html_url'>) => {
    const number = incidents.length + 1;
    const id = `Q${String(number).padStart(6, '0')}`;
    const incident: Incident = {
      ...fields,
      id,
      number,
      status: 'triggered',
      alerts: 1,
      html_url: options.htmlBase
        ? `${options.htmlBase}/#incident-${id}`
        : `https://example.pagerduty.com/incidents/${id}`,
    };
    incidents.push(incident);
    return incident;
  };
  const running = (await serve(
    [
      route('POST', '/v2/enqueue', ({ body }) => {
        const payload = body.payload as
          { summary?: string; severity?: string; custom_details?: unknown } | undefined;
        // https://developer.pagerduty.com/docs/events-api-v2/resolve-alerts/
        if (body.routing_key && body.event_action === 'resolve' && body.dedup_key) {
          const incident = open(String(body.dedup_key));
          if (incident) incident.status = 'resolved';
          return {
            status: 202,
            body: { status: 'success', message: 'Event processed', dedup_key: body.dedup_key },
          };
        }
        if (!body.routing_key || !payload?.summary || body.event_action !== 'trigger') {
          return {
            status: 400,
            body: { status: 'invalid event', message: 'Event object is invalid', errors: ['missing fields'] },
          };
        }
        const key = String(body.dedup_key ?? `auto-${incidents.length + 1}`);
        const existing = open(key);
        if (existing) existing.alerts++;
        else
          create({
            title: payload.summary,
            dedupKey: key,
            severity: payload.severity ?? 'critical',
            service: serviceOf(String(body.routing_key)),
            details: payload.custom_details,
          });
        return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: key } };
      }),
      route('POST', '/incidents', ({ body, headers }) => {
        if (!headers.from) return { status: 400, body: { error: { message: 'Requester User Not Found' } } };
        const incident = body.incident as {
          title: string;
          incident_key: string;
          service: { id: string };
          urgency?: string;
          body?: { details?: string };
        };
        if (open(incident.incident_key)) {
          return {
            status: 400,
            body: {
              error: {
                message: 'Invalid Input Provided',
                code: 2001,
                errors: ['Open incident with matching dedup key already exists on this service'],
              },
            },
          };
        }
        const made = create({
          title: incident.title,
          dedupKey: incident.incident_key,
          severity: incident.urgency ?? 'high',
          service: incident.service.id,
          details: incident.body?.details,
        });
        return {
          status: 201,
          body: {
            incident: {
              id: made.id,
              incident_number: made.number,
              html_url: made.html_url,
              incident_key: made.dedupKey,
            },
          },
        };
      }),
      route('GET', '/users/me', () => ({ status: 200, body: { user: { email: 'oncall@example.com' } } })),
      route('GET', '/services', ({ headers }) =>
        hasToken(headers)
          ? { status: 200, body: { services: [], limit: 25, offset: 0, more: false } }
          : { status: 401, body: { error: { message: 'Unauthorized', code: 2006 } } },
      ),
      // include[]=integrations gives the integrations in full (with integration_key), else as references.
      route('GET', '/services/:id', ({ params, query, headers }) => {
        if (!hasToken(headers))
          return { status: 401, body: { error: { message: 'Unauthorized', code: 2006 } } };
        const full = query.getAll('include[]').includes('integrations');
        const integration = {
          id: `PI${params.id}`.slice(0, 14),
          type: full ? 'events_api_v2_inbound_integration' : 'events_api_v2_inbound_integration_reference',
          summary: 'Dispatch sandbox',
          ...(full ? { name: 'Dispatch sandbox', integration_key: serviceRoutingKey(params.id!) } : {}),
        };
        return {
          status: 200,
          body: {
            service: {
              id: params.id,
              type: 'service',
              name: 'Dispatch sandbox',
              status: 'active',
              integrations: [integration],
            },
          },
        };
      }),
    ],
    options,
  )) as FakePagerDuty;
  running.incidents = incidents;
  return running;
}
