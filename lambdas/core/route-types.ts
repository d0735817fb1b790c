/** What routing an alarm did, returned to the handler (logs) and the local runner (HTTP answer). */
import type { RouterConfig } from './config.ts';
import type { AlarmType } from './message.ts';
import type { Chat, Events, IssueRef, IssueTracker, Metrics, PageResult, Pager, Timers } from './ports.ts';
import type { StepDeps } from './steps.ts';
import type { NativeSummary } from './sources/translate.ts';

export interface RouteDeps extends StepDeps {
  chat: Chat;
  tracker: IssueTracker;
  pager: Pager;
  metrics: Metrics;
  timers: Timers;
  /** Where answers, escalations, timeouts and resolves are published (EventBridge). */
  events: Events;
  config: RouterConfig;
}

export interface DmOutcome {
  /** The Slack user or channel asked for (the default channel for a fallback). */
  to: string;
  channel?: string;
  ts?: string;
  /** Why the message went to the default channel instead. */
  fallback?: string;
  /** Slack's reason for refusing the DM; the default channel was told. */
  failed?: string;
  /** Held back by the per-user DM cap; it goes out in the user's digest. */
  held?: boolean;
}

export interface Delivery {
  key: string;
  occurrence?: number;
  issue?: IssueRef;
  dms: DmOutcome[];
  page?: PageResult;
  /** Why nothing new was sent (an open issue, `retrigger: false`, the storm window). */
  suppressed?: string;
  /** How often this alarm was seen in its current occurrence, when it repeated. */
  seen?: number;
  /** The key is snoozed: this repeat was counted and nothing was sent (lambdas/core/snooze/). */
  snoozed?: { by: string; until: number; repeats?: number | undefined };
}

export interface RouteReport {
  requestId: string;
  /** The alarm's type; for a native event, its first alarm's, or `none` when it became no alarm. */
  type: AlarmType | 'none';
  deliveries: Delivery[];
  /** For an AWS event Dispatch translated (lambdas/core/sources/): what it was and what it became. */
  native?: NativeSummary | undefined;
}

/** Identifies one SNS message: a redelivery carries the same ID, a re-publish a new one. */
export interface RouteContext {
  messageId: string;
  /** The named producer that sent the alarm (from its topic); undefined for the default producer. */
  producer?: string | undefined;
}
