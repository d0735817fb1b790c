/**
 * Chat over the Slack Web API (@slack/web-api).
 *
 * - chat.postMessage to a user ID opens the app's DM with that user: https://api.slack.com/methods/chat.postMessage
 * - `metadata` carries the Dispatch key so a retry can find the message: https://api.slack.com/metadata/using
 * - conversations.history with include_all_metadata for that bounded read: https://api.slack.com/methods/conversations.history
 *   A message found there counts only if this bot posted it: its `bot_id` (and `app_id`) are the ones auth.test
 *   reports for the token, asked once per token: https://api.slack.com/methods/auth.test
 * - users.lookupByEmail finds a person by email (lambdas/core/people/): https://api.slack.com/methods/users.lookupByEmail
 * - 429 answers carry Retry-After: https://api.slack.com/apis/rate-limits
 * The SDK's own retries are off (they can run for 30 minutes); retry.ts decides.
 */
import { ErrorCode, LogLevel, WebClient, type WebAPICallResult } from '@slack/web-api';
import { VendorError } from '../core/errors.ts';
import type { Chat, ChatMessage, Clock, PostedMessage } from '../core/ports.ts';
import { isSlackPerson, METADATA_EVENT } from '../core/render/slack.ts';
import { DEFAULT_RETRY, withRetry, type Repeatable, type RetryPolicy } from './retry.ts';

/** Slack errors a retry cannot fix. Everything else (internal_error, ratelimited, fatal_error…) is retried. */
const PERMANENT = new Set([
  'channel_not_found',
  'user_not_found',
  'users_not_found',
  'not_in_channel',
  'is_archived',
  'cannot_dm_bot',
  'user_disabled',
  'user_is_restricted',
  'restricted_action',
  'invalid_blocks',
  'invalid_metadata_format',
  'msg_too_long',
  'no_text',
  'too_many_attachments',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
]);

export interface SlackChatOptions {
  token: () => Promise<string>;
  /** Base URL of the Web API, e.g. a local fake; defaults to https://slack.com/api/ */
  apiUrl?: string | undefined;
  timeoutMs: number;
  clock: Clock;
  retry?: RetryPolicy;
  /** How many recent messages the reconciling read looks at. */
  historyLimit?: number;
}

/** Who the token is, as auth.test reports it; messages the bot posts carry the same `bot_id` and `app_id`. */
export interface SlackIdentity {
  userId?: string | undefined;
  botId?: string | undefined;
  appId?: string | undefined;
}

/** A message as conversations.history lists it: who posted it, through which app. */
export interface PostedBy {
  user?: string | undefined;
  bot_id?: string | undefined;
  app_id?: string | undefined;
}

/** Whether this bot posted `message` (not a person or another app that copied the metadata). */
export function postedBy(message: PostedBy, who: SlackIdentity): boolean {
  if (who.appId && message.app_id && message.app_id !== who.appId) return false;
  if (who.botId) return message.bot_id === who.botId;
  return !!who.userId && message.user === who.userId;
}

const silentLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

export class SlackChat implements Chat {
  private client: { token: string; web: WebClient } | undefined;
  private identity: { token: string; who: Promise<SlackIdentity> } | undefined;

  constructor(private readonly options: SlackChatOptions) {}

  async post(to: string, message: ChatMessage): Promise<PostedMessage> {
    const res = await this.call(
      'chat.postMessage',
      (web) =>
        web.chat.postMessage({
          channel: to,
          text: message.text,
          blocks: message.blocks as never,
          ...(message.metadata ? { metadata: message.metadata } : {}),
          ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      'creates',
    );
    if (typeof res.channel !== 'string' || typeof res.ts !== 'string') {
      // The message may exist: retrying reconciles by its metadata instead of posting blindly.
      throw new VendorError('slack', 'chat.postMessage answered without a channel and ts', {
        retryable: true,
      });
    }
    return { channel: res.channel, ts: res.ts };
  }

  async update(at: PostedMessage, message: ChatMessage): Promise<void> {
    await this.call('chat.update', (web) =>
      web.chat.update({
        channel: at.channel,
        ts: at.ts,
        text: message.text,
        blocks: message.blocks as never,
      }),
    );
  }

  async findByKey(to: string, key: string): Promise<PostedMessage | undefined> {
    let channel = to;
    if (isSlackPerson(to)) {
      const opened = await this.call('conversations.open', (web) => web.conversations.open({ users: to }));
      channel = (opened.channel as { id: string }).id;
    }
    const history = await this.call('conversations.history', (web) =>
      web.conversations.history({
        channel,
        limit: this.options.historyLimit ?? 20,
        include_all_metadata: true,
      }),
    );
    const messages = (history.messages ?? []) as (PostedBy & {
      ts: string;
      metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
    })[];
    const marked = messages.filter(
      (m) => m.metadata?.event_type === METADATA_EVENT && m.metadata.event_payload?.dispatch_key === key,
    );
    if (marked.length === 0) return undefined;
    const who = await this.whoAmI();
    const found = marked.find((m) => postedBy(m, who));
    return found && { channel, ts: found.ts };
  }

  /**
   * The Slack user with this email: users.lookupByEmail (scope users:read.email), an idempotent read retried like
   * the others. `users_not_found`, and a deactivated account, mean nobody: https://api.slack.com/methods/users.lookupByEmail
   */
  async lookupByEmail(email: string): Promise<string | undefined> {
    let res: WebAPICallResult & { user?: unknown };
    try {
      res = await this.call('users.lookupByEmail', (web) => web.users.lookupByEmail({ email }));
    } catch (error) {
      const reason = ((error as VendorError).cause as { data?: { error?: string } } | undefined)?.data?.error;
      if (reason === 'users_not_found' || reason === 'user_not_found') return undefined;
      throw error;
    }
    const user = res.user as { id?: unknown; deleted?: unknown } | undefined;
    if (user?.deleted === true) return undefined;
    if (typeof user?.id !== 'string')
      throw new VendorError('slack', 'users.lookupByEmail answered without a user ID', { retryable: true });
    return user.id;
  }

  /** auth.test for the current token, asked once per token (and again after a failed answer). */
  private async whoAmI(): Promise<SlackIdentity> {
    const token = await this.options.token();
    if (this.identity?.token !== token) {
      const who = this.call('auth.test', (web) => web.auth.test()).then((res) => {
        if (!res.bot_id && !res.user_id)
          throw new VendorError('slack', 'auth.test answered without a bot or user ID', { retryable: true });
        return { userId: res.user_id, botId: res.bot_id, appId: res.app_id };
      });
      this.identity = { token, who };
      who.catch(() => {
        if (this.identity?.who === who) this.identity = undefined;
      });
    }
    return this.identity.who;
  }

  /** Posts to an interaction's response_url; only Slack's own hosts (or the configured API origin) are accepted. */
  async respond(responseUrl: string, body: Record<string, unknown>): Promise<void> {
    const url = new URL(responseUrl);
    const configured = this.options.apiUrl ? new URL(this.options.apiUrl).origin : undefined;
    const slackHost =
      url.protocol === 'https:' && (url.hostname === 'slack.com' || url.hostname.endsWith('.slack.com'));
    if (!slackHost && url.origin !== configured) {
      throw new VendorError('slack', `refusing to post to ${url.origin}: not a Slack response_url`, {
        retryable: false,
      });
    }
    await withRetry(
      this.options.clock,
      this.options.retry ?? DEFAULT_RETRY,
      async () => {
        let res: Response;
        try {
          res = await fetch(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(this.options.timeoutMs),
          });
        } catch (error) {
          throw new VendorError('slack', `response_url did not complete: ${(error as Error).message}`, {
            cause: error,
            retryable: true,
          });
        }
        if (!res.ok) {
          throw new VendorError('slack', `response_url answered HTTP ${res.status}`, {
            retryable: res.status >= 500 || res.status === 429,
            status: res.status,
          });
        }
      },
      'creates',
    );
  }

  private async web(): Promise<WebClient> {
    const token = await this.options.token();
    if (this.client?.token !== token) {
      const web = new WebClient(token, {
        slackApiUrl: this.options.apiUrl,
        timeout: this.options.timeoutMs,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        logger: silentLogger,
        logLevel: LogLevel.ERROR,
      });
      this.client = { token, web };
    }
    return this.client.web;
  }

  private async call<T extends WebAPICallResult>(
    method: string,
    fn: (web: WebClient) => Promise<T>,
    repeatable: Repeatable = 'idempotent',
  ): Promise<T> {
    const web = await this.web();
    return withRetry(
      this.options.clock,
      this.options.retry ?? DEFAULT_RETRY,
      () =>
        fn(web).catch((error: unknown) => {
          throw toVendorError(method, error);
        }),
      repeatable,
    );
  }
}

export function toVendorError(method: string, error: unknown): VendorError {
  const e = error as {
    code?: string;
    data?: { error?: string };
    retryAfter?: number;
    statusCode?: number;
    original?: Error;
    message?: string;
  };
  switch (e.code) {
    case ErrorCode.PlatformError: {
      const reason = e.data?.error ?? 'unknown_error';
      return new VendorError('slack', `${method} failed: ${reason}`, {
        cause: error,
        retryable: !PERMANENT.has(reason),
      });
    }
    case ErrorCode.RateLimitedError:
      return new VendorError('slack', `${method} rate limited (retry after ${e.retryAfter ?? '?'} s)`, {
        cause: error,
        retryable: true,
        status: 429,
        retryAfterMs: e.retryAfter === undefined ? undefined : e.retryAfter * 1000,
      });
    case ErrorCode.HTTPError: {
      const status = e.statusCode ?? 0;
      return new VendorError('slack', `${method} answered HTTP ${status}`, {
        cause: error,
        retryable: status >= 500 || status === 408,
        status,
      });
    }
    default:
      return new VendorError(
        'slack',
        `${method} did not complete: ${e.original?.message ?? e.message ?? String(error)}`,
        {
          cause: error,
          retryable: true,
        },
      );
  }
}
