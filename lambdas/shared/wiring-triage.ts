/**
 * Wiring of the triage HTTP function, kept apart from the vendor clients: it needs the ledger, its signing secret,
 * the worker queue and Slack's views.open (plain fetch) only, so its bundle (and cold start) carries no Slack,
 * GitHub or PagerDuty client.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaJobs } from '../adapters/jobs.ts';
import { headerToken } from '../adapters/secret-values.ts';
import { SlackViews } from '../adapters/slack-views.ts';
import { ConfigError } from '../core/errors.ts';
import type { TriageHttpDeps } from '../triage/handler.ts';
import { SECRET, type Env } from './env.ts';
import {
  AWS_CLIENT_OPTIONS,
  FUNCTION_SECRETS,
  asEnv,
  basics,
  buildSecrets,
  type Platform,
} from './wiring-base.ts';

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
    jobs = new LambdaJobs(new LambdaClient(AWS_CLIENT_OPTIONS), env.DISPATCH_TRIAGE_WORKER);
  }
  return {
    ...base,
    jobs,
    signingSecret: () => secrets.get(SECRET.slackSigningSecret),
    views: new SlackViews({
      token: headerToken(secrets, SECRET.slackBotToken),
      apiUrl: env.DISPATCH_SLACK_API_URL,
      timeoutMs: env.DISPATCH_VENDOR_TIMEOUT_MS,
    }),
    slackBinding: { teamId: env.DISPATCH_SLACK_TEAM_ID, appId: env.DISPATCH_SLACK_APP_ID },
  };
}
