/** The one place real clients are built: env -> adapters -> the `deps` objects the use cases take. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoLedger } from '../adapters/dynamodb-ledger.ts';
import { GitHubIssues } from '../adapters/github-issues.ts';
import { LambdaJobs } from '../adapters/jobs.ts';
import { EventsPager, RestPager } from '../adapters/pagerduty-pager.ts';
import { SlackChat } from '../adapters/slack-chat.ts';
import { EnvSecrets, SsmSecrets, type Secrets } from '../adapters/ssm-secrets.ts';
import { ConfigError } from '../core/errors.ts';
import type { Chat, Clock, IssueTracker, Jobs, Log, Pager } from '../core/ports.ts';
import type { RouteDeps } from '../core/route.ts';
import type { TriageWorkDeps } from '../core/triage-work.ts';
import type { TriageHttpDeps } from '../triage/handler.ts';
import { LOCAL_SECRET_ENV, SECRET, parseEnv, routerConfig, type Env } from './env.ts';
import { emfMetrics, jsonLogger, systemClock } from './logger.ts';

export interface Platform {
  clock?: Clock;
  secrets?: Secrets;
  dynamodb?: DynamoDBClient;
  jobs?: Jobs;
  /** Environment the local secrets are read from (process.env by default). */
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

function pagerSecret(env: Env): string {
  return env.DISPATCH_PAGERDUTY_MODE === 'rest' ? SECRET.pagerdutyApiToken : SECRET.pagerdutyRoutingKey;
}

/** Secrets each function reads; the stack grants each function exactly these. */
export const FUNCTION_SECRETS = {
  incoming: (env: Env) => [SECRET.slackBotToken, SECRET.githubToken, pagerSecret(env)],
  triage: () => [SECRET.slackSigningSecret],
  triageWorker: (env: Env) => [SECRET.slackBotToken, SECRET.githubToken, pagerSecret(env)],
};

interface Vendors {
  chat: Chat;
  tracker: IssueTracker;
  pager: Pager;
}

function buildVendors(env: Env, secrets: Secrets, clock: Clock): Vendors {
  const timeoutMs = env.DISPATCH_VENDOR_TIMEOUT_MS;
  const common = { timeoutMs, clock };
  const pager: Pager =
    env.DISPATCH_PAGERDUTY_MODE === 'rest'
      ? new RestPager({
          ...common,
          apiToken: () => secrets.get(SECRET.pagerdutyApiToken),
          from: env.DISPATCH_PAGERDUTY_FROM!,
          defaultServiceId: env.DISPATCH_PAGERDUTY_SERVICE_ID!,
          apiUrl: env.DISPATCH_PAGERDUTY_API_URL,
        })
      : new EventsPager({
          ...common,
          routingKey: () => secrets.get(SECRET.pagerdutyRoutingKey),
          eventsUrl: env.DISPATCH_PAGERDUTY_EVENTS_URL,
        });
  return {
    chat: new SlackChat({
      ...common,
      token: () => secrets.get(SECRET.slackBotToken),
      apiUrl: env.DISPATCH_SLACK_API_URL,
    }),
    tracker: new GitHubIssues({
      ...common,
      token: () => secrets.get(SECRET.githubToken),
      apiUrl: env.DISPATCH_GITHUB_API_URL,
    }),
    pager,
  };
}

function basics(env: Env, platform: Platform, service: string) {
  const clock = platform.clock ?? systemClock;
  const dynamodb =
    platform.dynamodb ??
    new DynamoDBClient(env.DISPATCH_DYNAMODB_ENDPOINT ? { endpoint: env.DISPATCH_DYNAMODB_ENDPOINT } : {});
  const log: Log = jsonLogger({ service }, platform.write);
  const config = routerConfig(env);
  return {
    clock,
    log,
    config,
    ledger: new DynamoLedger(dynamodb, clock, { table: env.DISPATCH_LEDGER_TABLE }),
  };
}

export function buildRouteDeps(env: Env, platform: Platform = {}): RouteDeps {
  const base = basics(env, platform, 'dispatch-incoming');
  const secrets = buildSecrets(env, FUNCTION_SECRETS.incoming(env), platform);
  return {
    ...base,
    metrics: emfMetrics('Dispatch', platform.write),
    ...buildVendors(env, secrets, base.clock),
  };
}

export function buildTriageWorkDeps(
  source: Env | Record<string, string | undefined>,
  platform: Platform = {},
): TriageWorkDeps {
  const env = asEnv(source);
  const base = basics(env, platform, 'dispatch-triage-worker');
  const secrets = buildSecrets(env, FUNCTION_SECRETS.triageWorker(env), platform);
  return { ...base, ...buildVendors(env, secrets, base.clock) };
}

export function buildTriageDeps(
  source: Env | Record<string, string | undefined>,
  platform: Platform = {},
): TriageHttpDeps {
  const env = asEnv(source);
  const base = basics(env, platform, 'dispatch-triage');
  const secrets = buildSecrets(env, FUNCTION_SECRETS.triage(), platform);
  let jobs = platform.jobs;
  if (!jobs) {
    if (!env.DISPATCH_TRIAGE_WORKER)
      throw new ConfigError('DISPATCH_TRIAGE_WORKER is not set: the triage worker function name');
    jobs = new LambdaJobs(new LambdaClient({}), env.DISPATCH_TRIAGE_WORKER);
  }
  return { ...base, jobs, signingSecret: () => secrets.get(SECRET.slackSigningSecret) };
}

function asEnv(source: Env | Record<string, string | undefined>): Env {
  return 'DISPATCH_VENDOR_TIMEOUT_MS' in source && typeof source.DISPATCH_VENDOR_TIMEOUT_MS === 'number'
    ? (source as Env)
    : parseEnv(source as Record<string, string | undefined>);
}
