/**
 * Identity of an alarm: the key that makes an SNS redelivery and an identical re-publish the same alarm.
 */
import { createHash } from 'node:crypto';
import type { RouterConfig } from './config.ts';
import type { Alarm, User } from './message.ts';
import type { Repo } from './ports.ts';

/** `repo` or `owner/repo` (from the alarm or the default) as an owner and a repository. */
export function resolveRepo(alarm: Alarm, config: RouterConfig): Repo {
  const name = alarm.githubRepo ?? config.githubDefaultRepo;
  const [owner, repo] = name.includes('/') ? name.split('/', 2) : [config.githubOwner, name];
  return { owner: owner!, repo: repo! };
}

/** The user's identity within an alarm: Slack ID, else GitHub handle, else the default. */
export function userIdentity(user: User | undefined): string {
  return user?.slackId || user?.github?.replace(/^@/, '') || 'default';
}

function digest(parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/**
 * The alarm's key. With a `dedupeKey` the producer decides; otherwise the type, repository, title and (for
 * types that notify per user) the user make it. Per-user self-service prompts append the user to a dedupeKey.
 */
export function alarmKey(alarm: Alarm, config: RouterConfig, user?: User): string {
  const who = user === undefined ? undefined : userIdentity(user);
  if (alarm.dedupeKey !== undefined) return who === undefined ? alarm.dedupeKey : `${alarm.dedupeKey}/${who}`;
  if (alarm.type === 'high-priority') {
    const service = alarm.body.pagerduty.service ?? alarm.pagerDutyServiceId ?? '';
    return `${alarm.type}:${digest([service, alarm.body.pagerduty.title])}`;
  }
  const { owner, repo } = resolveRepo(alarm, config);
  const parts = [`${owner}/${repo}`.toLowerCase(), alarm.body.github.title];
  if (who !== undefined) parts.push(who);
  return `${alarm.type}:${digest(parts)}`;
}
