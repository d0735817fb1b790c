/**
 * The alarm contract: one zod schema per alarm type, joined by a discriminated union on `type`.
 *
 * This file is the single source of MESSAGE-SPEC.md and of `schema/alarm.schema.json`.
 * Wire compatibility: every message the original Dispatch delivered still parses. Where its code fell back on a
 * default (the PagerDuty service, a missing Slack ID or GitHub handle, `retrigger`), the field is optional here
 * too; unknown keys are ignored; `null` counts as absent; the misspelt `gitHubRepo` and the singular
 * `body.github.label` the original also read are accepted.
 */
import { z } from 'zod';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth.ts';

export const ALARM_TYPES = ['self-service', 'broadcast', 'nag', 'low-priority', 'high-priority'] as const;
export type AlarmType = (typeof ALARM_TYPES)[number];

/** Vendor limits, each named where an alarm exceeds it. */
export const LIMITS = {
  /** SNS rejects messages over 256 KiB: https://docs.aws.amazon.com/sns/latest/api/API_Publish.html */
  snsMessageBytes: 262_144,
  /** GitHub rejects issue titles over 256 characters: https://docs.github.com/rest/issues/issues#create-an-issue */
  githubTitle: 256,
  /** A producer's issue body may hold 60,000 characters; Dispatch keeps the rest of GitHub's 65,536 for its footer. */
  githubBody: 60_000,
  /**
   * GitHub rejects an issue body or a comment over 65,536 characters (422):
   * https://docs.github.com/rest/issues/issues#create-an-issue (the body is a `mediumblob` capped at 65,536)
   */
  githubIssueBody: 65_536,
  /** Dispatch's limit on a user's `slackId` and `slack` display name. */
  userName: 255,
  /** An email address has at most 254 characters (RFC 5321's path limit less its angle brackets). */
  email: 254,
  /** GitHub rejects label names over 50 characters: https://docs.github.com/rest/issues/labels#create-a-label */
  githubLabel: 50,
  /** GitHub allows at most 100 labels on an issue: https://docs.github.com/rest/issues/labels#add-labels-to-an-issue */
  githubLabels: 100,
  /** Slack truncates message text beyond 40,000 characters: https://api.slack.com/methods/chat.postMessage#truncating */
  slackMessage: 40_000,
  /**
   * Slack rejects a section's text (and any text object) over 3,000 characters, counted on the escaped text:
   * https://api.slack.com/reference/block-kit/blocks#section
   */
  slackSection: 3_000,
  /** Slack rejects button labels over 75 characters: https://api.slack.com/reference/block-kit/block-elements#button */
  slackButton: 75,
  /** Slack rejects button values over 2,000 characters: https://api.slack.com/reference/block-kit/block-elements#button */
  slackButtonValue: 2_000,
  /** Slack rejects a message of more than 50 blocks: https://api.slack.com/reference/block-kit/blocks */
  slackBlocks: 50,
  /** Slack rejects a context block of more than 10 elements: https://api.slack.com/reference/block-kit/blocks#context */
  slackContextElements: 10,
  /** Dispatch's limit on a link's `href`, so a link and its text fit one Slack text object. */
  linkHref: 2_000,
  /** Dispatch's limit on a link's `text`. */
  linkText: 200,
  /**
   * PagerDuty Events API v2 rejects summaries over 1,024 characters (and a whole event over 512 KB, which an alarm
   * within SNS's 256 KiB cannot reach): https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
   */
  pagerdutySummary: 1_024,
  /**
   * PagerDuty Events API v2 rejects dedup keys over 255 characters; longer alarm keys are hashed (keys.ts):
   * https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
   */
  dedupeKey: 255,
  /**
   * The most users one alarm may name. A broadcast to all of them gets its DMs and one issue whose list is split
   * into comments that each fit GitHub's body limit; SNS's 256 KiB message size is reached at about this many.
   */
  users: 10_000,
  /**
   * Self-service opens one issue per user; GitHub allows 80 content-creating requests a minute and 500 an hour:
   * https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
   */
  selfServiceUsers: 50,
} as const;

// ---------------------------------------------------------------- building blocks

type Where = string;

/** A string field with messages that say what is expected and, when absent, for which type it is required. */
function text(where: Where, max: number, limitName: string) {
  return z
    .string({
      error: (iss) =>
        iss.input === undefined || iss.input === null
          ? `required for ${where}`
          : `expected a string, got ${describe(iss.input)}`,
    })
    .min(1, { error: `must not be empty (${where})` })
    .max(max, { error: `is longer than ${max} characters: ${limitName}` });
}

/** Optional field: absent, `null` and (for strings) empty all mean "use the default". */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === null || v === '' ? undefined : v), schema.optional());
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function object<T extends z.ZodRawShape>(where: Where, shape: T) {
  return z.object(shape, {
    error: (iss) =>
      iss.input === undefined || iss.input === null
        ? `required for ${where}`
        : `expected an object, got ${describe(iss.input)}`,
  });
}

/** `repo` (in the configured owner) or `owner/repo`. */
const RepoSchema = z
  .string({
    error: (iss) =>
      `expected a repository name such as "alarms" or "acme/alarms", got ${describe(iss.input)}`,
  })
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/)?[A-Za-z0-9_.-]{1,100}$/, {
    error: 'expected a repository name such as "alarms" or "acme/alarms"',
  });

const RetriggerSchema = z.union([z.boolean(), z.enum(['true', 'false'])], {
  error: (iss) => `expected true or false, got ${describe(iss.input)}`,
});

const RequestIdSchema = z.union([z.string().max(255), z.number()], {
  error: 'expected a string of at most 255 characters',
});

/**
 * A GitHub login (letters, digits and single hyphens, at most 39; `_` for Enterprise Managed Users such as
 * `alice_acme`) or a team as `org/team-slug`, optionally after one `@`. Nothing else can be mentioned: no spaces,
 * no second name, no line break.
 */
export const GITHUB_HANDLE =
  /^@?[A-Za-z0-9](?:[A-Za-z0-9_]|-(?=[A-Za-z0-9_])){0,38}(?:\/[A-Za-z0-9][A-Za-z0-9_-]{0,99})?$/;
const GITHUB_HANDLE_ERROR =
  'expected a GitHub login such as "alice" (letters, digits and single hyphens, at most 39 characters) or a team such as "acme/security"';

/**
 * One person to notify. `slackId` (a Slack user ID such as `U024BE7LH`, or a `#channel`) is where the DM goes;
 * without it Dispatch uses the default channel and says so. `email` reaches a person without their Slack ID:
 * Dispatch finds it with users.lookupByEmail (lambdas/core/people/). `github` is a GitHub login or `org/team` (a
 * leading `@` is accepted); without it the environment's `people` map, else the default user or team is tagged.
 * `slack` is a display name for the audit trail. Other keys are ignored, so a producer can pass records from its
 * directory as they are.
 *
 * @example { "slackId": "U024BE7LH", "slack": "alice", "github": "alice", "google": "ignored" }
 * @example { "email": "alice@example.com" }
 */
export const UserSchema = z.object(
  {
    slackId: optional(
      z.string({ error: 'expected a Slack user ID such as "U024BE7LH"' }).max(LIMITS.userName),
    ),
    slack: optional(z.string({ error: 'expected a Slack display name' }).max(LIMITS.userName)),
    email: optional(
      z.email({ error: 'expected an email address such as "alice@example.com"' }).max(LIMITS.email, {
        error: `is longer than ${LIMITS.email} characters: an email address allows 254`,
      }),
    ),
    github: optional(
      z.string({ error: GITHUB_HANDLE_ERROR }).regex(GITHUB_HANDLE, { error: GITHUB_HANDLE_ERROR }),
    ),
  },
  { error: (iss) => `expected a user object such as {"slackId":"U024BE7LH"}, got ${describe(iss.input)}` },
);
export type User = z.infer<typeof UserSchema>;

function users(
  where: Where,
  max: number = LIMITS.users,
  why = 'Dispatch accepts at most 10000 users per alarm',
) {
  return z
    .array(UserSchema, {
      error: (iss) =>
        iss.input === undefined || iss.input === null
          ? `required for ${where}: a list of users such as [{"slackId":"U024BE7LH"}]`
          : `expected a list of users, got ${describe(iss.input)}`,
    })
    .max(max, { error: `has more than ${max} users: ${why}` });
}

function githubIssue(where: Where) {
  return object(where, {
    title: text(where, LIMITS.githubTitle, 'GitHub accepts at most 256 characters in an issue title'),
    body: optional(
      z.string({ error: 'expected a string' }).max(LIMITS.githubBody, {
        error:
          'is longer than 60000 characters: GitHub accepts 65536 per issue body and Dispatch keeps the rest',
      }),
    ),
    labels: optional(
      z
        .array(
          z
            .string({ error: 'expected a label name' })
            .min(1, { error: 'label must not be empty' })
            .max(LIMITS.githubLabel, { error: 'is longer than 50 characters: GitHub label names allow 50' }),
          { error: 'expected a list of label names such as ["security"]' },
        )
        .max(LIMITS.githubLabels, { error: 'has more than 100 labels: GitHub allows 100 per issue' }),
    ),
    /** Accepted for compatibility: the original read a single `label` when `labels` was absent. */
    label: optional(z.string().min(1).max(LIMITS.githubLabel)),
  });
}

/**
 * What a link's `href` may hold: no `|`, `<` or `>` (they would end Slack's `<url|text>` and let the rest of the URL
 * become markup: https://api.slack.com/reference/surfaces/formatting#linking-urls), no whitespace or control
 * characters. Percent-encoded, all of them still reach the page.
 */
// eslint-disable-next-line no-control-regex
export const LINK_HREF_CHARACTERS = /^[^\s|<>\u0000-\u001f\u007f]*$/;
const HTTP_SCHEME = /^https?:\/\//;

function isHttpUrl(href: string): boolean {
  return URL.canParse(href) && new URL(href).hostname !== '';
}

/** Whether `href` may be shown as a Slack link: the rules of `links[].href`, for URLs Dispatch did not validate. */
export function isLinkHref(href: string): boolean {
  return (
    HTTP_SCHEME.test(href) &&
    href.length <= LIMITS.linkHref &&
    LINK_HREF_CHARACTERS.test(href) &&
    isHttpUrl(href)
  );
}

/**
 * A link shown in Slack, on the issue and on the incident. The only way an alarm can put a link in Slack: links
 * written into message text are shown literally.
 *
 * @example { "href": "https://runbooks.example.com/2fa?team=security", "text": "Runbook" }
 */
const Link = z.object({
  // Not z.url(): it silently drops tabs and newlines from the URL instead of refusing them.
  href: z
    .string({ error: 'expected an http(s) URL' })
    .regex(HTTP_SCHEME, { error: 'expected an http(s) URL', abort: true })
    .max(LIMITS.linkHref, { error: `is longer than ${LIMITS.linkHref} characters` })
    .regex(LINK_HREF_CHARACTERS, {
      error:
        'must not contain "|", "<", ">", whitespace or control characters; percent-encode them (%7C, %3C, %3E, %20)',
    })
    .refine(isHttpUrl, { error: 'expected an http(s) URL' })
    .meta({ format: 'uri' }),
  text: optional(
    z
      .string({ error: 'expected a string' })
      .max(LIMITS.linkText, { error: `is longer than ${LIMITS.linkText} characters` }),
  ),
});

/** Fields every alarm type may carry. */
const common = {
  /**
   * `firing` (default) or `resolved`: the producer saying the condition is over. A resolved alarm has the identity of
   * the firing one (same `dedupeKey`, or same type, repository, title and user, from the same producer).
   */
  status: optional(
    z.enum(['firing', 'resolved'], { error: 'expected "firing" (the default) or "resolved"' }),
  ),
  /** ID for logs and the audit trail; generated when absent. */
  requestId: optional(RequestIdSchema),
  /** Repository for the issue, `repo` or `owner/repo`; the configured default otherwise. */
  githubRepo: optional(RepoSchema),
  /** The spelling the original code read; kept so producers that used it keep their repository. */
  gitHubRepo: optional(RepoSchema),
  /** PagerDuty service for escalations; the configured default otherwise. */
  pagerDutyServiceId: optional(
    z.string({ error: 'expected a PagerDuty service ID such as "PABC123"' }).max(64),
  ),
  /** `true` (default): an open issue for the same alarm suppresses a new one. `false`: a closed one does too. */
  retrigger: optional(RetriggerSchema),
  /** What makes two alarms the same alarm; derived from type, repository, title and user when absent. */
  dedupeKey: optional(
    z
      .string({ error: 'expected a string' })
      .max(LIMITS.dedupeKey, { error: 'is longer than 255 characters: PagerDuty dedup keys allow 255' }),
  ),
  /** PagerDuty severity for pages raised by this alarm (default `critical`). */
  severity: optional(
    z.enum(['critical', 'error', 'warning', 'info'], {
      error: 'expected one of: critical, error, warning, info',
    }),
  ),
  /** Links shown in Slack, on the issue and on the incident (runbook, dashboard). */
  links: optional(
    z.array(Link, { error: 'expected a list of {"href","text"}' }).max(10, { error: 'at most 10 links' }),
  ),
};

// ---------------------------------------------------------------- one schema per type

const SS = 'self-service';
/**
 * self-service: a GitHub issue per user (audit trail) and an interactive Slack DM asking the user to confirm.
 *
 * @example {"type":"self-service","users":[{"slackId":"U024BE7LH","github":"alice"}],
 *   "body":{"github":{"title":"2FA disabled","body":"..."},"slack":{"message":"2FA was disabled on your account",
 *   "prompt":"Was this you?","actions":{"yes":"Yes, it was me","no":"No, escalate"}}}}
 */
export const SelfServiceAlarmSchema = z
  .object({
    type: z.literal(SS),
    ...common,
    /** What an unanswered prompt becomes at its deadline: `escalate` (as if answered no) or `close`. */
    onTimeout: optional(
      z.enum(['escalate', 'close'], { error: 'expected "escalate" (the default) or "close"' }),
    ),
    /** Minutes the user has to answer before Dispatch escalates as if they said no; the environment default otherwise. */
    responseDeadlineMinutes: optional(
      z
        .number({ error: 'expected a number of minutes' })
        .int({ error: 'expected whole minutes' })
        .min(1, { error: 'must be at least 1 minute' })
        .max(10_080, { error: 'must be at most 10080 minutes (7 days)' }),
    ),
    /** Whether to remind the user halfway to the deadline; the environment default otherwise. */
    reminder: optional(z.boolean({ error: 'expected true or false' })),
    /**
     * Whether "yes" counts only with a reason, asked in a Slack modal and quoted on the issue; the environment default
     * (`prompts.requireReason`, off) otherwise.
     */
    requireReason: optional(z.boolean({ error: 'expected true or false' })),
    users: users(
      SS,
      LIMITS.selfServiceUsers,
      'self-service opens one issue and one prompt per user, and GitHub allows 80 new issues a minute; send a broadcast to tell more people, or split the alarm',
    ),
    body: object(SS, {
      github: githubIssue(SS),
      slack: object(SS, {
        message: text(SS, LIMITS.slackMessage, 'Slack truncates message text beyond 40000 characters'),
        prompt: optional(
          z.string({ error: 'expected a string' }).max(LIMITS.slackSection, {
            error: 'is longer than 3000 characters: a Slack section allows 3000',
          }),
        ),
        actions: optional(
          object(SS, {
            yes: text(SS, LIMITS.slackButton, 'Slack button labels allow 75 characters'),
            no: text(SS, LIMITS.slackButton, 'Slack button labels allow 75 characters'),
            yes_response: optional(z.string({ error: 'expected a string' }).max(LIMITS.slackSection)),
            no_response: optional(z.string({ error: 'expected a string' }).max(LIMITS.slackSection)),
          }),
        ),
      }),
    }),
  })
  .superRefine((alarm, ctx) => {
    // The original sent the prompt with the buttons; a prompt without buttons could never be answered.
    if (alarm.body.slack.prompt !== undefined && alarm.body.slack.actions === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['body', 'slack', 'actions'],
        message: `required for ${SS} when body.slack.prompt is set: {"yes":"…","no":"…"}`,
      });
    }
  });

const BC = 'broadcast';
/**
 * broadcast: a non-interactive Slack DM to every user and one GitHub issue listing who was told.
 *
 * @example {"type":"broadcast","users":[{"slackId":"U1"},{"slackId":"U2"}],
 *   "body":{"github":{"title":"Phishing campaign","body":"..."},"slack":{"message":"Do not open ..."}}}
 */
export const BroadcastAlarmSchema = z.object({
  type: z.literal(BC),
  ...common,
  users: users(BC),
  body: object(BC, {
    github: githubIssue(BC),
    slack: object(BC, {
      message: text(BC, LIMITS.slackMessage, 'Slack truncates message text beyond 40000 characters'),
    }),
  }),
});

const NAG = 'nag';
/**
 * nag: a Slack DM on every alarm, reusing the open GitHub issue. Without `users` the default channel is told;
 * without `body.slack.message` the issue title is sent.
 *
 * @example {"type":"nag","githubRepo":"alarms","users":[{"slackId":"U1"}],
 *   "body":{"github":{"title":"Laptop not encrypted","body":"..."},"slack":{"message":"Please enable FileVault"}}}
 */
export const NagAlarmSchema = z.object({
  type: z.literal(NAG),
  ...common,
  users: optional(users(NAG)),
  body: object(NAG, {
    github: githubIssue(NAG),
    slack: optional(
      object(NAG, {
        message: optional(
          z.string({ error: 'expected a string' }).max(LIMITS.slackMessage, {
            error: 'is longer than 40000 characters: Slack truncates message text beyond 40000 characters',
          }),
        ),
      }),
    ),
  }),
});

const LP = 'low-priority';
/**
 * low-priority: a GitHub issue only; the first user's GitHub handle (or the default user/team) is tagged.
 *
 * @example {"type":"low-priority","githubRepo":"alarms","body":{"github":{"title":"Unused key","body":"..."}}}
 */
export const LowPriorityAlarmSchema = z.object({
  type: z.literal(LP),
  ...common,
  users: optional(users(LP)),
  body: object(LP, { github: githubIssue(LP) }),
});

const HP = 'high-priority';
/**
 * high-priority: a PagerDuty incident. `body.pagerduty.service` and `pagerDutyServiceId` choose the service;
 * the configured default otherwise.
 *
 * @example {"type":"high-priority","body":{"pagerduty":{"title":"Root login","body":"Console login as root"}}}
 */
export const HighPriorityAlarmSchema = z.object({
  type: z.literal(HP),
  ...common,
  body: object(HP, {
    pagerduty: object(HP, {
      title: text(HP, LIMITS.pagerdutySummary, 'PagerDuty summaries allow 1024 characters'),
      body: optional(
        z
          .union([z.string(), z.record(z.string(), z.unknown())], {
            error: 'expected a string or an object of details',
          })
          // Free-form: checked without recursion before anything recursive (JSON.stringify) touches it.
          .refine((details) => !nestedDeeperThan(details, MAX_JSON_DEPTH), {
            error: `nested deeper than ${MAX_JSON_DEPTH} levels`,
          }),
      ),
      service: optional(z.string({ error: 'expected a PagerDuty service ID such as "PABC123"' }).max(64)),
    }),
  }),
});

/** Any alarm, as producers send it. */
export const AlarmInputSchema = z.discriminatedUnion(
  'type',
  [
    SelfServiceAlarmSchema,
    BroadcastAlarmSchema,
    NagAlarmSchema,
    LowPriorityAlarmSchema,
    HighPriorityAlarmSchema,
  ],
  {
    error: (iss) => {
      const input = (iss.input ?? {}) as { type?: unknown };
      const valid = ALARM_TYPES.join(', ');
      if (typeof input !== 'object' || Array.isArray(input)) return `expected a JSON object with a "type"`;
      return input.type === undefined
        ? `required: one of ${valid}`
        : `unknown type ${JSON.stringify(input.type)}: expected one of ${valid}`;
    },
  },
);
export type AlarmInput = z.input<typeof AlarmInputSchema>;
type Parsed = z.output<typeof AlarmInputSchema>;

// ---------------------------------------------------------------- normalised form the router works with

type Normalised<T> = Omit<T, 'gitHubRepo' | 'retrigger' | 'requestId'> & {
  requestId: string | undefined;
  retrigger: boolean;
};
export type SelfServiceAlarm = Normalised<z.output<typeof SelfServiceAlarmSchema>>;
export type BroadcastAlarm = Normalised<z.output<typeof BroadcastAlarmSchema>>;
export type NagAlarm = Normalised<z.output<typeof NagAlarmSchema>>;
export type LowPriorityAlarm = Normalised<z.output<typeof LowPriorityAlarmSchema>>;
export type HighPriorityAlarm = Normalised<z.output<typeof HighPriorityAlarmSchema>>;
/** An alarm after validation: one repository field, `retrigger` a boolean, labels merged. */
export type Alarm = SelfServiceAlarm | BroadcastAlarm | NagAlarm | LowPriorityAlarm | HighPriorityAlarm;

/** The validated, normalised alarm schema. Parse with `parseAlarm` for errors phrased per MESSAGE-SPEC.md. */
export const AlarmSchema = AlarmInputSchema.transform((a: Parsed): Alarm => normalise(a));

function normalise(a: Parsed): Alarm {
  const { gitHubRepo, retrigger, requestId, ...rest } = a;
  const out = {
    ...rest,
    githubRepo: a.githubRepo ?? gitHubRepo,
    retrigger: retrigger === undefined ? true : retrigger === true || retrigger === 'true',
    requestId: requestId === undefined ? undefined : String(requestId),
  } as Alarm;
  if ('github' in out.body) {
    const gh = out.body.github;
    if (gh.labels === undefined && gh.label !== undefined) gh.labels = [gh.label];
    delete gh.label;
  }
  return out;
}
