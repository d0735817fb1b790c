/**
 * Configuration of the native sources: `sources` in an environment (cdk.json) and `DISPATCH_SOURCES` (the same JSON)
 * for the functions and the local runner. Every field has a default, so an event of a known shape is translated
 * whether or not its source is configured; `enabled` only decides whether the stack creates the EventBridge rule.
 *
 * @example
 * {
 *   "guardduty": {
 *     "enabled": true,
 *     "severity": { "medium": "high-priority" },
 *     "selfServiceFindingTypes": ["UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B"],
 *     "githubRepo": "acme/security-alarms",
 *     "pagerDutyServiceId": "PABC123",
 *     "labels": ["guardduty"]
 *   },
 *   "securityHub": { "enabled": true },
 *   "cloudwatch": { "type": "low-priority" },
 *   "rootSignIn": { "enabled": true }
 * }
 */
import { z } from 'zod';
import { LIMITS } from '../message.ts';

/** What a severity band or a source becomes: an alarm of one of these types, or nothing (`drop`, counted). */
export const NATIVE_TYPES = ['high-priority', 'low-priority', 'drop'] as const;
export type NativeType = (typeof NATIVE_TYPES)[number];

const nativeType = z.enum(NATIVE_TYPES, {
  error: `expected one of: ${NATIVE_TYPES.join(', ')}`,
});
/** A source that always alerts: `drop` would silence it, so only the two alarm types. */
const alertType = z.enum(['high-priority', 'low-priority'], {
  error: 'expected "high-priority" or "low-priority"',
});

/** Where the alarms of a source go and how they are labelled; the environment's defaults otherwise. */
const routing = {
  /** `enabled: true`: the stack creates the EventBridge rule that sends this source's events to the alarm topic. */
  enabled: z.boolean({ error: 'expected true or false' }).default(false),
  /** Repository of the issues, `repo` or `owner/repo`. */
  githubRepo: z
    .string()
    .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/)?[A-Za-z0-9_.-]{1,100}$/, {
      error: 'expected a repository name such as "alarms" or "acme/alarms"',
    })
    .optional(),
  /** PagerDuty service of the pages. */
  pagerDutyServiceId: z
    .string({ error: 'expected a PagerDuty service ID such as "PABC123"' })
    .max(64)
    .optional(),
  /** Labels of the issues (replacing the source's default label). */
  labels: z
    .array(
      z
        .string()
        .min(1, { error: 'label must not be empty' })
        .max(LIMITS.githubLabel, { error: 'is longer than 50 characters: GitHub label names allow 50' }),
      { error: 'expected a list of label names such as ["guardduty"]' },
    )
    .max(LIMITS.githubLabels)
    .optional(),
};

/** GuardDuty's bands (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html). */
export const GUARDDUTY_BANDS = ['critical', 'high', 'medium', 'low'] as const;
export type GuardDutyBand = (typeof GUARDDUTY_BANDS)[number];
/** Security Hub's `Severity.Label` values, lower-cased. */
export const SECURITY_HUB_BANDS = ['critical', 'high', 'medium', 'low', 'informational'] as const;
export type SecurityHubBand = (typeof SECURITY_HUB_BANDS)[number];

export const DEFAULT_BAND_TYPES = {
  critical: 'high-priority',
  high: 'high-priority',
  medium: 'low-priority',
  low: 'drop',
  informational: 'drop',
} as const satisfies Record<SecurityHubBand, NativeType>;

const band = (b: SecurityHubBand) => nativeType.default(DEFAULT_BAND_TYPES[b]);

function bandError(bands: readonly string[]) {
  return (iss: { code: string; keys?: string[] }) =>
    iss.code === 'unrecognized_keys'
      ? `unknown severity band ${(iss.keys ?? []).map((k) => JSON.stringify(k)).join(', ')}: expected ${bands.join(', ')}`
      : 'expected a map of severity band to type, e.g. {"medium": "high-priority"}';
}

const GuardDutyBands = z.strictObject(
  { critical: band('critical'), high: band('high'), medium: band('medium'), low: band('low') },
  { error: bandError(GUARDDUTY_BANDS) },
);
const SecurityHubBands = z.strictObject(
  {
    critical: band('critical'),
    high: band('high'),
    medium: band('medium'),
    low: band('low'),
    informational: band('informational'),
  },
  { error: bandError(SECURITY_HUB_BANDS) },
);

const GuardDutySchema = z.object({
  ...routing,
  /** Severity band -> alarm type (`drop`: not alerted, counted). Default: critical, high -> high-priority; medium -> low-priority; low -> drop. */
  severity: GuardDutyBands.prefault({}),
  /**
   * Finding types that become a self-service prompt to the finding's principal when it resolves to a person (an IAM
   * Identity Center session named by an email, or an IAM user in `people`); otherwise they follow their severity.
   */
  selfServiceFindingTypes: z
    .array(z.string().min(1).max(100), { error: 'expected a list of GuardDuty finding types' })
    .default([]),
});

const SecurityHubSchema = z.object({
  ...routing,
  /** `Severity.Label` (lower-cased) -> alarm type. Default as GuardDuty's, informational -> drop. */
  severity: SecurityHubBands.prefault({}),
});

const CloudWatchSchema = z.object({
  ...routing,
  /** What an alarm in ALARM becomes (default high-priority); OK resolves it. */
  type: alertType.default('high-priority'),
});

const RootSignInSchema = z.object({
  ...routing,
  /** What a root console sign-in becomes (default high-priority). */
  type: alertType.default('high-priority'),
});

/** The `sources` setting; every source and field optional. */
export const SourcesSchema = z
  .strictObject(
    {
      guardduty: GuardDutySchema.prefault({}),
      securityHub: SecurityHubSchema.prefault({}),
      cloudwatch: CloudWatchSchema.prefault({}),
      rootSignIn: RootSignInSchema.prefault({}),
    },
    {
      error: (iss) =>
        iss.code === 'unrecognized_keys'
          ? `unknown source ${iss.keys.map((k) => JSON.stringify(k)).join(', ')}: expected guardduty, securityHub, cloudwatch, rootSignIn`
          : 'expected {"guardduty": {…}, "securityHub": {…}, "cloudwatch": {…}, "rootSignIn": {…}}',
    },
  )
  .prefault({});
export type SourcesConfig = z.output<typeof SourcesSchema>;
export type SourcesInput = z.input<typeof SourcesSchema>;
export type SourceName = keyof SourcesConfig;
export const SOURCE_NAMES = [
  'guardduty',
  'securityHub',
  'cloudwatch',
  'rootSignIn',
] as const satisfies SourceName[];

/** Every source with its defaults: what an unconfigured environment translates with. */
export const DEFAULT_SOURCES: SourcesConfig = SourcesSchema.parse(undefined);
