/** The local runner's HTTP surface, with its built-in fakes and with a "real" (self-hosted) GitHub. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../bin/local/fake-github.ts';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox.ts';
import { originalExamples } from '../fixtures/alarms/original-readme.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, source: {} });
});

const json = { 'content-type': 'application/json' };
afterAll(async () => {
  await sandbox.close();
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('POST /alarms', () => {
  it.each(Object.entries(originalExamples))(
    'delivers the original %s example and says what was done',
    async (type, raw) => {
      // Act
      const res = await post('/alarms', raw);
      const body = (await res.json()) as { type: string; deliveries: unknown[]; messageId: string };
      // Assess
      expect(res.status).toBe(200);
      expect(body.type).toBe(type);
      expect(body.deliveries.length).toBeGreaterThan(0);
      expect(body.messageId).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('answers 400 with every validation error', async () => {
    // Act
    const res = await post('/alarms', '{"type":"broadcast","body":{}}');
    const body = (await res.json()) as { issues: { path: string }[] };
    // Assess
    expect(res.status).toBe(400);
    expect(body.issues.map((i) => i.path)).toEqual(['users', 'body.github', 'body.slack']);
  });

  it('reaches the fakes through the real clients', async () => {
    // Prepare
    const before = sandbox.pagerduty!.incidents.length;
    // Act
    await post(
      '/alarms',
      JSON.stringify({ type: 'high-priority', body: { pagerduty: { title: `disk full ${Date.now()}` } } }),
    );
    // Assess
    expect(sandbox.pagerduty!.incidents.length).toBe(before + 1);
    expect(sandbox.pagerduty!.counts.get('POST /v2/enqueue')).toBeGreaterThan(0);
  });
});

describe('POST /slack/interactions', () => {
  it('refuses an unsigned request with 401 and an empty body', async () => {
    // Act
    const res = await post('/slack/interactions', 'payload=%7B%7D', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    // Assess
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('');
  });

  it('closes the issue when the page clicks "yes" through a signed request', async () => {
    // Prepare
    const alarm = JSON.parse(originalExamples['self-service']!);
    alarm.body.github.title = 'yes path';
    const routed = (await (await post('/alarms', JSON.stringify(alarm))).json()) as {
      deliveries: { key: string; dms: { channel: string; ts: string }[]; issue: { number: number } }[];
    };
    const delivery = routed.deliveries[0]!;
    // Act
    const res = await post(
      '/sandbox/click',
      JSON.stringify({
        action_id: 'dispatch_yes',
        value: delivery.key,
        channel: delivery.dms[0]!.channel,
        ts: delivery.dms[0]!.ts,
        user: 'U024BE7LH',
      }),
      { 'x-dispatch-sandbox-token': sandbox.token },
    );
    await sandbox.jobs.idle();
    // Assess
    expect(res.status).toBe(200);
    const issue = sandbox.github!.issues.find((i) => i.title === 'yes path')!;
    expect(issue.state).toBe('closed');
    expect(issue.comments[0]!.body).toMatch(
      /Answered \*\*yes\*\* \(`testYesAction`\) by Slack user `U024BE7LH`/,
    );
  });
});

describe('GET /', () => {
  it('serves the sandbox page', async () => {
    const res = await fetch(`${sandbox.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Dispatch sandbox</title>');
  });
});

describe('a self-hosted PagerDuty given by its URL alone', () => {
  it('pages the service at DISPATCH_PAGERDUTY_EVENTS_URL', async () => {
    // Prepare
    const { startFakePagerDuty } = await import('../../bin/local/fake-pagerduty.ts');
    const external = await startFakePagerDuty();
    const runner = await startSandbox({ port: 0, source: { DISPATCH_PAGERDUTY_EVENTS_URL: external.url } });
    try {
      // Act
      const res = await fetch(`${runner.url}/alarms`, {
        method: 'POST',
        headers: json,
        body: originalExamples['high-priority']!,
      });
      // Assess
      expect(res.status).toBe(200);
      expect(runner.modes.pagerduty).toBe('real');
      expect(external.incidents.map((i) => i.title)).toEqual(['testAlert']);
    } finally {
      await runner.close();
      await external.close();
    }
  });
});

describe('real services', () => {
  let ghe: FakeGitHub;
  let real: Sandbox;
  beforeAll(async () => {
    ghe = await startFakeGitHub();
    real = await startSandbox({
      port: 0,
      source: {
        DISPATCH_GITHUB_TOKEN: 'ghp_enterprise',
        DISPATCH_GITHUB_API_URL: ghe.url,
        DISPATCH_GITHUB_OWNER: 'platform',
        DISPATCH_GITHUB_DEFAULT_REPO: 'alarms',
      },
    });
  });
  afterAll(async () => {
    await real.close();
    await ghe.close();
  });

  it('uses the GitHub at DISPATCH_GITHUB_API_URL with DISPATCH_GITHUB_TOKEN, keeping the other fakes', async () => {
    // Act
    const res = await fetch(`${real.url}/alarms`, {
      method: 'POST',
      headers: json,
      body: originalExamples['low-priority']!,
    });
    // Assess
    expect(res.status).toBe(200);
    expect(real.modes).toEqual({ slack: 'fake', github: 'real', pagerduty: 'fake' });
    expect(real.github).toBeUndefined();
    expect(ghe.issues.map((i) => `${i.owner}/${i.repo}`)).toEqual(['platform/alarms']);
  });
});
