import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { EventsPager, RestPager } from '../../lambdas/adapters/pagerduty-pager.ts';
import type { PageRequest } from '../../lambdas/core/ports.ts';
import { recordingClock, useNock } from '../helpers/nock.ts';

useNock();

const page: PageRequest = {
  dedupKey: 'high-priority:abc',
  summary: 'Root login',
  severity: 'critical',
  details: { body: 'from 198.51.100.23' },
  links: [{ href: 'https://runbooks.example.com/root', text: 'Runbook' }],
};

const events = (routingKey = 'R0DEFAULT', eventsUrl?: string) =>
  new EventsPager({ routingKey: async () => routingKey, eventsUrl, timeoutMs: 300, clock: recordingClock() });

describe('EventsPager (Events API v2)', () => {
  it('triggers with the routing key, dedup key, severity, details and links', async () => {
    // Prepare
    const scope = nock('https://events.pagerduty.com')
      .post('/v2/enqueue', {
        routing_key: 'R0DEFAULT',
        event_action: 'trigger',
        dedup_key: 'high-priority:abc',
        payload: {
          summary: 'Root login',
          source: 'dispatch',
          severity: 'critical',
          custom_details: { body: 'from 198.51.100.23' },
        },
        links: [{ href: 'https://runbooks.example.com/root', text: 'Runbook' }],
        client: 'Dispatch',
      })
      .reply(202, { status: 'success', message: 'Event processed', dedup_key: 'high-priority:abc' });
    // Act
    const result = await events().trigger(page);
    // Assess
    expect(result).toMatchObject({ dedupKey: 'high-priority:abc' });
    expect(scope.isDone()).toBe(true);
  });

  it('uses the configured events URL (EU region)', async () => {
    // Prepare
    const scope = nock('https://events.eu.pagerduty.com')
      .post('/v2/enqueue')
      .reply(202, { status: 'success' });
    // Act
    await events('R0', 'https://events.eu.pagerduty.com').trigger(page);
    // Assess
    expect(scope.isDone()).toBe(true);
  });

  it('picks the routing key of the requested service from a key map', async () => {
    // Prepare
    const scope = nock('https://events.pagerduty.com')
      .post('/v2/enqueue', (b) => b.routing_key === 'R1SECURITY')
      .reply(202, {});
    // Act
    await events('{"default":"R0","PSEC":"R1SECURITY"}').trigger({ ...page, service: 'PSEC' });
    // Assess
    expect(scope.isDone()).toBe(true);
  });

  it('pages the default service, and says so, when the requested one has no routing key', async () => {
    // Prepare
    nock('https://events.pagerduty.com')
      .post(
        '/v2/enqueue',
        (b) => b.routing_key === 'R0' && /PUNKNOWN/.test(b.payload.custom_details.dispatchNote),
      )
      .reply(202, {});
    // Act
    const result = await events('{"default":"R0"}').trigger({ ...page, service: 'PUNKNOWN' });
    // Assess
    expect(result.note).toMatch(/PUNKNOWN has no routing key/);
  });

  it('does not retry an invalid event (400)', async () => {
    // Prepare
    const scope = nock('https://events.pagerduty.com')
      .post('/v2/enqueue')
      .reply(400, { status: 'invalid event', errors: ['routing_key invalid'] });
    // Act / Assess
    await expect(events().trigger(page)).rejects.toMatchObject({
      retryable: false,
      status: 400,
      message: expect.stringContaining('routing_key invalid'),
    });
    expect(scope.isDone()).toBe(true);
  });

  it('retries 429 and 5xx', async () => {
    // Prepare
    nock('https://events.pagerduty.com').post('/v2/enqueue').reply(429, 'slow down');
    nock('https://events.pagerduty.com').post('/v2/enqueue').reply(500, 'oops');
    nock('https://events.pagerduty.com')
      .post('/v2/enqueue')
      .reply(202, { status: 'success', dedup_key: 'high-priority:abc' });
    // Act / Assess
    expect((await events().trigger(page)).dedupKey).toBe('high-priority:abc');
  });

  it('accepts a 202 whose body is not JSON', async () => {
    // Prepare
    nock('https://events.pagerduty.com').post('/v2/enqueue').reply(202, 'accepted');
    // Act / Assess
    expect((await events().trigger(page)).dedupKey).toBe('high-priority:abc');
  });

  it('fails retryably on a connection reset that persists', async () => {
    // Prepare
    nock('https://events.pagerduty.com')
      .post('/v2/enqueue')
      .times(3)
      .replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    // Act / Assess
    await expect(events().trigger(page)).rejects.toMatchObject({ retryable: true, vendor: 'pagerduty' });
  });
});

describe('RestPager (REST incidents API)', () => {
  const rest = () =>
    new RestPager({
      apiToken: async () => 'pd-api-token',
      from: 'oncall@example.com',
      defaultServiceId: 'PDEFAULT',
      timeoutMs: 300,
      clock: recordingClock(),
    });

  it('creates an incident on the requested service with the From header and incident key', async () => {
    // Prepare
    const scope = nock('https://api.pagerduty.com', {
      reqheaders: { authorization: 'Token token=pd-api-token', from: 'oncall@example.com' },
    })
      .post(
        '/incidents',
        (b) =>
          b.incident.title === 'Root login' &&
          b.incident.service.id === 'PSEC' &&
          b.incident.incident_key === 'high-priority:abc' &&
          b.incident.urgency === 'high',
      )
      .reply(201, {
        incident: { html_url: 'https://acme.pagerduty.com/incidents/Q1', incident_key: 'high-priority:abc' },
      });
    // Act
    const result = await rest().trigger({ ...page, service: 'PSEC' });
    // Assess
    expect(result).toEqual({
      dedupKey: 'high-priority:abc',
      deduplicated: false,
      incidentUrl: 'https://acme.pagerduty.com/incidents/Q1',
    });
    expect(scope.isDone()).toBe(true);
  });

  it('treats "open incident with matching dedup key" as already paged, not as a failure', async () => {
    // Prepare
    nock('https://api.pagerduty.com')
      .post('/incidents', (b) => b.incident.service.id === 'PDEFAULT')
      .reply(400, {
        error: {
          message: 'Invalid Input Provided',
          code: 2001,
          errors: ['Open incident with matching dedup key already exists on this service'],
        },
      });
    // Act
    const result = await rest().trigger(page);
    // Assess
    expect(result).toEqual({ dedupKey: 'high-priority:abc', deduplicated: true });
  });

  it('does not retry a rejected token', async () => {
    // Prepare
    nock('https://api.pagerduty.com')
      .post('/incidents')
      .reply(401, { error: { message: 'Unauthorized' } });
    // Act / Assess
    await expect(rest().trigger(page)).rejects.toMatchObject({ retryable: false, status: 401 });
  });
});

describe('EventsPager: the PagerDuty service an alarm names (issue 13)', () => {
  const TOKEN = 'u+pdReadOnlyToken1';
  const SERVICE_KEY = 'R1PABC123INTEGRATIONKEY000000000';
  const withApi = (
    options: { routingKey?: string; token?: string; clock?: ReturnType<typeof recordingClock> } = {},
  ) =>
    new EventsPager({
      routingKey: async () => options.routingKey ?? 'R0DEFAULT',
      apiToken: async () => ('token' in options ? options.token : TOKEN),
      timeoutMs: 300,
      clock: options.clock ?? recordingClock(),
    });
  const service = (integrations: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
    service: { id: 'PABC123', type: 'service', name: 'Identity', status: 'active', integrations, ...extra },
  });
  const V2 = {
    id: 'PINT001',
    type: 'events_api_v2_inbound_integration',
    name: 'Dispatch',
    integration_key: SERVICE_KEY,
  };
  const EMAIL = {
    id: 'PINT002',
    type: 'generic_email_inbound_integration',
    integration_email: 'identity@acme.pagerduty.com',
  };
  /** GET /services/PABC123?include[]=integrations, as the REST API v2 wants it. */
  const lookup = () =>
    nock('https://api.pagerduty.com', {
      reqheaders: {
        authorization: `Token token=${TOKEN}`,
        accept: 'application/vnd.pagerduty+json;version=2',
      },
    })
      .get('/services/PABC123')
      .query({ 'include[]': 'integrations' });
  const enqueue = (routingKey: string) =>
    nock('https://events.pagerduty.com')
      .post('/v2/enqueue', (b) => b.routing_key === routingKey)
      .reply(202, { status: 'success' });
  const secretFree = (text: string | undefined) => {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(SERVICE_KEY);
  };

  it('resolves the service to its Events API v2 integration key and pages with it', async () => {
    // Prepare
    const rest = lookup().reply(200, service([EMAIL, V2]));
    const event = enqueue(SERVICE_KEY);
    // Act
    const result = await withApi().trigger({ ...page, service: 'PABC123' });
    // Assess
    expect(rest.isDone() && event.isDone()).toBe(true);
    expect(result.note).toBeUndefined();
  });

  it('asks once per service: the next alarm pages with the cached key, until the key is an hour old', async () => {
    // Prepare
    const clock = recordingClock();
    const pager = withApi({ clock });
    lookup()
      .once()
      .reply(200, service([V2]));
    enqueue(SERVICE_KEY);
    await pager.trigger({ ...page, service: 'PABC123' });
    const second = enqueue(SERVICE_KEY);
    // Act: a second alarm, no REST call (nock would refuse one)
    await pager.trigger({ ...page, service: 'PABC123' });
    // Assess
    expect(second.isDone()).toBe(true);
    // Act: an hour later the key is asked for again
    clock.now = () => Date.parse('2026-11-23T10:00:01Z');
    const again = lookup().reply(200, service([V2]));
    enqueue(SERVICE_KEY);
    await pager.trigger({ ...page, service: 'PABC123' });
    // Assess
    expect(again.isDone()).toBe(true);
  });

  it('uses the routing-key map for a service it names, and the REST API for the others', async () => {
    // Prepare: nock refuses a lookup of PABC123; PSEC is not in the map
    const pager = withApi({ routingKey: '{"default":"R0","PABC123":"R1FROMTHEMAP"}' });
    const mapped = enqueue('R1FROMTHEMAP');
    const rest = nock('https://api.pagerduty.com')
      .get('/services/PSEC')
      .query({ 'include[]': 'integrations' })
      .reply(200, service([{ ...V2, integration_key: 'R2SECURITY' }], { id: 'PSEC' }));
    const resolved = enqueue('R2SECURITY');
    // Act
    const fromMap = await pager.trigger({ ...page, service: 'PABC123' });
    const fromApi = await pager.trigger({ ...page, service: 'PSEC' });
    // Assess
    expect(mapped.isDone() && rest.isDone() && resolved.isDone()).toBe(true);
    expect([fromMap.note, fromApi.note]).toEqual([undefined, undefined]);
  });

  it('without an API token pages the default service, naming the service asked for and how to map it', async () => {
    // Prepare
    const event = nock('https://events.pagerduty.com')
      .post(
        '/v2/enqueue',
        (b) =>
          b.routing_key === 'R0DEFAULT' &&
          b.payload.custom_details.dispatchRequestedService === 'PABC123' &&
          /PABC123/.test(b.payload.custom_details.dispatchNote),
      )
      .reply(202, {});
    // Act
    const result = await withApi({ token: undefined }).trigger({ ...page, service: 'PABC123' });
    // Assess
    expect(event.isDone()).toBe(true);
    expect(result.note).toMatch(/service PABC123 has no routing key.*paged the default service/);
    expect(result.note).toMatch(/pagerduty\/api-token/);
  });

  it('pages the default service, with a note, when the service has no Events API v2 integration', async () => {
    // Prepare
    lookup().reply(200, service([EMAIL]));
    const event = enqueue('R0DEFAULT');
    // Act
    const result = await withApi().trigger({ ...page, service: 'PABC123' });
    // Assess
    expect(event.isDone()).toBe(true);
    expect(result.note).toMatch(/PABC123 has no Events API v2 integration.*paged the default service/);
  });

  it('pages the default service, with a note, when the service does not exist (404): asked once, not retried', async () => {
    // Prepare
    const clock = recordingClock();
    const pager = withApi({ clock });
    const rest = lookup()
      .once()
      .reply(404, { error: { message: 'Not Found', code: 2100 } });
    enqueue('R0DEFAULT');
    enqueue('R0DEFAULT');
    // Act
    const first = await pager.trigger({ ...page, service: 'PABC123' });
    const second = await pager.trigger({ ...page, service: 'PABC123' });
    // Assess: one request, no backoff, and the miss remembered for the next alarm
    expect(rest.isDone()).toBe(true);
    expect(clock.sleeps).toEqual([]);
    expect(first.note).toMatch(/PABC123 was not found in PagerDuty \(HTTP 404\).*paged the default service/);
    expect(second.note).toBe(first.note);
  });

  it('retries a REST 5xx as the adapter does, then pages the default service with a note rather than not at all', async () => {
    // Prepare
    const clock = recordingClock();
    const rest = lookup()
      .times(3)
      .reply(503, { error: { message: 'unavailable' } });
    const event = enqueue('R0DEFAULT');
    // Act
    const result = await withApi({ clock }).trigger({ ...page, service: 'PABC123' });
    // Assess
    expect(rest.isDone() && event.isDone()).toBe(true);
    expect(clock.sleeps).toHaveLength(2);
    expect(result.note).toMatch(/PABC123 could not be looked up \(HTTP 503.*paged the default service/);
  });

  it('keeps using a known key when refreshing it fails', async () => {
    // Prepare
    const clock = recordingClock();
    const pager = withApi({ clock });
    lookup().reply(200, service([V2]));
    enqueue(SERVICE_KEY);
    await pager.trigger({ ...page, service: 'PABC123' });
    clock.now = () => Date.parse('2026-11-23T10:00:01Z');
    lookup().times(3).reply(500, 'oops');
    const event = enqueue(SERVICE_KEY);
    // Act
    const result = await pager.trigger({ ...page, service: 'PABC123' });
    // Assess
    expect(event.isDone()).toBe(true);
    expect(result.note).toBeUndefined();
  });

  it('does not look up what is not a service ID', async () => {
    // Prepare
    const event = enqueue('R0DEFAULT');
    // Act
    const result = await withApi().trigger({ ...page, service: '../incidents' });
    // Assess
    expect(event.isDone()).toBe(true);
    expect(result.note).toMatch(/is not a PagerDuty service ID/);
  });

  it('asks the REST API at DISPATCH_PAGERDUTY_API_URL', async () => {
    // Prepare
    const rest = nock('https://api.eu.pagerduty.com')
      .get('/services/PABC123')
      .query(true)
      .reply(200, service([V2]));
    const event = enqueue(SERVICE_KEY);
    const pager = new EventsPager({
      routingKey: async () => 'R0DEFAULT',
      apiToken: async () => TOKEN,
      apiUrl: 'https://api.eu.pagerduty.com/',
      timeoutMs: 300,
      clock: recordingClock(),
    });
    // Act
    await pager.trigger({ ...page, service: 'PABC123' });
    // Assess
    expect(rest.isDone() && event.isDone()).toBe(true);
  });

  it('never puts the token or an integration key in a note', async () => {
    // Prepare: PagerDuty refuses the token, then a service answers with a key but is disabled
    lookup().reply(401, { error: { message: `Token token=${TOKEN} is invalid` } });
    enqueue('R0DEFAULT');
    const refused = await withApi().trigger({ ...page, service: 'PABC123' });
    lookup().reply(200, service([V2], { status: 'disabled' }));
    enqueue('R0DEFAULT');
    // Act
    const disabled = await withApi().trigger({ ...page, service: 'PABC123' });
    // Assess
    expect(refused.note).toMatch(/PagerDuty refused the API token \(HTTP 401\)/);
    expect(disabled.note).toMatch(/PABC123 is disabled/);
    secretFree(refused.note);
    secretFree(disabled.note);
  });
});

describe('EventsPager against the local fake PagerDuty (issue 13)', () => {
  it('resolves the service through GET /services/{id} and opens the incident on it', async () => {
    // Prepare
    const { startFakePagerDuty } = await import('../../bin/local/fake-pagerduty.ts');
    const fake = await startFakePagerDuty();
    try {
      const pager = new EventsPager({
        routingKey: async () => 'R0SANDBOX',
        apiToken: async () => 'pd-sandbox',
        apiUrl: fake.url,
        eventsUrl: fake.url,
        timeoutMs: 1_000,
        clock: recordingClock(),
      });
      // Act
      const withService = await pager.trigger({ ...page, service: 'PABC123' });
      const without = await pager.trigger({ ...page, dedupKey: 'high-priority:def' });
      // Assess
      expect(fake.incidents.map((i) => i.service)).toEqual(['PABC123', 'R0SANDBOX']);
      expect([withService.note, without.note]).toEqual([undefined, undefined]);
    } finally {
      await fake.close();
    }
  });
});

describe('resolving at the source (issue 15)', () => {
  it('Events API v2: sends resolve with the same dedup key through the service’s routing key', async () => {
    // Prepare
    const scope = nock('https://events.pagerduty.com')
      .post('/v2/enqueue', {
        routing_key: 'R1SECURITY',
        event_action: 'resolve',
        dedup_key: 'high-priority:abc',
      })
      .reply(202, { status: 'success' });
    // Act
    await events('{"default":"R0DEFAULT","PSEC":"R1SECURITY"}').resolve({
      dedupKey: 'high-priority:abc',
      service: 'PSEC',
    });
    // Assess
    expect(scope.isDone()).toBe(true);
  });

  it('REST: resolves each open incident with that incident key, as the configured user', async () => {
    // Prepare
    const rest = new RestPager({
      apiToken: async () => 'u+token',
      from: 'oncall@example.com',
      defaultServiceId: 'PDEFAULT',
      timeoutMs: 300,
      clock: recordingClock(),
    });
    const scope = nock('https://api.pagerduty.com', { reqheaders: { from: 'oncall@example.com' } })
      .get('/incidents')
      .query({ incident_key: 'high-priority:abc', 'statuses[]': ['triggered', 'acknowledged'] })
      .reply(200, { incidents: [{ id: 'Q1ABC' }] })
      .put('/incidents/Q1ABC', { incident: { type: 'incident_reference', status: 'resolved' } })
      .reply(200, { incident: { id: 'Q1ABC', status: 'resolved' } });
    // Act
    await rest.resolve({ dedupKey: 'high-priority:abc' });
    // Assess
    expect(scope.isDone()).toBe(true);
  });

  it('REST: nothing open under that key is not an error', async () => {
    // Prepare
    const rest = new RestPager({
      apiToken: async () => 'u+token',
      from: 'oncall@example.com',
      defaultServiceId: 'PDEFAULT',
      timeoutMs: 300,
      clock: recordingClock(),
    });
    const scope = nock('https://api.pagerduty.com')
      .get('/incidents')
      .query(true)
      .reply(200, { incidents: [] });
    // Act / Assess
    await expect(rest.resolve({ dedupKey: 'k' })).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });
});
