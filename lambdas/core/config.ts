import type { People } from './people/people-map.ts';
import type { Producers } from './producers/producers.ts';
import type { SourcesConfig } from './sources/config.ts';

/** What the router needs to know about one environment; parsed from env vars in lambdas/shared/env.ts. */
export interface RouterConfig {
  /** Named producers by name (their topics and the types they may send); absent: the alarm topic only. */
  producers?: Producers;
  /** GitHub organisation or user owning the default repository and any bare `githubRepo`. */
  githubOwner: string;
  /** Repository for issues when an alarm names none. */
  githubDefaultRepo: string;
  /** User or `org/team` tagged when a user has no GitHub handle. */
  githubDefaultUser: string;
  /** Slack channel told when a user has no Slack ID or a DM fails. */
  slackDefaultChannel: string;
  /** People by email (lower-cased): the GitHub login a user with that `email` is tagged with; absent: none. */
  people?: People | undefined;
  /** How native AWS events are translated (lambdas/core/sources/); absent: every source's defaults. */
  sources?: SourcesConfig | undefined;
  /** How long a claimed step stays claimed before another attempt may take it over (>= function timeout). */
  leaseMs: number;
  /** How long to wait for a step another worker holds before giving up and retrying later. */
  heldWaitMs: number;
  /** Parallel DMs in a broadcast. */
  broadcastConcurrency: number;
  /** Minutes a self-service prompt waits for an answer before it is escalated as "no"; 0 turns deadlines off. */
  promptDeadlineMinutes: number;
  /** Whether a reminder DM goes out halfway to the deadline. */
  promptReminder: boolean;
  /** Whether "yes" counts only with a reason (asked in a modal) when the alarm does not say; default false. */
  promptRequireReason?: boolean | undefined;
  /** Slack user IDs who may answer any prompt on its owner's behalf; none: only the owner answers. */
  responders?: readonly string[] | undefined;
  /** What an unanswered prompt becomes at its deadline when the alarm does not say. */
  promptOnTimeout?: 'escalate' | 'close' | undefined;
  /** Storm control: repeats of a high-priority alarm within this window do not page again (0 turns it off). */
  stormWindowMs: number;
  /**
   * Repeats of a nag within this window do not DM again. 0 (the default): a nag DMs every time, as the original
   * Dispatch did; the per-user DM cap is the flood guard.
   */
  nagWindowMs: number;
  /** At most this many broadcast/nag DMs per user per `userDmWindowMs`; the rest go out as one digest (0: no cap). */
  userDmCap: number;
  userDmWindowMs: number;
}

export const ROUTER_DEFAULTS = {
  leaseMs: 90_000,
  heldWaitMs: 5_000,
  broadcastConcurrency: 20,
  promptDeadlineMinutes: 240,
  promptReminder: true,
  stormWindowMs: 300_000,
  nagWindowMs: 0,
  userDmCap: 20,
  userDmWindowMs: 600_000,
} satisfies Partial<RouterConfig>;
