/**
 * What every function's wiring shares: env parsing, secrets, the ledger, logging. No vendor client is imported
 * here, so a function that needs none (the triage HTTP function) does not carry one in its bundle.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoLedger } from '../adapters/dynamodb-ledger.ts';
import { EnvSecrets, SsmSecrets, type Secrets } from '../adapters/ssm-secrets.ts';
import type { Clock, DeadLetters, Events, Jobs, Log, Timers } from '../core/ports.ts';
import { NoTimers, SchedulerTimers } from '../adapters/scheduler-timers.ts';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { LOCAL_SECRET_ENV, SECRET, pagerdutySecrets, parseEnv, routerConfig, type Env } from './env.ts';
import { jsonLogger, systemClock } from './logger.ts';

export interface Platform {
  clock?: Clock;
  secrets?: Secrets;
  dynamodb?: DynamoDBClient;
  jobs?: Jobs;
  timers?: Timers;
  /** Where events go instead of EventBridge (the local runner's built-in bus, tests). */
  events?: Events;
  /** Where the incoming function sends rejected alarms instead of DISPATCH_DEAD_LETTER_QUEUE_URL's queue (tests). */
  deadLetters?: DeadLetters;
  /** Environment the local secrets are read from (process.env by default). */
  source?: Record<string, string | undefined>;
  /** Where log and metric lines go (stdout by default). */
  write?: (line: string) => void;
  /** Start reading the secrets from SSM as soon as they are built (Lambda's init), not at their first use. */
  prefetchSecrets?: boolean;
}

/** AWS clients fail fast and retry a little; the Lambda retry is the long retry. */
export const AWS_CLIENT_OPTIONS = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
} as const;

export function buildSecrets(env: Env, secretNames: string[], platform: Platform): Secrets {
  if (platform.secrets) return platform.secrets;
  if (env.DISPATCH_SSM_PREFIX) {
    const secrets = new SsmSecrets(new SSMClient(AWS_CLIENT_OPTIONS), platform.clock ?? systemClock, {
      prefix: env.DISPATCH_SSM_PREFIX,
      names: secretNames,
    });
    if (platform.prefetchSecrets) secrets.prefetch();
    return secrets;
  }
  const source = platform.source ?? process.env;
  return new EnvSecrets(
    Object.fromEntries(Object.entries(LOCAL_SECRET_ENV).map(([name, v]) => [name, source[v]])),
  );
}

/** In Events mode the API token is optional (it resolves an alarm's service); a missing one fails nothing. */
function pagerSecrets(env: Env): string[] {
  return pagerdutySecrets(env.DISPATCH_PAGERDUTY_MODE);
}

function githubSecret(env: Env): string {
  return env.DISPATCH_GITHUB_AUTH === 'app' ? SECRET.githubAppPrivateKey : SECRET.githubToken;
}

/** Secrets each function reads; the stack grants each function exactly these. */
export const FUNCTION_SECRETS = {
  incoming: (env: Env) => [SECRET.slackBotToken, githubSecret(env), ...pagerSecrets(env)],
  // The bot token opens the reason modal (views.open) within the click's 3-second trigger window.
  triage: () => [SECRET.slackSigningSecret, SECRET.slackBotToken],
  triageWorker: (env: Env) => [SECRET.slackBotToken, githubSecret(env), ...pagerSecrets(env)],
};

export function basics(env: Env, platform: Platform, service: string) {
  const clock = platform.clock ?? systemClock;
  const dynamodb =
    platform.dynamodb ??
    new DynamoDBClient({
      ...AWS_CLIENT_OPTIONS,
      ...(env.DISPATCH_DYNAMODB_ENDPOINT ? { endpoint: env.DISPATCH_DYNAMODB_ENDPOINT } : {}),
    });
  const log: Log = jsonLogger({ service }, platform.write);
  const config = routerConfig(env);
  return {
    clock,
    log,
    config,
    ledger: new DynamoLedger(dynamodb, clock, { table: env.DISPATCH_LEDGER_TABLE }),
  };
}

export function asEnv(source: Env | Record<string, string | undefined>): Env {
  return 'DISPATCH_VENDOR_TIMEOUT_MS' in source && typeof source.DISPATCH_VENDOR_TIMEOUT_MS === 'number'
    ? (source as Env)
    : parseEnv(source as Record<string, string | undefined>);
}

/** Prompt timers: EventBridge Scheduler when the stack named its group, else what the platform gives, else none. */
export function buildTimers(env: Env, platform: Platform, log: Log): Timers {
  if (platform.timers) return platform.timers;
  const {
    DISPATCH_SCHEDULE_GROUP: group,
    DISPATCH_SCHEDULER_ROLE_ARN: roleArn,
    DISPATCH_TRIAGE_WORKER_ARN: workerArn,
  } = env;
  if (group)
    return new SchedulerTimers(new SchedulerClient(AWS_CLIENT_OPTIONS), { group, roleArn, workerArn });
  return new NoTimers(log);
}
