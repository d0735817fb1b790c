/**
 * Wiring of the triage HTTP function, kept apart from the vendor clients: it needs the ledger, its signing secret
 * and the worker queue only, so its bundle (and cold start) carries no Slack, GitHub or PagerDuty client.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaJobs } from '../adapters/jobs.ts';
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
    slackBinding: { teamId: env.DISPATCH_SLACK_TEAM_ID, appId: env.DISPATCH_SLACK_APP_ID },
  };
}
