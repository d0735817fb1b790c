/**
 * GitHub App authentication: a JWT signed with the app's private key (RS256, at most 10 minutes) buys an
 * installation access token (valid one hour), cached until five minutes before it expires.
 * https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
 * https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app
 */
import { createSign } from 'node:crypto';
import { VendorError } from '../core/errors.ts';
import type { Clock } from '../core/ports.ts';
import { DEFAULT_RETRY, retryAfterMs, withRetry } from './retry.ts';
import { secretError } from './secret-values.ts';

export interface GitHubAppOptions {
  appId: string;
  installationId: string;
  privateKey: () => Promise<string>;
  apiUrl?: string | undefined;
  timeoutMs: number;
  clock: Clock;
}

const REFRESH_BEFORE_MS = 5 * 60_000;

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** The app's JWT: issued a minute in the past (clock drift), valid nine minutes. */
export function appJwt(appId: string, privateKey: string, nowMs: number): string {
  const now = Math.floor(nowMs / 1000);
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ iat: now - 60, exp: now + 9 * 60, iss: appId }));
  let signature: Buffer;
  try {
    signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey);
  } catch (error) {
    // OpenSSL's code (e.g. ERR_OSSL_UNSUPPORTED) says what is wrong without quoting the key.
    const code = String((error as { code?: unknown }).code ?? '');
    const why = /^[A-Z0-9_]+$/.test(code) ? ` (${code})` : '';
    throw secretError('github/app-private-key', `is not an RSA private key in PEM form${why}`);
  }
  return `${header}.${payload}.${b64url(signature)}`;
}

export class GitHubAppToken {
  private cached: { token: string; refreshAt: number } | undefined;
  private inflight: Promise<string> | undefined;

  constructor(private readonly options: GitHubAppOptions) {}

  /** An installation token, from the cache while it has more than five minutes left. */
  async token(): Promise<string> {
    if (this.cached && this.cached.refreshAt > this.options.clock.now()) return this.cached.token;
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async fetch(): Promise<string> {
    const { appId, installationId, clock } = this.options;
    const jwt = appJwt(appId, await this.options.privateKey(), clock.now());
    const base = (this.options.apiUrl ?? 'https://api.github.com').replace(/\/$/, '');
    const url = `${base}/app/installations/${installationId}/access_tokens`;
    const answer = await withRetry(clock, DEFAULT_RETRY, async () => {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${jwt}`,
            accept: 'application/vnd.github+json',
            'user-agent': 'dispatch-alarm-router',
          },
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (error) {
        throw new VendorError('github', `app token did not complete: ${(error as Error).message}`, {
          cause: error,
          retryable: true,
        });
      }
      if (!res.ok) {
        const hint =
          res.status === 401
            ? ': check the app ID and private key'
            : res.status === 404
              ? ': check the installation ID'
              : '';
        throw new VendorError('github', `app token answered HTTP ${res.status}${hint}`, {
          retryable: res.status >= 500 || res.status === 429,
          status: res.status,
          retryAfterMs: retryAfterMs(res.headers.get('retry-after'), clock.now()),
        });
      }
      return (await res.json()) as { token?: string; expires_at?: string };
    });
    if (!answer.token || !answer.expires_at) {
      throw new VendorError('github', 'app token answered without a token', { retryable: true });
    }
    this.cached = { token: answer.token, refreshAt: Date.parse(answer.expires_at) - REFRESH_BEFORE_MS };
    return answer.token;
  }
}
