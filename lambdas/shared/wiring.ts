/** The one place real clients are built: env -> adapters -> the `deps` object the use cases take. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoLedger } from '../adapters/dynamodb-ledger.ts';
import { GitHubIssues } from '../adapters/github-issues.ts';
import { EventsPager, RestPager } from '../adapters/pagerduty-pager.ts';
import { SlackChat } from '../adapters/slack-chat.ts';
import { EnvSecrets, SsmSecrets, type Secrets } from '../adapters/ssm-secrets.ts';
import type { Clock, Pager } from '../core/ports.ts';
import type { RouteDeps } from '../core/route.ts';
import { LOCAL_SECRET_ENV, SECRET, routerConfig, type Env } from './env.ts';
import { emfMetrics, jsonLogger, systemClock } from './logger.ts';

export interface Platform {
  clock?: Clock;
  secrets?: Secrets;
  dynamodb?: DynamoDBClient;
  source?: Record<string, string | undefined>;
  /** Where log and metric lines go (stdout by default). */
  write?: (line: string) => void;
}

export function buildSecrets(env: Env, secretNames: string[], platform: Platform): Secrets {
  if (platform.secrets) return platform.secrets;
  if (env.DISPATCH_SSM_PREFIX) {
    return new SsmSecrets(new SSMClient({}), platform.clock ?? systemClock, {
      prefix: env.DISPATCH_SSM_PREFIX,
      names: secretNames,
    });
  }
  const source = platform.source ?? process.env;
  return new EnvSecrets(
    Object.fromEntries(Object.entries(LOCAL_SECRET_ENV).map(([name, v]) => [name, source[v]])),
  );
}

function buildPager(env: Env, secrets: Secrets, clock: Clock): Pager {
  const common = { timeoutMs: env.DISPATCH_VENDOR_TIMEOUT_MS, clock };
  if (env.DISPATCH_PAGERDUTY_MODE === 'rest') {
    return new RestPager({
      ...common,
      apiToken: () => secrets.get(SECRET.pagerdutyApiToken),
      from: env.DISPATCH_PAGERDUTY_FROM!,
      defaultServiceId: env.DISPATCH_PAGERDUTY_SERVICE_ID!,
      apiUrl: env.DISPATCH_PAGERDUTY_API_URL,
    });
  }
  return new EventsPager({
    ...common,
    routingKey: () => secrets.get(SECRET.pagerdutyRoutingKey),
    eventsUrl: env.DISPATCH_PAGERDUTY_EVENTS_URL,
  });
}

/** Secrets the incoming function reads. */
export function incomingSecretNames(env: Env): string[] {
  return [
    SECRET.slackBotToken,
    SECRET.githubToken,
    env.DISPATCH_PAGERDUTY_MODE === 'rest' ? SECRET.pagerdutyApiToken : SECRET.pagerdutyRoutingKey,
  ];
}

export function buildRouteDeps(env: Env, platform: Platform = {}): RouteDeps {
  const clock = platform.clock ?? systemClock;
  const secrets = buildSecrets(env, incomingSecretNames(env), platform);
  const timeoutMs = env.DISPATCH_VENDOR_TIMEOUT_MS;
  const dynamodb =
    platform.dynamodb ??
    new DynamoDBClient(env.DISPATCH_DYNAMODB_ENDPOINT ? { endpoint: env.DISPATCH_DYNAMODB_ENDPOINT } : {});
  return {
    config: routerConfig(env),
    clock,
    log: jsonLogger({ service: 'dispatch-incoming' }, platform.write),
    metrics: emfMetrics('Dispatch', platform.write),
    ledger: new DynamoLedger(dynamodb, clock, { table: env.DISPATCH_LEDGER_TABLE }),
    chat: new SlackChat({
      token: () => secrets.get(SECRET.slackBotToken),
      apiUrl: env.DISPATCH_SLACK_API_URL,
      timeoutMs,
      clock,
    }),
    tracker: new GitHubIssues({
      token: () => secrets.get(SECRET.githubToken),
      apiUrl: env.DISPATCH_GITHUB_API_URL,
      timeoutMs,
      clock,
    }),
    pager: buildPager(env, secrets, clock),
  };
}
