/**
 * Identity of an alarm: the key that makes an SNS redelivery and an identical re-publish the same alarm, and
 * keeps every other alarm apart.
 *
 * - A `dedupeKey` is the producer's choice; otherwise the type, repository, title and (for types that notify per
 *   user) the user make a derived key, `<type>:<hash>`.
 * - Per-user prompts join the dedupeKey and the user with `/`. Both are escaped first (`%`, `/`, `|`, and the `:`
 *   of a dedupeKey that starts like a derived key), so no two different alarms can share a key.
 * - A named producer's keys start with `<name>|`; the default producer's keys carry no prefix (they are the keys
 *   every earlier version wrote, so an upgrade re-opens nothing). Default keys never contain a raw `|`.
 * - A key longer than PagerDuty's 255-character `dedup_key` becomes a stable short form, `<name>|#<sha256>`.
 */
import { createHash } from 'node:crypto';
import type { RouterConfig } from './config.ts';
import { ALARM_TYPES, LIMITS, type Alarm, type User } from './message.ts';
import type { Repo } from './ports.ts';

/** `repo` or `owner/repo` (from the alarm or the default) as an owner and a repository. */
export function resolveRepo(alarm: Alarm, config: RouterConfig): Repo {
  const name = alarm.githubRepo ?? config.githubDefaultRepo;
  const [owner, repo] = name.includes('/') ? name.split('/', 2) : [config.githubOwner, name];
  return { owner: owner!, repo: repo! };
}

/**
 * A user as the routes see it. `slackIdFrom: 'email'` says Dispatch found the `slackId` by the user's email
 * (lambdas/core/people/); a producer cannot set it (the schema drops keys it does not know).
 */
export type RoutedUser = User & { slackIdFrom?: 'email' | undefined };

/**
 * The user's identity within an alarm: the Slack ID the producer gave, else the email (lower-cased, the same
 * whether or not Slack knows it), else the GitHub handle, else the default.
 */
export function userIdentity(user: RoutedUser | undefined): string {
  if (user?.email && (!user.slackId || user.slackIdFrom === 'email')) return user.email.toLowerCase();
  return user?.slackId || user?.github?.replace(/^@/, '') || 'default';
}

function digest(parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

const DERIVED = new RegExp(`^(${ALARM_TYPES.join('|')}):`);

/** Escapes the characters keys are built with; unchanged for the text nearly every producer sends. */
function escapeKeyPart(text: string): string {
  return text.replace(/[%/|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function escapeDedupeKey(text: string): string {
  const escaped = escapeKeyPart(text);
  return DERIVED.test(escaped) ? escaped.replace(':', '%3A') : escaped;
}

export interface KeyScope {
  /** The user of a per-user alarm (self-service prompts, low-priority's first user). */
  user?: RoutedUser | undefined;
  /** The named producer that sent the alarm; undefined for the default producer (the alarm topic). */
  producer?: string | undefined;
}

/** The named producer whose alarm this key belongs to; undefined for the default producer. */
export function producerOfKey(key: string): string | undefined {
  const bar = key.indexOf('|');
  return bar > 0 ? key.slice(0, bar) : undefined;
}

/** The alarm's key; see the top of this file. */
export function alarmKey(alarm: Alarm, config: RouterConfig, scope: KeyScope = {}): string {
  const who = scope.user === undefined ? undefined : userIdentity(scope.user);
  const prefix = scope.producer === undefined ? '' : `${scope.producer}|`;
  return fit(prefix, baseKey(alarm, config, who));
}

function baseKey(alarm: Alarm, config: RouterConfig, who: string | undefined): string {
  if (alarm.dedupeKey !== undefined) {
    const key = escapeDedupeKey(alarm.dedupeKey);
    return who === undefined ? key : `${key}/${escapeKeyPart(who)}`;
  }
  if (alarm.type === 'high-priority') {
    const service = alarm.body.pagerduty.service ?? alarm.pagerDutyServiceId ?? '';
    return `${alarm.type}:${digest([service, alarm.body.pagerduty.title])}`;
  }
  const { owner, repo } = resolveRepo(alarm, config);
  const parts = [`${owner}/${repo}`.toLowerCase(), alarm.body.github.title];
  if (who !== undefined) parts.push(who);
  return `${alarm.type}:${digest(parts)}`;
}

/** Keys go to PagerDuty as `dedup_key` (at most 255 characters); a longer one is replaced by its hash. */
function fit(prefix: string, key: string): string {
  if (prefix.length + key.length <= LIMITS.dedupeKey) return prefix + key;
  return `${prefix}#${createHash('sha256').update(key).digest('hex')}`;
}
