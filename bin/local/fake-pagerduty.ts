/** A PagerDuty fake on loopback: Events API v2 enqueue and REST incidents, both deduplicating open incidents. */
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
            service: String(body.routing_key),
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
      route('GET', '/services/:id', ({ params }) => ({
        status: 200,
        body: { service: { id: params.id, name: 'Dispatch sandbox' } },
      })),
    ],
    options,
  )) as FakePagerDuty;
  running.incidents = incidents;
  return running;
}
