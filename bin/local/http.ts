/** A small HTTP toolkit for the local fakes and the runner: routing, bodies, latency and rate limits. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** The body as sent. */
  raw: string;
  /** JSON or form bodies, decoded. */
  body: Record<string, unknown>;
  params: Record<string, string>;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: Request) => Reply | Promise<Reply>;

/**
 * Failures a fake can inject, for fault tests:
 * - before the request is processed: `reset` (connection dropped), `5xx` (503), `429` (with Retry-After: 1);
 * - after it was processed (the vendor did it, the answer is lost): `timeout` (answer held back 2 s), `lost`
 *   (connection dropped), `malformed` (200 with a body that is not the API's).
 */
export type Fault = 'reset' | '5xx' | '429' | 'timeout' | 'lost' | 'malformed';

export interface FakeBehaviour {
  /** Decides whether this request fails, and how. */
  fault?: (req: { method: string; path: string; headers: IncomingMessage['headers'] }) => Fault | undefined;
  /** Added to every answer, in milliseconds. */
  latencyMs?: number;
  /** At most this many requests per window; more get 429 with Retry-After. */
  rateLimit?: { requests: number; windowMs: number };
}

export interface Running {
  url: string;
  server: Server;
  close(): Promise<void>;
  /** Requests served, by "METHOD /path". */
  counts: Map<string, number>;
  /** Requests refused with 429. */
  limited: number;
  /** Every request with when it arrived and when it was answered (ms, performance.now()). */
  log: { method: string; path: string; status: number; start: number; end: number }[];
}

export function route(method: string, pattern: string, handler: Handler) {
  const names: string[] = [];
  const regex = new RegExp(
    `^${pattern.replace(/:(\w+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}$`,
  );
  return { method, regex, names, handler };
}

type Route = ReturnType<typeof route>;

export async function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function decode(raw: string, type: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (type?.includes('application/x-www-form-urlencoded')) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(raw)) out[k] = v;
    return out;
  }
  try {
    const parsed = JSON.parse(raw) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function send(res: ServerResponse, reply: Reply): void {
  const isText = typeof reply.body === 'string';
  res.writeHead(reply.status, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
    ...reply.headers,
  });
  res.end(reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body));
}

export async function serve(routes: Route[], behaviour: FakeBehaviour = {}, port = 0): Promise<Running> {
  const counts = new Map<string, number>();
  const window: number[] = [];
  const running = { counts, limited: 0, log: [] } as unknown as Running;
  const server = createServer((req, res) => {
    const start = performance.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.once('finish', () =>
      running.log.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        status: res.statusCode,
        start,
        end: performance.now(),
      }),
    );
    void (async () => {
      const raw = await readBody(req);
      if (behaviour.latencyMs) await new Promise((r) => setTimeout(r, behaviour.latencyMs));
      if (behaviour.rateLimit) {
        const now = Date.now();
        while (window.length && window[0]! <= now - behaviour.rateLimit.windowMs) window.shift();
        if (window.length >= behaviour.rateLimit.requests) {
          running.limited++;
          const wait = Math.max(1, Math.ceil((window[0]! + behaviour.rateLimit.windowMs - now) / 1000));
          return send(res, {
            status: 429,
            body: { ok: false, error: 'ratelimited' },
            headers: { 'retry-after': String(wait) },
          });
        }
        window.push(now);
      }
      const fault = behaviour.fault?.({
        method: req.method ?? 'GET',
        path: url.pathname,
        headers: req.headers,
      });
      if (fault === 'reset') return void req.socket.destroy();
      if (fault === '5xx')
        return send(res, {
          status: 503,
          body: { ok: false, error: 'service_unavailable', message: 'Service Unavailable' },
        });
      if (fault === '429')
        return send(res, {
          status: 429,
          body: { ok: false, error: 'ratelimited', message: 'Too Many Requests' },
          headers: { 'retry-after': '1' },
        });
      for (const r of routes) {
        const m = r.method === req.method ? r.regex.exec(url.pathname) : null;
        if (!m) continue;
        const key = `${r.method} ${url.pathname}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        const params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
        const reply = await r.handler({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          raw,
          body: decode(raw, req.headers['content-type']),
          params,
        });
        if (fault === 'lost') return void req.socket.destroy();
        if (fault === 'malformed')
          return send(res, {
            status: 200,
            body: '<html>upstream error</html>',
            headers: { 'content-type': 'text/html' },
          });
        if (fault === 'timeout') await new Promise((r) => setTimeout(r, 2_000));
        return send(res, reply);
      }
      send(res, { status: 404, body: { message: `no fake for ${req.method} ${url.pathname}` } });
    })().catch((error: unknown) =>
      send(res, { status: (error as { status?: number }).status ?? 500, body: { message: String(error) } }),
    );
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  running.server = server;
  running.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  running.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return running;
}
