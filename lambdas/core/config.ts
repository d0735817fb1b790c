/** What the router needs to know about one environment; parsed from env vars in lambdas/shared/env.ts. */
export interface RouterConfig {
  /** GitHub organisation or user owning the default repository and any bare `githubRepo`. */
  githubOwner: string;
  /** Repository for issues when an alarm names none. */
  githubDefaultRepo: string;
  /** User or `org/team` tagged when a user has no GitHub handle. */
  githubDefaultUser: string;
  /** Slack channel told when a user has no Slack ID or a DM fails. */
  slackDefaultChannel: string;
  /** How long a claimed step stays claimed before another attempt may take it over (>= function timeout). */
  leaseMs: number;
  /** How long to wait for a step another worker holds before giving up and retrying later. */
  heldWaitMs: number;
  /** Parallel DMs in a broadcast. */
  broadcastConcurrency: number;
}

export const ROUTER_DEFAULTS = {
  leaseMs: 90_000,
  heldWaitMs: 5_000,
  broadcastConcurrency: 20,
} satisfies Partial<RouterConfig>;
