/**
 * What the routes say about a user reached by email. After resolve-users.ts, a user with an `email` and no
 * `slackId` is one Slack did not know: their DM goes to the default channel with a note naming the email. On
 * GitHub the email is written as code (it is producer text, and `@` must mention nobody).
 */
import type { RoutedUser } from '../keys.ts';
import { code } from '../render/github.ts';

/** The email of a user Slack did not find by it; undefined for everyone else. */
export function unknownEmail(user: RoutedUser | undefined): string | undefined {
  return user?.email && !user.slackId ? user.email : undefined;
}

/** The note's opening for Slack (text, escaped where it is shown). */
export function noSlackUser(email: string): string {
  return `No Slack user has the email ${email}`;
}

/** The note's opening for GitHub, the email in a code span. */
export function noSlackUserMarkdown(email: string): string {
  return `No Slack user has the email ${code(email)}`;
}

/**
 * How the audit trail lists a user: the display name, else the email of a person found by it, else the Slack ID;
 * without a Slack ID, the email or GitHub handle and why nobody was DMed.
 */
export function listedName(user: RoutedUser): string {
  if (user.slack) return user.slack;
  if (user.slackId) return user.slackIdFrom === 'email' && user.email ? user.email : user.slackId;
  return user.email ? `${user.email} (no Slack user)` : `${user.github ?? 'unknown'} (no Slack ID)`;
}
