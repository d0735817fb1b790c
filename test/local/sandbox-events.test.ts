/**
 * The local runner's events (issue 15): answers published to the built-in bus shown on the sandbox page, or with the
 * real EventBridge client to AWS_ENDPOINT_URL_EVENTBRIDGE.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox.ts';
import type { DispatchEvent } from '../../lambdas/core/ports.ts';
import { originalExamples } from '../fixtures/alarms/original-readme.ts';
import { hasChromium, launchChromium } from '../helpers/chromium.ts';

interface PutEventsRequest {
  headers: IncomingHttpHeaders;
  body: { Entries: { Source: string; DetailType: string; Detail: string; EventBusName?: string }[] };
}

/** EventBridge's PutEvents on 127.0.0.1 (JSON 1.1 protocol), answering each request with `answer`. */
async function fakePutEvents(
  answer: () => object = () => ({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] }),
) {
  const requests: PutEventsRequest[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      if (req.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'UnknownOperationException' }));
        return;
      }
      requests.push({ headers: req.headers, body: JSON.parse(raw) as PutEventsRequest['body'] });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(answer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function sandboxWith(source: Record<string, string>): Promise<Sandbox> {
  const sandbox = await startSandbox({ port: 0, source });
  open.push(() => sandbox.close());
  return sandbox;
}

/** Sends the original self-service example and answers its DM through the page's signed click. */
async function answer(sandbox: Sandbox, which: 'yes' | 'no'): Promise<string> {
  const routed = (await (
    await fetch(`${sandbox.url}/alarms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: originalExamples['self-service'],
    })
  ).json()) as { deliveries: { key: string; dms: { channel: string; ts: string }[] }[] };
  const delivery = routed.deliveries[0]!;
  const click = await fetch(`${sandbox.url}/sandbox/click`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-dispatch-sandbox-token': sandbox.token },
    body: JSON.stringify({
      action_id: `dispatch_${which}`,
      value: delivery.key,
      channel: delivery.dms[0]!.channel,
      ts: delivery.dms[0]!.ts,
      user: 'U024BE7LH',
    }),
  });
  expect(click.status).toBe(200);
  await sandbox.jobs.idle();
  return delivery.key;
}

const state = async (sandbox: Sandbox) =>
  (await (
    await fetch(`${sandbox.url}/sandbox/state`, { headers: { 'x-dispatch-sandbox-token': sandbox.token } })
  ).json()) as {
    events?: DispatchEvent[];
    eventsEndpoint?: string;
    deadLetters: { error: string }[];
  };

describe('the built-in bus', () => {
  it('receives "Prompt Answered" when a DM is answered, and the page state shows it', async () => {
    // Prepare
    const sandbox = await sandboxWith({});
    // Act
    const key = await answer(sandbox, 'yes');
    const shown = await state(sandbox);
    // Assess
    expect(shown.eventsEndpoint).toBeUndefined();
    expect(shown.events!.map((e) => e.detailType)).toEqual(['Prompt Answered']);
    expect(shown.events![0]!.detail).toMatchObject({
      alarmKey: key,
      alarmType: 'self-service',
      answer: 'yes',
      answeredBy: 'U024BE7LH',
      eventId: expect.any(String),
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(await (await fetch(`${sandbox.url}/`)).text()).toContain('<h2>EventBridge events</h2>');
  });

  it('is emptied by Reset', async () => {
    // Prepare
    const sandbox = await sandboxWith({});
    await answer(sandbox, 'yes');
    // Act
    await sandbox.reset();
    // Assess
    expect((await state(sandbox)).events).toEqual([]);
  });
});

describe.skipIf(!hasChromium)('the sandbox page in Chromium', () => {
  it('lists each published event: detail-type, alarm key, answer, time', async () => {
    // Prepare
    const sandbox = await sandboxWith({});
    const browser = await launchChromium();
    open.push(() => browser.close());
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${sandbox.url}/`);
    await page.getByTestId('events').getByText('No events yet').waitFor();
    // Act
    const key = await answer(sandbox, 'no');
    // Assess
    const escalated = page.locator('[data-testid="bus-event"][data-detail-type="Alarm Escalated"]');
    await escalated.waitFor();
    expect(await escalated.innerText()).toMatch(
      new RegExp(`^Alarm Escalated ${key} · answered no · \\d\\d:\\d\\d`),
    );
    expect(await page.getByTestId('bus-event').count()).toBe(2);
    expect(errors).toEqual([]);
  }, 30_000);
});

describe('AWS_ENDPOINT_URL_EVENTBRIDGE', () => {
  it('sends the events with the real EventBridge client to that endpoint, on DISPATCH_EVENT_BUS', async () => {
    // Prepare
    const eventbridge = await fakePutEvents();
    open.push(eventbridge.close);
    const sandbox = await sandboxWith({
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventbridge.url,
      DISPATCH_EVENT_BUS: 'sandbox-bus',
    });
    // Act
    const key = await answer(sandbox, 'no');
    // Assess
    const entries = eventbridge.requests.flatMap((r) => r.body.Entries);
    expect(entries.map((e) => e.DetailType).sort()).toEqual(['Alarm Escalated', 'Prompt Answered']);
    for (const entry of entries) {
      expect(entry).toMatchObject({ Source: 'dispatch', EventBusName: 'sandbox-bus' });
      expect(JSON.parse(entry.Detail)).toMatchObject({
        alarmKey: key,
        answer: 'no',
        answeredBy: 'U024BE7LH',
      });
    }
    const escalated = JSON.parse(entries.find((e) => e.DetailType === 'Alarm Escalated')!.Detail);
    expect(escalated.pagerDutyDedupKey).toBe(key);
    expect(eventbridge.requests[0]!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 .*\/events\/aws4_request/,
    );
    const shown = await state(sandbox);
    expect([shown.events, shown.eventsEndpoint]).toEqual([undefined, eventbridge.url]);
    expect(sandbox.events).toBeUndefined();
  });

  it('treats an entry the endpoint refused as a failed answer, retried then dead-lettered with the reason', async () => {
    // Prepare
    const eventbridge = await fakePutEvents(() => ({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized' }],
    }));
    open.push(eventbridge.close);
    const sandbox = await sandboxWith({ AWS_ENDPOINT_URL_EVENTBRIDGE: eventbridge.url });
    // Act
    await answer(sandbox, 'yes');
    // Assess
    expect(eventbridge.requests.length).toBeGreaterThan(0);
    expect((await state(sandbox)).deadLetters.map((d) => d.error)).toEqual([
      expect.stringMatching(
        /eventbridge: PutEvents refused "Prompt Answered" .*NotAuthorizedForSourceException/,
      ),
    ]);
  });

  it('names a malformed endpoint', async () => {
    await expect(
      startSandbox({ port: 0, source: { AWS_ENDPOINT_URL_EVENTBRIDGE: 'events.local' } }),
    ).rejects.toThrow(/AWS_ENDPOINT_URL_EVENTBRIDGE must be an http\(s\) URL/);
  });
});
