/**
 * People by email: before an alarm is routed, a user with an `email` and no `slackId` gets the Slack user ID Slack
 * has for that email (users.lookupByEmail, https://api.slack.com/methods/users.lookupByEmail), and a user without
 * `github` gets the login the environment's `people` map gives their email. A user's identity in the alarm key is
 * their email either way (keys.ts `userIdentity`), so a repeat joins the same alarm whether Slack knew them or not.
 *
 * Cost on the critical path, in sequential round trips: none for an alarm whose users have a Slack ID (or no
 * email); with emails, one ledger read (every email's in parallel) and, for the emails not remembered, one Slack
 * call (in parallel). A found ID is remembered for a day by a ledger write that the DM does not wait for; the
 * writes are awaited before the route returns (Lambda freezes what runs after the handler returned).
 *
 * Slack's `users_not_found` (or a deactivated account) leaves the user without a Slack ID: the routes' fallback
 * tells the default channel, naming the email (notes.ts). Any other failure fails the alarm, which is retried.
 */
import { mapSettled } from '../concurrency.ts';
import type { RoutedUser } from '../keys.ts';
import type { Alarm } from '../message.ts';
import type { PersonRecord } from '../ports.ts';
import type { RouteDeps } from '../route-types.ts';
import { throwIfAnyFailed } from '../routes/failures.ts';
import { personByEmail, type People } from './people-map.ts';

/** How long a person found by email is remembered. */
export const PERSON_TTL_MS = 24 * 60 * 60_000;
/** Ledger reads in flight at once (Slack lookups share the broadcast concurrency). */
const READS_IN_FLIGHT = 100;

export type PeopleDeps = Pick<RouteDeps, 'chat' | 'ledger' | 'clock' | 'log' | 'config'>;

export interface ResolvedAlarm {
  alarm: Alarm;
  /** The cache writes still in flight; never rejects (a lost write only means asking Slack again). */
  remembered: Promise<void>;
}

const NOTHING_PENDING = Promise.resolve();

/** Runs `route` on the alarm with its users resolved, and waits for the cache writes before returning. */
export async function withPeople<T>(
  deps: PeopleDeps,
  alarm: Alarm,
  route: (alarm: Alarm) => Promise<T>,
): Promise<T> {
  if (!usersOf(alarm)?.some((u) => u.email)) return route(alarm);
  const resolved = await resolveUsers(deps, alarm);
  try {
    return await route(resolved.alarm);
  } finally {
    await resolved.remembered;
  }
}

/** The alarm with its users' Slack IDs (by email) and GitHub handles (from the `people` map) filled in. */
export async function resolveUsers(deps: PeopleDeps, alarm: Alarm): Promise<ResolvedAlarm> {
  const users = usersOf(alarm);
  if (!users?.some((u) => u.email)) return { alarm, remembered: NOTHING_PENDING };
  // A low-priority alarm only tags its first user on GitHub: no Slack ID is needed.
  const wanted =
    alarm.type === 'low-priority'
      ? []
      : [...new Set(users.filter((u) => u.email && !u.slackId).map((u) => u.email!.toLowerCase()))];
  const { found, remembered } = await findInSlack(deps, wanted);
  const people = deps.config.people;
  const routed = users.map((user) => routedUser(user, found, people));
  return { alarm: { ...alarm, users: routed } as Alarm, remembered };
}

function usersOf(alarm: Alarm): readonly RoutedUser[] | undefined {
  return alarm.type === 'high-priority' ? undefined : alarm.users;
}

function routedUser(
  user: RoutedUser,
  found: ReadonlyMap<string, string>,
  people: People | undefined,
): RoutedUser {
  if (!user.email) return user;
  const email = user.email.toLowerCase();
  const slackId = user.slackId ? undefined : found.get(email);
  const github = user.github ? undefined : personByEmail(people, email)?.github;
  if (!slackId && !github) return user;
  return {
    ...user,
    ...(slackId ? { slackId, slackIdFrom: 'email' as const } : {}),
    ...(github ? { github } : {}),
  };
}

/** Slack user IDs by (lower-cased) email: remembered ones from the ledger, the rest from Slack. */
async function findInSlack(
  deps: PeopleDeps,
  emails: string[],
): Promise<{ found: Map<string, string>; remembered: Promise<void> }> {
  const found = new Map<string, string>();
  if (emails.length === 0) return { found, remembered: NOTHING_PENDING };
  const cached = await mapSettled(emails, READS_IN_FLIGHT, (email) => deps.ledger.person(email));
  throwIfAnyFailed(cached);
  const misses: string[] = [];
  emails.forEach((email, i) => {
    const hit = (cached[i] as PromiseFulfilledResult<PersonRecord | undefined>).value;
    if (hit) found.set(email, hit.slackId);
    else misses.push(email);
  });

  const writes: Promise<void>[] = [];
  const unknown: string[] = [];
  const until = deps.clock.now() + PERSON_TTL_MS;
  const asked = await mapSettled(misses, deps.config.broadcastConcurrency, async (email) => {
    const slackId = await deps.chat.lookupByEmail(email);
    if (!slackId) return void unknown.push(email);
    found.set(email, slackId);
    writes.push(
      deps.ledger.rememberPerson(email, slackId, until).catch((error: unknown) => {
        deps.log.warn('could not remember a person found by email; the next alarm asks Slack again', {
          email,
          error,
        });
      }),
    );
  });
  const remembered = Promise.all(writes).then(() => undefined);
  if (unknown.length)
    deps.log.warn('no Slack user has these emails; the default channel is told instead', {
      emails: unknown,
    });
  if (asked.some((r) => r.status === 'rejected')) {
    await remembered;
    throwIfAnyFailed(asked);
  }
  return { found, remembered };
}
