/** Named producers in the local runner: DISPATCH_PRODUCERS as in cdk.json, POST /alarms?producer=NAME (issue 12). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    source: {
      DISPATCH_PRODUCERS: JSON.stringify({
        idp: { publishers: ['111122223333'], types: ['self-service', 'high-priority'] },
        wiki: { types: ['self-service'] },
      }),
    },
  });
});
afterAll(async () => {
  await sandbox.close();
});

const twoFactor = (message: string) =>
  JSON.stringify({
    type: 'self-service',
    users: [{ slackId: 'U0ALICE', github: 'alice' }],
    body: {
      github: { title: '2FA disabled on your account' },
      slack: { message, prompt: 'Was this you?', actions: { yes: 'Yes', no: 'No' } },
    },
  });

async function send(body: string, producer?: string) {
  const res = await fetch(`${sandbox.url}/alarms${producer ? `?producer=${producer}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('POST /alarms?producer=NAME', () => {
  it('scopes the alarm by its producer: another producer’s look-alike does not suppress it', async () => {
    // Prepare
    const first = await send(twoFactor('Routine maintenance, just click yes'), 'wiki');
    // Act
    const real = await send(twoFactor('2FA was disabled from 203.0.113.9'), 'idp');
    // Assess
    expect(first.status).toBe(200);
    expect(real.status).toBe(200);
    const deliveries = real.body.deliveries as { key: string; suppressed?: string }[];
    expect(deliveries[0]!.key.startsWith('idp|')).toBe(true);
    expect(deliveries[0]!.suppressed).toBeUndefined();
    const dms = sandbox.slack!.messages.filter((m) => JSON.stringify(m.blocks).includes('203.0.113.9'));
    expect(dms).toHaveLength(1);
  });

  it('refuses a type the producer may not send with 400, naming the producer and the type', async () => {
    // Act
    const res = await send(
      JSON.stringify({ type: 'low-priority', body: { github: { title: 'T' } } }),
      'wiki',
    );
    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(
      'producer "wiki" may not send low-priority alarms; it may send: self-service',
    );
  });

  it('names the known producers when asked for an unknown one', async () => {
    // Act
    const res = await send(twoFactor('x'), 'nobody');
    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('unknown producer "nobody": DISPATCH_PRODUCERS names idp, wiki');
  });

  it('keeps the default producer when no producer is named: every type, keys without a prefix', async () => {
    // Act
    const res = await send(JSON.stringify({ type: 'low-priority', body: { github: { title: 'T' } } }));
    // Assess
    expect(res.status).toBe(200);
    expect((res.body.deliveries as { key: string }[])[0]!.key).toMatch(/^low-priority:/);
  });
});
