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
