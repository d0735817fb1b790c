/**
 * Issue 12, attack 1, in a real browser: a page on another origin tries to send an alarm whose Slack ID is markup,
 * read the sandbox's state and answer its prompts; and the sandbox page shows a hostile alarm as text.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox.ts';
import { hasChromium, launchChromium } from '../helpers/chromium.ts';

const PAYLOAD = '<img src=x onerror="window.__pwned=1">';
const TITLE = '<b id="injected">bold?</b> & "quoted"';

const hostileAlarm = (title: string) => ({
  type: 'self-service',
  users: [{ slackId: PAYLOAD, github: 'mallory' }],
  body: {
    github: { title, body: 'body' },
    slack: { message: PAYLOAD, prompt: 'was it you?', actions: { yes: 'yes', no: 'no' } },
  },
});

/** The attacker's page: a simple (no preflight) alarm, then reads and clicks, each recorded in window.results. */
function attackerPage(target: string, click: Record<string, string>): string {
  return `<!doctype html><html><body><script>
window.results = {};
(async () => {
  const attempt = async (name, fn) => { try { results[name] = await fn(); } catch (e) { results[name] = 'failed: ' + e; } };
  await attempt('alarm', async () => (await fetch(${JSON.stringify(`${target}/alarms`)}, {
    method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' },
    body: ${JSON.stringify(JSON.stringify(hostileAlarm('sent by the attacker')))},
  })).type);
  await attempt('state', async () => (await fetch(${JSON.stringify(`${target}/sandbox/state`)})).text());
  await attempt('click', async () => (await fetch(${JSON.stringify(`${target}/sandbox/click`)}, {
    method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' },
    body: ${JSON.stringify(JSON.stringify(click))},
  })).type);
  window.done = true;
})();
</script></body></html>`;
}

describe.skipIf(!hasChromium)('issue 12 in Chromium', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let attacker: Server | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, source: {} });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    attacker?.closeAllConnections();
    await new Promise((resolve) => (attacker ? attacker.close(resolve) : resolve(undefined)));
    await sandbox?.close();
  });

  it('a page on another origin cannot send alarms, read the state or answer a prompt', async () => {
    // Prepare: the operator sent a self-service alarm; its prompt is open.
    const routed = (await (
      await fetch(`${sandbox.url}/alarms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'self-service',
          users: [{ slackId: 'U024BE7LH' }],
          body: {
            github: { title: 'open prompt', body: 'b' },
            slack: { message: 'm', prompt: 'p', actions: { yes: 'y', no: 'n' } },
          },
        }),
      })
    ).json()) as { deliveries: { key: string; dms: { channel: string; ts: string }[] }[] };
    const dm = routed.deliveries[0]!.dms[0]!;
    const before = {
      messages: sandbox.slack!.messages.length,
      issues: JSON.stringify(sandbox.github!.issues),
      incidents: sandbox.pagerduty!.incidents.length,
    };
    // The attacker guessed the DM exactly (channel and ts are predictable).
    const click = {
      action_id: 'dispatch_yes',
      value: routed.deliveries[0]!.key,
      channel: dm.channel,
      ts: dm.ts,
      user: 'U024BE7LH',
    };
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(attackerPage(sandbox.url, click));
    });
    await new Promise<void>((resolve) => attacker!.listen(0, '127.0.0.1', resolve));
    const attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}/`;
    const page = await browser.newPage();
    // Act
    await page.goto(attackerUrl);
    await page.waitForFunction(() => (globalThis as unknown as { done?: boolean }).done, undefined, {
      timeout: 10_000,
    });
    const results = await page.evaluate(
      () => (globalThis as unknown as { results: Record<string, string> }).results,
    );
    await sandbox.jobs.idle();
    // Assess
    expect(results.state).toMatch(/^failed/);
    expect(sandbox.slack!.messages.length).toBe(before.messages);
    expect(JSON.stringify(sandbox.github!.issues)).toBe(before.issues);
    expect(sandbox.github!.issues.find((i) => i.title === 'open prompt')!.state).toBe('open');
    expect(sandbox.pagerduty!.incidents.length).toBe(before.incidents);
    expect(sandbox.slack!.notices).toEqual([]);
    await page.close();
  }, 30_000);

  it('shows an alarm whose fields are markup as text, and runs none of it', async () => {
    // Prepare: the same hostile alarm, sent the legitimate way (an operator pasting it into curl).
    const res = await fetch(`${sandbox.url}/alarms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(hostileAlarm(TITLE)),
    });
    expect(res.status).toBe(200);
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/.test(m.text())) violations.push(m.text());
    });
    // Act
    await page.goto(`${sandbox.url}/`);
    const card = page.locator('[data-testid="dm"]', { hasText: 'not a person' }).first();
    await card.waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="issue"]', { hasText: 'bold?' }).waitFor({ timeout: 10_000 });
    // Assess
    expect(
      await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned),
    ).toBeUndefined();
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await card.textContent()).toContain(PAYLOAD);
    expect(await card.getAttribute('data-channel')).toBe(PAYLOAD);
    expect(await page.locator('[data-testid="issue"]', { hasText: 'bold?' }).textContent()).toContain(TITLE);
    expect(violations).toEqual([]);
    await page.close();
  }, 30_000);
});
