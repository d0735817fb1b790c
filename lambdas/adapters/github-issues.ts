/**
 * IssueTracker over the GitHub REST API (@octokit/core: the request layer, without the 80 kB of generated
 * endpoint methods). Works with github.com and GitHub Enterprise Server
 * (`apiUrl`, e.g. https://ghe.example.com/api/v3).
 *
 * - Create an issue (labels that do not exist are created): https://docs.github.com/rest/issues/issues#create-an-issue
 * - Reconciling trusts only what Dispatch's own account wrote, with its marker as the last line. Token auth: the
 *   author is the token's user (GET /user, asked once per token: https://docs.github.com/rest/users/users#get-the-authenticated-user).
 *   App auth: the author is the app's bot `<slug>[bot]` and `performed_via_github_app.id` is the app's ID
 *   (https://docs.github.com/rest/issues/issues#list-repository-issues; an installation token cannot read /user).
 * - Rate limits: 403/429 with Retry-After, or x-ratelimit-remaining 0 until x-ratelimit-reset:
 *   https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
 * The token goes in the Authorization header, never in a URL.
 */
import { Octokit } from '@octokit/core';
import { VendorError } from '../core/errors.ts';
import type { Clock, IssueRef, IssueTracker, NewIssue, Repo } from '../core/ports.ts';
import { carriesMarker } from '../core/render/github.ts';
import { DEFAULT_RETRY, retryAfterMs, withRetry, type Repeatable, type RetryPolicy } from './retry.ts';

export interface GitHubIssuesOptions {
  token: () => Promise<string>;
  apiUrl?: string | undefined;
  timeoutMs: number;
  clock: Clock;
  retry?: RetryPolicy;
  /** How many of the repository's newest issues the reconciling read looks at. */
  recentLimit?: number;
  /** With GitHub App auth, the app's ID: what Dispatch created is authored by the app's bot through this app. */
  appId?: string | number | undefined;
}

/** An issue or comment as GitHub lists it: who wrote it, through which app, and the body. */
export interface Authored {
  body?: string | null | undefined;
  user?: { login?: string; type?: string } | null | undefined;
  performed_via_github_app?: { id?: number; slug?: string } | null | undefined;
}

/** Who Dispatch is on GitHub: the token's login, or the GitHub App it acts as. */
export type GitHubIdentity = { login: string } | { appId: number };

/** Whether `item` was created by Dispatch's own account (not by a person or another app with the same marker). */
export function createdBy(item: Authored, who: GitHubIdentity): boolean {
  const login = item.user?.login?.toLowerCase();
  if (login === undefined) return false;
  if ('login' in who) return login === who.login.toLowerCase();
  const app = item.performed_via_github_app;
  return app?.id === who.appId && !!app.slug && login === `${app.slug}[bot]`.toLowerCase();
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

export class GitHubIssues implements IssueTracker {
  private client: { token: string; octokit: Octokit } | undefined;
  private login: { token: string; login: Promise<string> } | undefined;

  constructor(private readonly options: GitHubIssuesOptions) {}

  async create(repo: Repo, issue: NewIssue): Promise<IssueRef> {
    const { data } = await this.call(
      'create issue',
      (o, request) =>
        o.request('POST /repos/{owner}/{repo}/issues', {
          ...repo,
          title: issue.title,
          body: issue.body,
          labels: issue.labels,
          request,
        }),
      'creates',
    );
    if (typeof data?.number !== 'number' || typeof data.html_url !== 'string') {
      // The issue may exist: retrying reconciles by its marker instead of creating blindly.
      throw new VendorError('github', 'create issue answered without an issue number', { retryable: true });
    }
    return { ...repo, number: data.number, url: data.html_url };
  }

  async state(issue: IssueRef): Promise<'open' | 'closed'> {
    const { data } = await this.call('read issue', (o, request) =>
      o.request('GET /repos/{owner}/{repo}/issues/{issue_number}', {
        owner: issue.owner,
        repo: issue.repo,
        issue_number: issue.number,
        request,
      }),
    );
    if (data?.state !== 'open' && data?.state !== 'closed') {
      throw new VendorError('github', 'read issue answered without a state', { retryable: true });
    }
    return data.state;
  }

  async comment(issue: IssueRef, body: string): Promise<number> {
    const { data } = await this.call(
      'comment',
      (o, request) =>
        o.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          owner: issue.owner,
          repo: issue.repo,
          issue_number: issue.number,
          body,
          request,
        }),
      'creates',
    );
    if (typeof data?.id !== 'number')
      throw new VendorError('github', 'comment answered without an ID', { retryable: true });
    return data.id;
  }

  async editComment(issue: IssueRef, commentId: number, body: string): Promise<void> {
    await this.call('edit comment', (o, request) =>
      o.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
        owner: issue.owner,
        repo: issue.repo,
        comment_id: commentId,
        body,
        request,
      }),
    );
  }

  async findComment(issue: IssueRef, key: string, sinceMs: number): Promise<number | undefined> {
    const { data } = await this.call('list recent comments', (o, request) =>
      o.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner: issue.owner,
        repo: issue.repo,
        issue_number: issue.number,
        since: new Date(sinceMs).toISOString(),
        per_page: 100,
        request,
      }),
    );
    if (!Array.isArray(data))
      throw new VendorError('github', 'list recent comments answered without a list', { retryable: true });
    const id = (await this.ours(data, key))?.id;
    return id === undefined ? undefined : Number(id);
  }

  async close(issue: IssueRef): Promise<void> {
    await this.call('close issue', (o, request) =>
      o.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        owner: issue.owner,
        repo: issue.repo,
        issue_number: issue.number,
        state: 'closed',
        state_reason: 'completed',
        request,
      }),
    );
  }

  async addLabels(issue: IssueRef, labels: string[]): Promise<void> {
    await this.call('label issue', (o, request) =>
      o.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
        owner: issue.owner,
        repo: issue.repo,
        issue_number: issue.number,
        labels,
        request,
      }),
    );
  }

  async findByKey(repo: Repo, key: string): Promise<IssueRef | undefined> {
    const { data } = await this.call('list recent issues', (o, request) =>
      o.request('GET /repos/{owner}/{repo}/issues', {
        ...repo,
        state: 'all',
        sort: 'created',
        direction: 'desc',
        per_page: this.options.recentLimit ?? 30,
        request,
      }),
    );
    if (!Array.isArray(data))
      throw new VendorError('github', 'list recent issues answered without a list', { retryable: true });
    const found = await this.ours(data, key);
    return found && { ...repo, number: found.number, url: found.html_url };
  }

  /**
   * The first item Dispatch itself created that ends with the marker of `key`. Who Dispatch is, is asked only when
   * some item carries the marker at all.
   */
  private async ours<T extends Authored>(items: T[], key: string): Promise<T | undefined> {
    const marked = items.filter((item) => carriesMarker(item.body, key));
    if (marked.length === 0) return undefined;
    const who = await this.identity();
    return marked.find((item) => createdBy(item, who));
  }

  private async identity(): Promise<GitHubIdentity> {
    if (this.options.appId !== undefined) return { appId: Number(this.options.appId) };
    const token = await this.options.token();
    if (this.login?.token !== token) {
      const login = this.call('read the authenticated user', (o, request) =>
        o.request('GET /user', { request }),
      ).then(({ data }) => {
        if (typeof data?.login !== 'string' || data.login === '')
          throw new VendorError('github', 'GET /user answered without a login', { retryable: true });
        return data.login;
      });
      this.login = { token, login };
      // A failed answer is not kept: the next reconciliation asks again.
      login.catch(() => {
        if (this.login?.login === login) this.login = undefined;
      });
    }
    return { login: await this.login.login };
  }

  private async octokit(): Promise<Octokit> {
    const token = await this.options.token();
    if (this.client?.token !== token) {
      const octokit = new Octokit({
        auth: token,
        userAgent: 'dispatch-alarm-router',
        log: silent,
        ...(this.options.apiUrl ? { baseUrl: this.options.apiUrl.replace(/\/$/, '') } : {}),
      });
      this.client = { token, octokit };
    }
    return this.client.octokit;
  }

  private async call<T>(
    what: string,
    fn: (o: Octokit, request: { signal: AbortSignal }) => Promise<T>,
    repeatable: Repeatable = 'idempotent',
  ): Promise<T> {
    const octokit = await this.octokit();
    return withRetry(
      this.options.clock,
      this.options.retry ?? DEFAULT_RETRY,
      () =>
        fn(octokit, { signal: AbortSignal.timeout(this.options.timeoutMs) }).catch((error: unknown) => {
          throw toVendorError(what, error, this.options.clock.now());
        }),
      repeatable,
    );
  }
}

export function toVendorError(what: string, error: unknown, now: number): VendorError {
  const e = error as {
    status?: number;
    message?: string;
    name?: string;
    response?: { headers?: Record<string, string> };
  };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const headers = e.response?.headers ?? {};
  if (status === undefined || e.name === 'AbortError' || e.name === 'TimeoutError') {
    return new VendorError('github', `${what} did not complete: ${e.message ?? String(error)}`, {
      cause: error,
      retryable: true,
    });
  }
  const limited =
    status === 429 ||
    (status === 403 && (headers['retry-after'] !== undefined || headers['x-ratelimit-remaining'] === '0'));
  if (limited) {
    const reset = headers['x-ratelimit-reset'];
    const wait =
      retryAfterMs(headers['retry-after'], now) ?? (reset ? Math.max(0, Number(reset) * 1000 - now) : 60_000);
    return new VendorError(
      'github',
      `${what} rate limited (HTTP ${status}, retry after ${Math.ceil(wait / 1000)} s)`,
      {
        cause: error,
        retryable: true,
        status,
        retryAfterMs: wait,
      },
    );
  }
  const hint =
    status === 401
      ? ': the token is invalid or expired'
      : status === 404
        ? ': repository or issue not found, or the token cannot see it'
        : status === 410
          ? ': issues are disabled in this repository'
          : '';
  return new VendorError('github', `${what} answered HTTP ${status}${hint} (${e.message ?? ''})`, {
    cause: error,
    retryable: status >= 500 || status === 408,
    status,
  });
}
