/** The one place the vendor clients are built: env -> adapters -> the `deps` objects the use cases take. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeEvents } from '../adapters/eventbridge-events.ts';
import { GitHubAppToken } from '../adapters/github-app-token.ts';
import { NoTimers } from '../adapters/scheduler-timers.ts';
import { GitHubIssues } from '../adapters/github-issues.ts';
import { EventsPager, RestPager } from '../adapters/pagerduty-pager.ts';
import { headerToken, optionalHeaderToken } from '../adapters/secret-values.ts';
import { SlackChat } from '../adapters/slack-chat.ts';
import { SqsDeadLetters } from '../adapters/sqs-dead-letters.ts';
import type { Secrets } from '../adapters/ssm-secrets.ts';
import type { Chat, Clock, DeadLetters, Events, IssueTracker, Pager } from '../core/ports.ts';
import type { RouteDeps } from '../core/route.ts';
import type { TriageWorkDeps } from '../core/triage-work.ts';
import { SECRET, type Env } from './env.ts';
import { emfMetrics } from './logger.ts';
import {
  AWS_CLIENT_OPTIONS,
  FUNCTION_SECRETS,
  asEnv,
  basics,
  buildSecrets,
  buildTimers,
  type Platform,
} from './wiring-base.ts';

export type { Platform } from './wiring-base.ts';

interface Vendors {
  chat: Chat;
  tracker: IssueTracker;
  pager: Pager;
}

/** A token for GitHub: the stored one, or a GitHub App installation token (cached until near expiry). */
function githubToken(env: Env, secrets: Secrets, clock: Clock): () => Promise<string> {
  if (env.DISPATCH_GITHUB_AUTH !== 'app') return headerToken(secrets, SECRET.githubToken);
  const app = new GitHubAppToken({
    appId: env.DISPATCH_GITHUB_APP_ID!,
    installationId: env.DISPATCH_GITHUB_APP_INSTALLATION_ID!,
    privateKey: () => secrets.get(SECRET.githubAppPrivateKey),
    apiUrl: env.DISPATCH_GITHUB_API_URL,
    timeoutMs: env.DISPATCH_VENDOR_TIMEOUT_MS,
    clock,
  });
  return () => app.token();
}

function buildVendors(env: Env, secrets: Secrets, clock: Clock): Vendors {
  const timeoutMs = env.DISPATCH_VENDOR_TIMEOUT_MS;
  const common = { timeoutMs, clock };
  const pager: Pager =
    env.DISPATCH_PAGERDUTY_MODE === 'rest'
      ? new RestPager({
          ...common,
          apiToken: headerToken(secrets, SECRET.pagerdutyApiToken),
          from: env.DISPATCH_PAGERDUTY_FROM!,
          defaultServiceId: env.DISPATCH_PAGERDUTY_SERVICE_ID!,
          apiUrl: env.DISPATCH_PAGERDUTY_API_URL,
        })
      : new EventsPager({
          ...common,
          routingKey: () => secrets.get(SECRET.pagerdutyRoutingKey),
          eventsUrl: env.DISPATCH_PAGERDUTY_EVENTS_URL,
          // Optional: with it, the service an alarm names is paged through its own Events API v2 integration.
          apiToken: optionalHeaderToken(secrets, SECRET.pagerdutyApiToken, clock),
          apiUrl: env.DISPATCH_PAGERDUTY_API_URL,
        });
  return {
    chat: new SlackChat({
      ...common,
      token: headerToken(secrets, SECRET.slackBotToken),
      apiUrl: env.DISPATCH_SLACK_API_URL,
    }),
    tracker: new GitHubIssues({
      ...common,
      token: githubToken(env, secrets, clock),
      apiUrl: env.DISPATCH_GITHUB_API_URL,
      // What Dispatch created is recognised by its author: the app's bot, or (token auth) the token's user.
      appId: env.DISPATCH_GITHUB_AUTH === 'app' ? env.DISPATCH_GITHUB_APP_ID : undefined,
    }),
    pager,
  };
}

/**
 * Answers, escalations, timeouts and resolves as EventBridge events, on DISPATCH_EVENT_BUS (unset: the default bus).
 * The client takes its endpoint from AWS_ENDPOINT_URL_EVENTBRIDGE when set. The triage HTTP function publishes
 * nothing, so this lives here, beside the vendors, not in wiring-base.ts.
 */
function buildEvents(env: Env, platform: Platform): Events {
  return (
    platform.events ??
    new EventBridgeEvents(new EventBridgeClient(AWS_CLIENT_OPTIONS), { busName: env.DISPATCH_EVENT_BUS })
  );
}

/**
 * The alarm path's dead-letter queue, when the stack named it (DISPATCH_DEAD_LETTER_QUEUE_URL). The local runner names
 * none: there a rejected alarm is thrown, and the runner answers 400 with its problems.
 */
function buildDeadLetters(env: Env, platform: Platform): DeadLetters | undefined {
  if (platform.deadLetters) return platform.deadLetters;
  const url = env.DISPATCH_DEAD_LETTER_QUEUE_URL;
  return url ? new SqsDeadLetters(new SQSClient(AWS_CLIENT_OPTIONS), url) : undefined;
}

export function buildRouteDeps(
  env: Env,
  platform: Platform = {},
): RouteDeps & { events: Events; deadLetters?: DeadLetters | undefined } {
  const base = basics(env, platform, 'dispatch-incoming');
  const secrets = buildSecrets(env, FUNCTION_SECRETS.incoming(env), platform);
  const timers = buildTimers(env, platform, base.log);
  // Held DMs go out in a digest set by a timer: without timers, nothing may be held.
  const config = timers instanceof NoTimers ? { ...base.config, userDmCap: 0 } : base.config;
  return {
    ...base,
    config,
    metrics: emfMetrics('Dispatch', platform.write),
    timers,
    events: buildEvents(env, platform),
    deadLetters: buildDeadLetters(env, platform),
    ...buildVendors(env, secrets, base.clock),
  };
}

export function buildTriageWorkDeps(
  source: Env | Record<string, string | undefined>,
  platform: Platform = {},
): TriageWorkDeps & { events: Events } {
  const env = asEnv(source);
  const base = basics(env, platform, 'dispatch-triage-worker');
  const secrets = buildSecrets(env, FUNCTION_SECRETS.triageWorker(env), platform);
  return {
    ...base,
    timers: buildTimers(env, platform, base.log),
    events: buildEvents(env, platform),
    ...buildVendors(env, secrets, base.clock),
  };
}
