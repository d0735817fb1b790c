/**
 * Issue 12, attack 1: the sandbox is a server too. A page on another origin, or a rebound DNS name, must not be able
 * to send alarms, read what the sandbox shows or answer prompts.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localHelp } from '../../bin/cli/local.ts';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox.ts';
import { originalExamples } from '../fixtures/alarms/original-readme.ts';

const TOKEN_HEADER = 'x-dispatch-sandbox-token';

let sandbox: Sandbox;
let token: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, source: {} });
  token = await pageToken(sandbox.url);
});
afterAll(async () => {
  await sandbox.close();
});

/** The token as the page receives it: embedded in the HTML served at GET /. */
async function pageToken(url: string): Promise<string> {
  const html = await (await fetch(`${url}/`)).text();
  return /<meta name="dispatch-sandbox-token" content="([^"]+)">/.exec(html)?.[1] ?? '';
}

/** A request with any Host header (fetch would set its own). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
  base = sandbox.url,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method, headers },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const delivered = () => ({
  messages: sandbox.slack!.messages.length,
  issues: sandbox.github!.issues.length,
  incidents: sandbox.pagerduty!.incidents.length,
});

const json = { 'content-type': 'application/json' };

describe('POST /alarms content type (issue 12)', () => {
  it('refuses a text/plain alarm with 415, names the header and delivers nothing', async () => {
    // Prepare
    const before = delivered();
    // Act
    const res = await fetch(`${sandbox.url}/alarms`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: originalExamples['high-priority']!,
    });
    const body = (await res.json()) as { error: string };
    await sandbox.jobs.idle();
    // Assess
    expect(res.status).toBe(415);
    expect(body.error).toContain('content-type: application/json');
    expect(body.error).toContain("curl -H 'content-type: application/json'");
    expect(delivered()).toEqual(before);
  });

  it.each(['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''])(
    'refuses content type "%s" with 415',
    async (type) => {
      // Act
      const res = await raw('POST', '/alarms', type ? { 'content-type': type } : {}, '{}');
      // Assess
      expect(res.status).toBe(415);
    },
  );

  it('takes application/json with a charset, as curl and --send send it', async () => {
    // Act
    const res = await fetch(`${sandbox.url}/alarms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: originalExamples['low-priority']!,
    });
    // Assess
    expect(res.status).toBe(200);
  });
});

describe('cross-origin writes (issue 12)', () => {
  it('refuses an alarm with a foreign Origin with 403 and delivers nothing', async () => {
    // Prepare
    const before = delivered();
    // Act
    const res = await raw(
      'POST',
      '/alarms',
      { ...json, origin: 'http://attacker.example' },
      originalExamples['high-priority'],
    );
    // Assess
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error).toMatch(/origin/i);
    expect(delivered()).toEqual(before);
  });

  it.each(['http://127.0.0.1:1', 'null', 'http://localhost.attacker.example'])(
    'refuses a click from origin %s even with the token',
    async (origin) => {
      // Act
      const res = await raw('POST', '/sandbox/click', { ...json, [TOKEN_HEADER]: token, origin }, '{}');
      // Assess
      expect(res.status).toBe(403);
    },
  );

  it("takes an alarm from the server's own origin", async () => {
    // Act
    const res = await raw(
      'POST',
      '/alarms',
      { ...json, origin: sandbox.url },
      originalExamples['low-priority'],
    );
    // Assess
    expect(res.status).toBe(200);
  });
});

describe('Host header (issue 12: DNS rebinding)', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/sandbox/state'],
    ['GET', '/sandbox/examples'],
    ['POST', '/sandbox/examples/high-priority'],
    ['POST', '/sandbox/click'],
    ['POST', '/alarms'],
    ['POST', '/slack/interactions'],
    ['GET', '/no-such-route'],
  ])('refuses %s %s for Host: attacker.example with 403', async (method, path) => {
    // Prepare
    const before = delivered();
    // Act
    const res = await raw(
      method,
      path,
      { ...json, host: `attacker.example:${new URL(sandbox.url).port}`, [TOKEN_HEADER]: token },
      method === 'POST' ? originalExamples['high-priority'] : undefined,
    );
    // Assess
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body).error).toMatch(/Host/);
    expect(delivered()).toEqual(before);
  });

  it.each(['127.0.0.1.attacker.example', 'localhost.attacker.example', 'attacker.example#@localhost'])(
    'refuses Host "%s"',
    async (host) => {
      // Act
      const res = await raw('GET', '/', { host });
      // Assess
      expect(res.status).toBe(403);
    },
  );

  it('refuses a request without a Host header', async () => {
    // Act: HTTP/1.0 may leave Host out (HTTP/1.1 without it is a 400 in Node itself).
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(sandbox.url).port), '127.0.0.1', () =>
        socket.end('GET / HTTP/1.0\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    // Assess
    expect(answer).toMatch(/^HTTP\/1\.[01] 403 /);
  });

  it.each(['127.0.0.1', 'localhost', '[::1]', 'LOCALHOST'])('serves Host %s with any port', async (name) => {
    // Act
    const withPort = await raw('GET', '/', { host: `${name}:${new URL(sandbox.url).port}` });
    const without = await raw('GET', '/', { host: name });
    // Assess
    expect(withPort.status).toBe(200);
    expect(without.status).toBe(200);
  });
});

describe('the per-start token (issue 12)', () => {
  it.each([
    ['GET', '/sandbox/state'],
    ['GET', '/sandbox/examples'],
    ['GET', '/sandbox/example-labels'],
    ['POST', '/sandbox/examples/high-priority'],
    ['POST', '/sandbox/click'],
    ['POST', '/sandbox/view'],
  ])('refuses %s %s without the token, or with a wrong one, with 403', async (method, path) => {
    // Prepare
    const before = delivered();
    // Act
    const missing = await raw(method, path, json, method === 'POST' ? '{}' : undefined);
    const wrong = await raw(
      method,
      path,
      { ...json, [TOKEN_HEADER]: `${token.slice(0, -1)}x` },
      method === 'POST' ? '{}' : undefined,
    );
    // Assess
    expect(missing.status).toBe(403);
    expect(JSON.parse(missing.body).error).toContain(TOKEN_HEADER);
    expect(wrong.status).toBe(403);
    expect(delivered()).toEqual(before);
  });

  it('serves the state and the examples with the token', async () => {
    // Act
    const state = await fetch(`${sandbox.url}/sandbox/state`, { headers: { [TOKEN_HEADER]: token } });
    const examples = await fetch(`${sandbox.url}/sandbox/examples`, { headers: { [TOKEN_HEADER]: token } });
    // Assess
    expect(state.status).toBe(200);
    expect(((await state.json()) as { modes: unknown }).modes).toEqual({
      slack: 'fake',
      github: 'fake',
      pagerduty: 'fake',
    });
    expect(await examples.json()).toContain('self-service');
  });

  it('answers a prompt through /sandbox/click with the token', async () => {
    // Prepare
    const alarm = JSON.parse(originalExamples['self-service']!);
    alarm.body.github.title = 'clicked with the token';
    const routed = (await (
      await fetch(`${sandbox.url}/alarms`, { method: 'POST', headers: json, body: JSON.stringify(alarm) })
    ).json()) as { deliveries: { key: string; dms: { channel: string; ts: string }[] }[] };
    const delivery = routed.deliveries[0]!;
    const click = JSON.stringify({
      action_id: 'dispatch_yes',
      value: delivery.key,
      channel: delivery.dms[0]!.channel,
      ts: delivery.dms[0]!.ts,
      user: 'U024BE7LH',
    });
    // Act
    const refused = await raw('POST', '/sandbox/click', json, click);
    await sandbox.jobs.idle();
    const openAfterRefusal = sandbox.github!.issues.find((i) => i.title === 'clicked with the token')!.state;
    const res = await raw('POST', '/sandbox/click', { ...json, [TOKEN_HEADER]: token }, click);
    await sandbox.jobs.idle();
    // Assess
    expect(refused.status).toBe(403);
    expect(openAfterRefusal).toBe('open');
    expect(res.status).toBe(200);
    expect(sandbox.github!.issues.find((i) => i.title === 'clicked with the token')!.state).toBe('closed');
  });

  it('is new at each start', async () => {
    // Prepare
    const other = await startSandbox({ port: 0, source: {} });
    try {
      // Act
      const otherToken = await pageToken(other.url);
      const crossed = await fetch(`${other.url}/sandbox/state`, { headers: { [TOKEN_HEADER]: token } });
      // Assess
      expect(otherToken).toMatch(/^[\w-]{32,}$/);
      expect(otherToken).not.toBe(token);
      expect(crossed.status).toBe(403);
    } finally {
      await other.close();
    }
  });
});

describe('the page (issue 12)', () => {
  it('is served with a CSP without inline handlers, no framing and no sniffing', async () => {
    // Act
    const res = await fetch(`${sandbox.url}/`);
    const html = await res.text();
    const csp = res.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    // Assess
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).not.toMatch(/\son[a-z]+=/);
  });

  it('gets a new nonce with each response', async () => {
    // Act
    const a = (await fetch(`${sandbox.url}/`)).headers.get('content-security-policy');
    const b = (await fetch(`${sandbox.url}/`)).headers.get('content-security-policy');
    // Assess
    expect(a).not.toBe(b);
  });
});

describe('where the sandbox listens (issue 12)', () => {
  it('listens on 127.0.0.1 by default', () => {
    expect(new URL(sandbox.url).hostname).toBe('127.0.0.1');
  });

  it('listens on the host given, and takes requests naming it', async () => {
    // Prepare
    const other = await startSandbox({ port: 0, source: {}, host: '127.0.0.2' });
    try {
      const port = new URL(other.url).port;
      // Act
      const named = await raw('GET', '/', { host: `127.0.0.2:${port}` }, undefined, other.url);
      const loopback = await raw('GET', '/', { host: `localhost:${port}` }, undefined, other.url);
      const elsewhere = raw('GET', '/', {}, undefined, `http://127.0.0.1:${port}`);
      // Assess
      expect(other.url).toBe(`http://127.0.0.2:${port}`);
      expect(named.status).toBe(200);
      expect(loopback.status).toBe(200);
      await expect(elsewhere).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await other.close();
    }
  });

  it('documents --host in the help', () => {
    expect(localHelp).toContain('--host');
    expect(localHelp).toContain("-H 'content-type: application/json'");
  });
});
