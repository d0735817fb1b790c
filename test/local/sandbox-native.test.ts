/**
 * The sandbox sends the native examples (issue 16): POST /sandbox/examples/<name> runs the AWS event through the
 * incoming handler, which translates it, and the answer says what happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  type: string;
  native?: { source: string; alarms: { type: string; status: string; dedupeKey: string }[] };
  deliveries: { key: string }[];
}

async function send(name: string): Promise<Routed> {
  const res = await page(`/sandbox/examples/${name}`, { method: 'POST' });
  expect(res.status).toBe(200);
  return (await res.json()) as Routed;
}

describe('the sandbox and native events', () => {
  it('lists the native examples', async () => {
    // Act
    const names = (await (await page('/sandbox/examples')).json()) as string[];
    // Assess
    expect(names).toEqual(
      expect.arrayContaining([
        'guardduty-finding',
        'security-hub-finding',
        'cloudwatch-alarm-event',
        'cloudwatch-alarm-notification',
        'root-sign-in',
      ]),
    );
  });

  it.each([
    ['guardduty-finding', 'guardduty', 'high-priority', 'guardduty:a6c8e2d94b7f4e0c9a1d3b5f7e9c2a41'],
    [
      'cloudwatch-alarm-event',
      'cloudwatch',
      'high-priority',
      expect.stringMatching(/^cloudwatch:arn:aws:cloudwatch:/),
    ],
    [
      'cloudwatch-alarm-notification',
      'cloudwatch',
      'high-priority',
      expect.stringMatching(/^cloudwatch:arn:/),
    ],
    ['root-sign-in', 'rootSignIn', 'high-priority', 'root-sign-in:123456789012'],
    [
      'security-hub-finding',
      'securityHub',
      'low-priority',
      expect.stringMatching(/^securityhub:arn:aws:securityhub:/),
    ],
  ])('%s is translated and delivered', async (name, source, type, dedupeKey) => {
    // Act
    const routed = await send(name);
    // Assess
    expect(routed.type).toBe(type);
    expect(routed.native).toMatchObject({ source, alarms: [{ type, status: 'firing', dedupeKey }] });
    expect(routed.deliveries).toHaveLength(1);
    expect(routed.summary.join('; ')).toMatch(
      type === 'high-priority' ? /paged|incident/i : /issue #\d+ opened/,
    );
  });

  it('says what happened to a finding dropped by its severity', async () => {
    // Prepare
    const low = JSON.parse(await (await page('/sandbox/examples/guardduty-finding')).text()) as {
      detail: { id: string; severity: number };
    };
    low.detail.id = 'low-finding';
    low.detail.severity = 2;
    // Act
    const res = await page('/alarms', { method: 'POST', body: JSON.stringify(low) });
    const body = (await res.json()) as Routed;
    // Assess
    expect(res.status).toBe(200);
    expect(body.type).toBe('none');
    expect(body.deliveries).toEqual([]);
    expect(body.summary).toEqual([
      'GuardDuty finding low-finding (UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS, severity 2.0, low): dropped, severity 2.0 is low, and sources.guardduty.severity.low is "drop"',
    ]);
  });
});
