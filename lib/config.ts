/**
 * One environment's settings, from cdk.json context `environments.<name>`, validated at synth.
 * Secrets are not here: they live in SSM under `ssmPrefix` (see README, "Deploy").
 */
import { z } from 'zod';
import { SLACK_USER_ID, SLACK_USER_ID_RULE } from '../lambdas/core/answer/responders.ts';
import { ALARM_TYPES } from '../lambdas/core/message.ts';
import { checkProducerNames } from '../lambdas/core/producers/producers.ts';
import { SourcesSchema } from '../lambdas/core/sources/config.ts';
import { PeopleSchema } from '../lambdas/core/people/people-map.ts';

const account = z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account ID' });
const principal = z.union(
  [account, z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(root|role\/.+|user\/.+)$/)],
  {
    error: 'must be a 12-digit AWS account ID or an IAM role/user ARN',
  },
);
const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const EnvironmentConfigSchema = z.object({
  /** AWS account and region to deploy to; the CLI's defaults when absent. */
  account: account.optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as eu-west-1' })
    .optional(),
  github: z.object(
    {
      owner: z
        .string({ error: 'required: the GitHub organisation or user owning the alarm repositories' })
        .min(1),
      defaultRepo: z.string({ error: 'required: the repository for issues when an alarm names none' }).min(1),
      defaultUser: z
        .string({ error: 'required: the user or org/team tagged when a user has no GitHub handle' })
        .min(1),
      /** GitHub Enterprise Server, e.g. https://ghe.example.com/api/v3 */
      apiUrl: url.optional(),
      /** Authenticate as a GitHub App installation instead of with a token (private key in SSM). */
      app: z
        .object({
          appId: z.string().regex(/^\d+$/, { error: 'must be the numeric GitHub App ID' }),
          installationId: z.string().regex(/^\d+$/, { error: 'must be the numeric installation ID' }),
        })
        .optional(),
    },
    { error: 'required: { owner, defaultRepo, defaultUser }' },
  ),
  slack: z.object(
    {
      defaultChannel: z
        .string({
          error: 'required: the Slack channel ID told about fallbacks and failed DMs, e.g. C0123456789',
        })
        .regex(/^[CG][A-Z0-9]{6,}$/, {
          error: 'must be a Slack channel ID such as C0123456789 (not a #name)',
        }),
      /**
       * The workspace (T…, or Enterprise Grid org E…) and the app (A…) whose clicks the triage answers; unset: any
       * Slack signed. `dispatch doctor` prints both. https://api.slack.com/reference/interaction-payloads/block-actions
       */
      teamId: z
        .string()
        .regex(/^[TE][A-Z0-9]{6,}$/, {
          error: 'must be a Slack team ID (T…) or Enterprise Grid org ID (E…) in capitals, e.g. T0123ABCD',
        })
        .optional(),
      appId: z
        .string()
        .regex(/^A[A-Z0-9]{6,}$/, { error: 'must be a Slack app ID (A…) in capitals, e.g. A0123ABCD' })
        .optional(),
      apiUrl: url.optional(),
    },
    { error: 'required: { defaultChannel }' },
  ),
  pagerduty: z
    .object({
      mode: z.enum(['events', 'rest']).default('events'),
      /** REST mode: the default service and the email of a PagerDuty user (the `From` header). */
      serviceId: z.string().optional(),
      from: z.email().optional(),
      apiUrl: url.optional(),
      /** Events API v2 base URL, e.g. https://events.eu.pagerduty.com for the EU service region. */
      eventsUrl: url.optional(),
    })
    .refine((p) => p.mode !== 'rest' || (p.serviceId && p.from), {
      error: 'rest mode requires serviceId and from',
    })
    .default({ mode: 'events' }),
  /** SSM path of this environment's secrets; default /dispatch/<env>. */
  ssmPrefix: z
    .string()
    .regex(/^\/[\w./-]+[^/]$/, { error: 'must be an SSM path such as /dispatch/prod' })
    .optional(),
  /** KMS key the SecureString parameters are encrypted with, when not the AWS managed aws/ssm key. */
  ssmKmsKeyArn: z.string().startsWith('arn:aws', { error: 'must be a KMS key ARN' }).optional(),
  /** Other accounts or IAM principals allowed to publish alarms to the topic. */
  publishers: z.array(principal).default([]),
  /**
   * Named producers, each with its own topic, its own publishers and the alarm types it may send. Their alarm keys
   * carry their name, so one producer can never suppress, join or answer another's alarm. The alarm topic stays the
   * default producer (every type).
   */
  producers: z
    .record(
      z.string(),
      z.object({
        publishers: z.array(principal).default([]),
        types: z
          .array(z.enum(ALARM_TYPES, { error: `expected alarm types: ${ALARM_TYPES.join(', ')}` }))
          .min(1, { error: 'name at least one alarm type the producer may send' }),
      }),
    )
    .superRefine(checkProducerNames)
    .default({}),
  incoming: z
    .object({
      memoryMb: z.number().int().min(128).max(10240).default(512),
      timeoutSeconds: z.number().int().min(10).max(900).default(60),
      /** Caps parallel alarm handling so a storm cannot exceed Slack/GitHub rate limits. */
      reservedConcurrency: z.number().int().min(1).optional(),
    })
    .default({ memoryMb: 512, timeoutSeconds: 60 }),
  triage: z
    .object({
      /** Steady-state and burst request rates the triage API accepts. */
      rateLimit: z.number().min(1).default(20),
      burstLimit: z.number().int().min(1).default(40),
    })
    .default({ rateLimit: 20, burstLimit: 40 }),
  ops: z
    .object({
      /** Email subscribed to the operations topic that receives Dispatch's own alarms. */
      email: z.email().optional(),
      /** Or an existing topic (e.g. one wired to PagerDuty directly) instead of a new one. */
      topicArn: z.string().startsWith('arn:aws', { error: 'must be an SNS topic ARN' }).optional(),
    })
    .default({}),
  /** Self-service prompts: minutes before an unanswered prompt is escalated as "no" (0: never), and a reminder halfway. */
  prompts: z
    .object({
      deadlineMinutes: z.number().int().min(0).max(10_080).default(240),
      reminder: z.boolean().default(true),
      /** What an unanswered prompt becomes at its deadline: escalated as "no" (default), or closed. */
      onTimeout: z
        .enum(['escalate', 'close'], { error: 'must be "escalate" or "close"' })
        .default('escalate'),
      /** "Yes" counts only with a reason, asked in a Slack modal, unless the alarm says `requireReason`; default off. */
      requireReason: z.boolean({ error: 'must be true or false' }).optional(),
      /** Slack user IDs of the security team, who may answer any prompt on its owner's behalf. */
      responders: z
        .array(z.string().regex(SLACK_USER_ID, { error: `must be ${SLACK_USER_ID_RULE}` }), {
          error: 'must be a list of Slack user IDs, e.g. ["U024BE7LH"]',
        })
        .optional(),
    })
    .default({ deadlineMinutes: 240, reminder: true, onTimeout: 'escalate' }),
  /**
   * Storm control: repeats of a high-priority alarm inside `windowSeconds` page once (0: off); each user gets at
   * most `userDmCap` broadcast/nag DMs per `userDmWindowSeconds`, the rest in one digest (0: no cap). A nag DMs
   * every time, as the original did, unless `nagWindowSeconds` (default 0) opts into once per that window.
   */
  storm: z
    .object({
      windowSeconds: z.number().int().min(0).default(300),
      nagWindowSeconds: z.number().int().min(0).default(0),
      userDmCap: z.number().int().min(0).default(20),
      userDmWindowSeconds: z.number().int().min(60).default(600),
    })
    .default({ windowSeconds: 300, nagWindowSeconds: 0, userDmCap: 20, userDmWindowSeconds: 600 }),
  /**
   * Amazon EventBridge: answers, escalations, timeouts and resolves are published as events (README "Events") on
   * `busName`, a bus of this account and region by name, or any bus by ARN; unset: the account's default bus.
   */
  events: z
    .object({
      busName: z
        .string()
        .regex(/^(arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:event-bus\/)?[/.\-_A-Za-z0-9]{1,256}$/, {
          error: 'must be an EventBridge event bus name or ARN, e.g. "security-events"',
        })
        .optional(),
    })
    .default({}),
  /**
   * People by email: the GitHub login (`github`) a user named by `email` is tagged with, and the IAM user names
   * (`iamUsers`) that are this person. Passed to the functions as DISPATCH_PEOPLE.
   */
  people: PeopleSchema.default({}),
  /**
   * Native AWS events (lambdas/core/sources/config.ts): per source (`guardduty`, `securityHub`, `cloudwatch`,
   * `rootSignIn`) `enabled` (the stack creates its EventBridge rule to the alarm topic), the severity-to-type map or
   * the type, `selfServiceFindingTypes`, `githubRepo`, `pagerDutyServiceId`, `labels`. Passed to the functions as
   * DISPATCH_SOURCES.
   */
  sources: SourcesSchema,
  /** Days a dead-lettered alarm is kept (SQS allows at most 14). */
  dlqRetentionDays: z.number().int().min(1).max(14).default(14),
});
export type EnvironmentConfig = z.output<typeof EnvironmentConfigSchema>;

export const ENV_NAME = /^[a-z][a-z0-9-]{0,20}$/;

/** Picks and validates one environment from the cdk.json context. Errors name the environment and the field. */
export function environmentConfig(
  environments: unknown,
  name: unknown,
): EnvironmentConfig & { name: string } {
  const all = (environments ?? {}) as Record<string, unknown>;
  const known = Object.keys(all).join(', ') || '(none)';
  if (typeof name !== 'string' || name === '') {
    throw new Error(
      `Choose an environment: npx cdk deploy -c env=<name>. Environments in cdk.json: ${known}`,
    );
  }
  if (!ENV_NAME.test(name))
    throw new Error(`Environment name "${name}" must be lower-case letters, digits and dashes`);
  if (!(name in all))
    throw new Error(`No environment "${name}" in cdk.json context "environments"; known: ${known}`);
  const result = EnvironmentConfigSchema.safeParse(all[name]);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `environments.${name}.${i.path.join('.')}: ${i.message}`);
    throw new Error(`cdk.json is not valid:\n  ${lines.join('\n  ')}`);
  }
  return { ...result.data, name };
}
