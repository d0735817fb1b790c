/**
 * Issue 17: the sandbox says what happened to each alarm in words (the page's timeline, POST /alarms' summary, the
 * answer to a click), and its Reset empties the fakes and the ledger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmActivity, ActivityCounts } from '../../bin/local/activity.ts';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox.ts';
import { TOKEN_HEADER } from '../../bin/local/sandbox-guard.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, source: {} });
});
afterAll(async () => {
  await sandbox.close();
});

const page = (path: string, init: RequestInit = {}) =>
  fetch(`${sandbox.url}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: sandbox.token, ...init.headers },
  });

interface Routed {
  summary: string[];
  deliveries: { key: string; dms: { channel: string; ts: string }[] }[];
}

async function example(name: string): Promise<Routed> {
  const res = await page(`/sandbox/examples/${name}`, { method: 'POST' });
  expect(res.status).toBe(200);
  return (await res.json()) as Routed;
}

async function click(routed: Routed, action: 'dispatch_yes' | 'dispatch_no') {
  const { key, dms } = routed.deliveries[0]!;
  const res = await page('/sandbox/click', {
    method: 'POST',
    body: JSON.stringify({
      action_id: action,
      value: key,
      channel: dms[0]!.channel,
      ts: dms[0]!.ts,
      user: 'U024BE7LH',
    }),
  });
  const body = (await res.json()) as { text: string };
  await sandbox.jobs.idle();
  return body.text;
}

async function state() {
  const res = await page('/sandbox/state');
  return (await res.json()) as {
    activity: { counts: ActivityCounts; alarms: AlarmActivity[] };
    github: { issues: unknown[] };
    slack: { messages: unknown[] };
  };
}

const timeline = (alarms: AlarmActivity[], title: string) =>
  alarms.find((a) => a.title === title)!.events.map((e) => e.text);

describe('what happened, in words', () => {
  it('tells a first alarm, its repeat, a "yes" and a second click, and counts them', async () => {
    // Act
    const first = await example('self-service');
    const again = await example('self-service');
    const yes = await click(first, 'dispatch_yes');
    const late = await click(first, 'dispatch_no');
    const { activity } = await state();
    // Assess
    expect(first.summary).toEqual(['issue #1 opened in acme/security-alarms', 'DM sent to U024BE7LH']);
    expect(again.summary).toEqual([
      'suppressed as a repeat of #1 (issue #1 for this alarm is still open, seen 2 times)',
    ]);
    expect(yes).toMatch(/^You answered “yes” as Slack user U024BE7LH\./);
    expect(yes).not.toContain('{"status"');
    expect(late).toMatch(/^Dispatch did not take this click: This prompt was already answered "yes"/);
    expect(timeline(activity.alarms, 'Two-factor authentication turned off for alice')).toEqual([
      'received (example self-service.json)',
      'issue #1 opened in acme/security-alarms',
      'DM sent to U024BE7LH',
      'received (example self-service.json)',
      'suppressed as a repeat of #1 (issue #1 for this alarm is still open, seen 2 times)',
      'answered “yes” by Slack user U024BE7LH',
      'issue #1 closed with a comment saying who answered, when and what',
      'the DM shows the answer instead of the buttons',
      expect.stringMatching(
        /^a click on “no” by U024BE7LH changed nothing: This prompt was already answered "yes"/,
      ),
    ]);
    expect(activity.counts).toMatchObject({ alarms: 2, issues: 1, dms: 1, suppressed: 1, yes: 1, no: 0 });
  });

  it('tells a rejected alarm with every problem', async () => {
    // Act
    const res = await page('/alarms', { method: 'POST', body: '{"type":"nag"}' });
    const body = (await res.json()) as Routed;
    // Assess
    expect(res.status).toBe(400);
    expect(body.summary).toEqual(['rejected, nothing sent: body: required for nag']);
  });
});

describe('Reset', () => {
  it('is refused without the page token', async () => {
    const res = await fetch(`${sandbox.url}/sandbox/reset`, { method: 'POST' });
    expect(res.status).toBe(403);
  });

  it('empties the fakes, the ledger and the timeline', async () => {
    // Prepare
    await example('nag');
    // Act
    const res = await page('/sandbox/reset', { method: 'POST' });
    const after = await state();
    const again = await example('nag');
    // Assess: the same alarm is new again (the ledger forgot it), and its issue is #1 again.
    expect(res.status).toBe(200);
    expect(after.activity.alarms).toEqual([]);
    expect(after.activity.counts.alarms).toBe(0);
    expect(after.github.issues).toEqual([]);
    expect(after.slack.messages).toEqual([]);
    expect(again.summary).toEqual(['issue #1 opened in acme/alarms', 'DM sent to U0G9QF9C6']);
  });
});

describe('the page’s Markdown renderer', () => {
  it('is served from node_modules as JavaScript, and nothing else is', async () => {
    // Act
    const marked = await fetch(`${sandbox.url}/assets/marked.js`);
    const purify = await fetch(`${sandbox.url}/assets/purify.js`);
    const other = await fetch(`${sandbox.url}/assets/..%2fpackage.json`);
    // Assess
    expect(marked.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await marked.text()).toContain('marked');
    expect(await purify.text()).toContain('DOMPurify');
    expect(other.status).toBe(404);
  });
});
