/**
 * Who may talk to the sandbox (issue 12). Anything on localhost can be reached by a web page open in the same
 * browser, so the runner checks, in this order:
 *   1. `Host` names this server: 127.0.0.1, localhost or [::1] (any port), or the host given with --host. A page on
 *      a DNS name it controls that it re-points at 127.0.0.1 (DNS rebinding) sends its own name and is refused.
 *   2. A write (any method but GET and HEAD) that carries an `Origin` comes from this server's own origin. Browsers
 *      send `Origin` with every cross-origin POST, including "simple" no-cors ones
 *      (https://fetch.spec.whatwg.org/#origin-header); curl and Slack send none.
 *   3. /sandbox/* (the page's own endpoints) carries this start's token in `x-dispatch-sandbox-token`. The page gets
 *      it inside the HTML served at GET /, which another origin cannot read; a custom header also forces a CORS
 *      preflight, which this server never grants.
 *   4. POST /alarms is `content-type: application/json`: a form or text/plain body is what a foreign page can send
 *      without a preflight (https://fetch.spec.whatwg.org/#cors-safelisted-request-header).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import type { Reply } from './http.ts';

export const TOKEN_HEADER = 'x-dispatch-sandbox-token';

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD = ['0.0.0.0', '::', '[::]'];

/** A fresh random secret, one per start of the sandbox. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** `host` as it appears in a Host header: lower case, IPv6 literals in brackets. */
export function hostForm(host: string): string {
  const h = host.toLowerCase();
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

/**
 * The names a Host header may carry: loopback, the host given with --host, and when that is a wildcard
 * (0.0.0.0, ::) this machine's own addresses, which a rebinding page cannot send as its Host either.
 */
export function allowedHosts(listenHost: string): Set<string> {
  const names = new Set([...LOOPBACK, hostForm(listenHost)]);
  if (WILDCARD.includes(listenHost)) {
    for (const addresses of Object.values(networkInterfaces()))
      for (const a of addresses ?? []) names.add(hostForm(a.address));
  }
  return names;
}

/** The name in a Host header ("name", "name:port", "[v6]:port"), or undefined when it is not one. */
export function hostName(header: string | undefined): string | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i.exec(header ?? '');
  return m?.[1]?.toLowerCase();
}

const refuse = (status: number, code: string, error: string): Reply => ({ status, body: { error, code } });

function sameToken(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The refusal for this request, or undefined when it may go on. */
export function guard(
  req: IncomingMessage,
  pathname: string,
  rules: { hosts: Set<string>; token: string },
): Reply | undefined {
  const host = req.headers.host;
  const name = hostName(host);
  if (!name || !rules.hosts.has(name))
    return refuse(
      403,
      'sandbox_host',
      `Host "${host ?? ''}" is not this sandbox: it answers to ${[...LOOPBACK].join(', ')} or the name given ` +
        'with --host, so that a web page cannot reach it through a DNS name it controls',
    );
  const origin = req.headers.origin;
  const own = `http://${String(host).toLowerCase()}`;
  if (req.method !== 'GET' && req.method !== 'HEAD' && origin !== undefined && origin.toLowerCase() !== own)
    return refuse(
      403,
      'sandbox_origin',
      `Origin "${origin}" is not this sandbox (${own}): writes from another origin are refused; ` +
        'send alarms with curl or from the sandbox page',
    );
  if (pathname.startsWith('/sandbox/') && !sameToken(req.headers[TOKEN_HEADER], rules.token))
    return refuse(
      403,
      'sandbox_token',
      `missing or wrong ${TOKEN_HEADER}: /sandbox/* serves the sandbox page, which gets this start's token ` +
        'from GET /; reload the page',
    );
  if (
    req.method === 'POST' &&
    pathname === '/alarms' &&
    mediaType(req.headers['content-type']) !== 'application/json'
  )
    return refuse(
      415,
      'sandbox_content_type',
      `POST /alarms takes an alarm as JSON: send the header content-type: application/json, e.g. ` +
        `curl -H 'content-type: application/json' -d @examples/broadcast.json ` +
        `(got content-type "${req.headers['content-type'] ?? ''}")`,
    );
  return undefined;
}

/** Headers for every answer: nothing is sniffed, embedded or read by another origin. */
export const COMMON_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
};

/** Headers for the page: only its own nonce'd script and style run, it cannot be framed, it is not cached. */
export function pageHeaders(nonce: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "connect-src 'self'",
      "img-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
    'cross-origin-opener-policy': 'same-origin',
  };
}
