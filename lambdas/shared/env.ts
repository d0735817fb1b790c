/**
 * The environment variables both Lambdas (and the local runner) read, validated once at cold start.
 * A missing or malformed value is named with what to set it to.
 */
import { z } from 'zod';
import { ROUTER_DEFAULTS, type RouterConfig } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';
import { parseResponders } from '../core/answer/responders.ts';
import { ProducersSchema } from '../core/producers/producers.ts';
import { parseJsonSetting } from '../core/json-setting.ts';
import { SourcesSchema } from '../core/sources/config.ts';
import { PeopleSchema } from '../core/people/people-map.ts';

const required = (what: string, example: string) =>
  z
    .string({ error: `is not set: ${what}, e.g. ${example}` })
    .min(1, { error: `is empty: ${what}, e.g. ${example}` });
const url = z.url({ error: 'must be an http(s) URL' }).optional();
const int = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);

/** A variable read by `parse`: its value, or each of its problems as an issue of the variable. */
function parsedVariable<T>(parse: (raw: string | undefined) => { value: T } | { problems: string[] }) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const parsed = parse(raw);
      if ('value' in parsed) return parsed.value;
      for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    });
}

/** A variable holding JSON checked by `schema`; `unset` when absent or blank (default: the schema's defaults). */
function jsonVariable<T extends z.ZodType>(schema: T, example: string, unset?: z.output<T>) {
  return parsedVariable((raw) =>
    (raw === undefined || raw.trim() === '') && unset !== undefined
      ? { value: unset }
      : parseJsonSetting(schema, raw, example),
  );
}

export const EnvSchema = z
  .object({
    DISPATCH_GITHUB_OWNER: required('the GitHub organisation or user owning the alarm repositories', 'acme'),
    DISPATCH_GITHUB_DEFAULT_REPO: required(
      'the repository for issues when an alarm names none',
      'security-alarms',
    ),
    DISPATCH_GITHUB_DEFAULT_USER: required(
      'the GitHub user or org/team tagged when a user has no handle',
      'acme/security',
    ),
    DISPATCH_SLACK_DEFAULT_CHANNEL: required(
      'the Slack channel ID told about fallbacks and failures',
      'C0123456789',
    ),
    DISPATCH_LEDGER_TABLE: required('the DynamoDB table of the delivery ledger', 'dispatch-prod-ledger'),
    /** SSM path holding the secrets; unset only in the local runner, which takes secrets from its environment. */
    DISPATCH_SSM_PREFIX: z
      .string()
      .regex(/^\/[\w./-]+$/, { error: 'must be an SSM path such as /dispatch/prod' })
      .optional(),
    DISPATCH_PAGERDUTY_MODE: z
      .enum(['events', 'rest'], { error: 'must be "events" (default) or "rest"' })
      .default('events'),
    /** `token` (a personal or machine-user token, the default) or `app` (a GitHub App installation). */
    DISPATCH_GITHUB_AUTH: z
      .enum(['token', 'app'], { error: 'must be "token" (default) or "app"' })
      .default('token'),
    DISPATCH_GITHUB_APP_ID: z
      .string()
      .regex(/^\d+$/, { error: 'must be the numeric GitHub App ID' })
      .optional(),
    DISPATCH_GITHUB_APP_INSTALLATION_ID: z
      .string()
      .regex(/^\d+$/, { error: 'must be the numeric installation ID' })
      .optional(),
    DISPATCH_PAGERDUTY_SERVICE_ID: z.string().optional(),
    DISPATCH_PAGERDUTY_FROM: z.email({ error: 'must be the email of a PagerDuty user' }).optional(),
    /**
     * The Slack workspace (T…, or an Enterprise Grid org E…) and the app (A…) whose clicks the triage answers; unset:
     * any that Slack signed. Both are in auth.test / the app's Basic Information; `dispatch doctor` prints them.
     */
    DISPATCH_SLACK_TEAM_ID: z
      .string()
      .regex(/^[TE][A-Z0-9]{6,}$/, {
        error: 'must be a Slack team ID (T…) or Enterprise Grid org ID (E…) in capitals, e.g. T0123ABCD',
      })
      .optional(),
    DISPATCH_SLACK_APP_ID: z
      .string()
      .regex(/^A[A-Z0-9]{6,}$/, { error: 'must be a Slack app ID (A…) in capitals, e.g. A0123ABCD' })
      .optional(),
    DISPATCH_SLACK_API_URL: url,
    DISPATCH_GITHUB_API_URL: url,
    DISPATCH_PAGERDUTY_API_URL: url,
    DISPATCH_PAGERDUTY_EVENTS_URL: url,
    DISPATCH_DYNAMODB_ENDPOINT: url,
    /** The triage worker function the triage function queues work for (set by the stack). */
    DISPATCH_TRIAGE_WORKER: z.string().min(1).optional(),
    /**
     * Named producers as JSON, `{"<name>": {"types": [...], "topicArn": "..."}}` (the stack sets it from cdk.json
     * `producers`; the local runner takes cdk.json's shape and makes up the topics). Unset: the alarm topic only.
     */
    DISPATCH_PRODUCERS: jsonVariable(ProducersSchema, '{"<name>": {"types": ["low-priority"]}}', {}),
    /**
     * People by email as JSON, `{"alice@example.com": {"github": "alice", "iamUsers": ["alice"]}}` (the stack sets it
     * from cdk.json `people`); unset: none.
     */
    DISPATCH_PEOPLE: jsonVariable(PeopleSchema, '{"alice@example.com": {"github": "alice"}}', {}),
    /**
     * How native AWS events are translated, as JSON: cdk.json `sources` (lambdas/core/sources/config.ts); unset: every
     * source's defaults.
     */
    DISPATCH_SOURCES: jsonVariable(SourcesSchema, '{"guardduty": {"severity": {"medium": "high-priority"}}}'),
    DISPATCH_VENDOR_TIMEOUT_MS: int(100, 5_000),
    DISPATCH_LEASE_MS: int(1_000, ROUTER_DEFAULTS.leaseMs),
    DISPATCH_BROADCAST_CONCURRENCY: int(1, ROUTER_DEFAULTS.broadcastConcurrency),
    DISPATCH_PROMPT_DEADLINE_MINUTES: int(0, ROUTER_DEFAULTS.promptDeadlineMinutes),
    DISPATCH_PROMPT_REMINDER: z
      .enum(['true', 'false'], { error: 'must be "true" or "false"' })
      .default('true'),
    /** "Yes" to a self-service prompt counts only with a reason, asked in a modal, unless the alarm says otherwise. */
    DISPATCH_PROMPT_REQUIRE_REASON: z
      .enum(['true', 'false'], { error: 'must be "true" or "false" (default)' })
      .default('false'),
    /**
     * Slack user IDs who may answer any prompt on its owner's behalf (the security team): `U0AAA,U0BBB` or a JSON
     * list; unset or empty: only the prompt's owner answers.
     */
    DISPATCH_RESPONDERS: parsedVariable(parseResponders),
    /** What an unanswered prompt becomes at its deadline, unless the alarm says: escalate (default) or close. */
    DISPATCH_PROMPT_ON_TIMEOUT: z
      .enum(['escalate', 'close'], { error: 'must be "escalate" (default) or "close"' })
      .default('escalate'),
    DISPATCH_STORM_WINDOW_SECONDS: int(0, ROUTER_DEFAULTS.stormWindowMs / 1000),
    /** Opt-in: a nag DMs at most once per this many seconds (default 0: every time, as the original did). */
    DISPATCH_STORM_NAG_WINDOW_SECONDS: int(0, ROUTER_DEFAULTS.nagWindowMs / 1000),
    DISPATCH_USER_DM_CAP: int(0, ROUTER_DEFAULTS.userDmCap),
    DISPATCH_USER_DM_WINDOW_SECONDS: int(1, ROUTER_DEFAULTS.userDmWindowMs / 1000),
    /**
     * The alarm path's dead-letter queue (set by the stack). With it, the incoming function sends an alarm no retry can
     * help there itself, at once; unset (the local runner), it throws as for any failure, so Lambda retries it.
     */
    DISPATCH_DEAD_LETTER_QUEUE_URL: z
      .url({
        protocol: /^https?$/,
        error: 'must be the URL of the SQS dead-letter queue, e.g. the stack output DeadLetterQueueUrl',
      })
      .optional(),
    /** EventBridge Scheduler group, role and target for prompt deadlines (set by the stack). */
    DISPATCH_SCHEDULE_GROUP: z.string().min(1).optional(),
    DISPATCH_SCHEDULER_ROLE_ARN: z.string().startsWith('arn:').optional(),
    DISPATCH_TRIAGE_WORKER_ARN: z.string().startsWith('arn:').optional(),
    /**
     * The EventBridge event bus answers, escalations, timeouts and resolves are published to (a name or its ARN);
     * unset: the account's default bus. https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html
     */
    DISPATCH_EVENT_BUS: z
      .string()
      .regex(/^(arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:event-bus\/)?[/.\-_A-Za-z0-9]{1,256}$/, {
        error: 'must be an EventBridge event bus name or ARN, e.g. dispatch-events (unset: the default bus)',
      })
      .optional(),
  })
  .superRefine((env, ctx) => {
    const needs = (when: boolean, names: (keyof typeof env)[], condition: string) => {
      for (const name of when ? names : []) {
        if (!env[name])
          ctx.addIssue({ code: 'custom', path: [name], message: `is required when ${condition}` });
      }
    };
    needs(
      env.DISPATCH_PAGERDUTY_MODE === 'rest',
      ['DISPATCH_PAGERDUTY_SERVICE_ID', 'DISPATCH_PAGERDUTY_FROM'],
      'DISPATCH_PAGERDUTY_MODE is "rest"',
    );
    needs(
      env.DISPATCH_GITHUB_AUTH === 'app',
      ['DISPATCH_GITHUB_APP_ID', 'DISPATCH_GITHUB_APP_INSTALLATION_ID'],
      'DISPATCH_GITHUB_AUTH is "app"',
    );
  });
export type Env = z.infer<typeof EnvSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `${String(i.path[0] ?? '')} ${i.message}`);
  throw new ConfigError(`Dispatch is not configured: ${lines.join('; ')}`);
}

export function routerConfig(env: Env): RouterConfig {
  return {
    producers: env.DISPATCH_PRODUCERS,
    githubOwner: env.DISPATCH_GITHUB_OWNER,
    githubDefaultRepo: env.DISPATCH_GITHUB_DEFAULT_REPO,
    githubDefaultUser: env.DISPATCH_GITHUB_DEFAULT_USER,
    slackDefaultChannel: env.DISPATCH_SLACK_DEFAULT_CHANNEL,
    sources: env.DISPATCH_SOURCES,
    people: env.DISPATCH_PEOPLE,
    leaseMs: env.DISPATCH_LEASE_MS,
    heldWaitMs: ROUTER_DEFAULTS.heldWaitMs,
    broadcastConcurrency: env.DISPATCH_BROADCAST_CONCURRENCY,
    promptDeadlineMinutes: env.DISPATCH_PROMPT_DEADLINE_MINUTES,
    promptReminder: env.DISPATCH_PROMPT_REMINDER === 'true',
    promptRequireReason: env.DISPATCH_PROMPT_REQUIRE_REASON === 'true',
    responders: env.DISPATCH_RESPONDERS,
    promptOnTimeout: env.DISPATCH_PROMPT_ON_TIMEOUT,
    stormWindowMs: env.DISPATCH_STORM_WINDOW_SECONDS * 1000,
    nagWindowMs: env.DISPATCH_STORM_NAG_WINDOW_SECONDS * 1000,
    userDmCap: env.DISPATCH_USER_DM_CAP,
    userDmWindowMs: env.DISPATCH_USER_DM_WINDOW_SECONDS * 1000,
  };
}

/** Short names of the secrets, under DISPATCH_SSM_PREFIX. */
export const SECRET = {
  slackBotToken: 'slack/bot-token',
  slackSigningSecret: 'slack/signing-secret',
  githubToken: 'github/token',
  githubAppPrivateKey: 'github/app-private-key',
  pagerdutyRoutingKey: 'pagerduty/routing-key',
  pagerdutyApiToken: 'pagerduty/api-token',
} as const;

/**
 * The PagerDuty secrets of each mode. `required` must be stored; `optional` is read when it is: in Events mode the
 * REST API token (read-only is enough) resolves the service an alarm names to its Events API v2 integration key.
 * Functions that page read, and are granted, both.
 */
export const PAGERDUTY_SECRETS: Record<'events' | 'rest', { required: string[]; optional: string[] }> = {
  events: { required: [SECRET.pagerdutyRoutingKey], optional: [SECRET.pagerdutyApiToken] },
  rest: { required: [SECRET.pagerdutyApiToken], optional: [] },
};

/** Every PagerDuty secret a paging function reads in `mode`, the optional ones included. */
export function pagerdutySecrets(mode: 'events' | 'rest'): string[] {
  const { required, optional } = PAGERDUTY_SECRETS[mode];
  return [...required, ...optional];
}

/** Environment variables the local runner takes secrets from (never set on the deployed functions). */
export const LOCAL_SECRET_ENV: Record<string, string> = {
  [SECRET.slackBotToken]: 'DISPATCH_SLACK_BOT_TOKEN',
  [SECRET.slackSigningSecret]: 'DISPATCH_SLACK_SIGNING_SECRET',
  [SECRET.githubToken]: 'DISPATCH_GITHUB_TOKEN',
  [SECRET.githubAppPrivateKey]: 'DISPATCH_GITHUB_APP_PRIVATE_KEY',
  [SECRET.pagerdutyRoutingKey]: 'DISPATCH_PAGERDUTY_ROUTING_KEY',
  [SECRET.pagerdutyApiToken]: 'DISPATCH_PAGERDUTY_API_TOKEN',
};
