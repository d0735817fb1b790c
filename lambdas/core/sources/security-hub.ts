/**
 * Security Hub findings, as EventBridge delivers them (`source` `aws.securityhub`, `detail-type`
 * `Security Hub Findings - Imported`, findings in the AWS Security Finding Format in `detail.findings[]`):
 * https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html
 *
 * One alarm per finding, keyed `securityhub:<Id>`:
 * - `Workflow.Status` NEW alerts, by `Severity.Label` through `sources.securityHub.severity` (as GuardDuty's bands;
 *   INFORMATIONAL and LOW dropped and counted by default). A later update of a NEW finding is a repeat
 *   (`retrigger: false`).
 * - RESOLVED or SUPPRESSED, or a finding whose `RecordState` is ARCHIVED, resolves its alarm. The severity may have
 *   changed since it fired (a passed control becomes INFORMATIONAL), so the resolve goes to every type the severity
 *   map can produce; the one Dispatch does not know does nothing.
 * - NOTIFIED is ignored: someone was told already (the NEW import alerted through Dispatch), and the finding is not
 *   over, so it neither alerts again nor resolves.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/finding-workflow-status.html
 */
import { z } from 'zod';
import { code } from '../render/github.ts';
import type { SecurityHubBand, SourcesConfig } from './config.ts';
import {
  alarmOfType,
  cut,
  details,
  factList,
  link,
  links,
  oneLine,
  pagerSeverity,
  quoted,
  regionCode,
  requiredText,
  sourceKey,
  type Fact,
  type SourceResult,
} from './parts.ts';

export const SECURITY_HUB = {
  source: 'aws.securityhub',
  detailType: 'Security Hub Findings - Imported',
} as const;

/** The EventBridge rule's pattern: new findings and the workflow changes that end them (NOTIFIED is never sent). */
export function securityHubPattern(options: { withoutGuardDuty?: boolean } = {}) {
  return {
    source: [SECURITY_HUB.source],
    'detail-type': [SECURITY_HUB.detailType],
    detail: {
      findings: {
        Workflow: { Status: ['NEW', 'RESOLVED', 'SUPPRESSED'] },
        // With the GuardDuty source enabled too, its findings come straight from GuardDuty, not twice.
        ...(options.withoutGuardDuty ? { ProductName: [{ 'anything-but': 'GuardDuty' }] } : {}),
      },
    },
  };
}

const LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

/** One ASFF finding, as much as Dispatch reads. https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format.html */
const FindingSchema = z.object({
  Id: requiredText('the finding Id'),
  Title: z.string().optional(),
  Description: z.string().optional(),
  AwsAccountId: z.string().optional(),
  Region: z.string().optional(),
  ProductName: z.string().optional(),
  ProductArn: z.string().optional(),
  GeneratorId: z.string().optional(),
  Types: z.array(z.string()).optional(),
  UpdatedAt: z.string().optional(),
  FirstObservedAt: z.string().optional(),
  LastObservedAt: z.string().optional(),
  Severity: z
    .object({
      Label: z.enum(LABELS, { error: `expected one of ${LABELS.join(', ')}` }).optional(),
      Normalized: z.number().optional(),
    })
    .optional(),
  Workflow: z.object({ Status: z.string().optional() }).optional(),
  RecordState: z.string().optional(),
  Compliance: z.object({ Status: z.string().optional() }).optional(),
  Resources: z.array(z.object({ Type: z.string().optional(), Id: z.string().optional() })).optional(),
  Remediation: z
    .object({
      Recommendation: z.object({ Text: z.string().optional(), Url: z.string().optional() }).optional(),
    })
    .optional(),
  SourceUrl: z.string().optional(),
});
type Finding = z.infer<typeof FindingSchema>;

/**
 * What Dispatch reads of a Security Hub findings event.
 *
 * @example {"version":"0","id":"…","detail-type":"Security Hub Findings - Imported","source":"aws.securityhub",
 *   "account":"111122223333","region":"us-west-2","detail":{"findings":[{"Id":"arn:aws:securityhub:…","Title":"…",
 *   "Severity":{"Label":"HIGH"},"Workflow":{"Status":"NEW"},"RecordState":"ACTIVE"}]}}
 */
export const SecurityHubEventSchema = z.object({
  id: z.string().optional(),
  account: z.string().optional(),
  region: z.string().optional(),
  detail: z.object(
    {
      findings: z
        .array(FindingSchema, { error: 'required: the findings, a list in the AWS Security Finding Format' })
        .min(1, { error: 'must name at least one finding' }),
    },
    { error: 'required: {"findings": [...]}' },
  ),
});
export type SecurityHubEvent = z.infer<typeof SecurityHubEventSchema>;

/** The band of a finding: its Label, else its Normalized score in the ASFF's ranges, else INFORMATIONAL. */
export function securityHubBand(severity: Finding['Severity']): SecurityHubBand {
  if (severity?.Label) return severity.Label.toLowerCase() as SecurityHubBand;
  const n = severity?.Normalized;
  if (n === undefined || n < 1) return 'informational';
  if (n >= 90) return 'critical';
  if (n >= 70) return 'high';
  if (n >= 40) return 'medium';
  return 'low';
}

/** The console's findings page filtered to this Id (the filter value is percent-encoded twice, as the console does). */
export function securityHubConsoleUrl(region: string | undefined, id: string): string | undefined {
  const code = regionCode(region);
  if (!code) return undefined;
  const value = encodeURIComponent(encodeURIComponent(id));
  return `https://console.aws.amazon.com/securityhub/home?region=${code}#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A${value}`;
}

export function translateSecurityHub(
  event: SecurityHubEvent,
  config: SourcesConfig['securityHub'],
): SourceResult {
  const findings = event.detail.findings;
  const result: SourceResult = {
    what:
      findings.length === 1
        ? `Security Hub finding ${findings[0]!.Id}`
        : `Security Hub findings event with ${findings.length} findings`,
    alarms: [],
    skipped: [],
  };
  for (const finding of findings) translateFinding(event, finding, config, result);
  return result;
}

function translateFinding(
  event: SecurityHubEvent,
  finding: Finding,
  config: SourcesConfig['securityHub'],
  result: SourceResult,
): void {
  const dedupeKey = sourceKey('securityhub', finding.Id);
  const band = securityHubBand(finding.Severity);
  const status = finding.Workflow?.Status ?? 'NEW';
  const region = finding.Region ?? event.region;
  const title = oneLine(finding.Title ?? finding.GeneratorId ?? finding.Id);
  const consoleUrl = securityHubConsoleUrl(region, finding.Id);
  const resources = (finding.Resources ?? [])
    .map((r) => [r.Type, r.Id].filter(Boolean).join(' '))
    .filter(Boolean);
  const facts: Fact[] = [
    ['Product', finding.ProductName],
    ['Severity', band.toUpperCase()],
    ['Workflow', status],
    ['Compliance', finding.Compliance?.Status],
    ['Account', finding.AwsAccountId ?? event.account],
    ['Region', region],
    ['Resources', resources.length ? cut(resources.join(', '), 1_000) : undefined],
    ['Types', finding.Types?.join(', ')],
    ['First observed', finding.FirstObservedAt],
    ['Last observed', finding.LastObservedAt],
    ['Finding Id', finding.Id],
  ];
  const text = {
    title: `Security Hub: ${title}`,
    markdown: [
      `**Security Hub finding** from ${code(finding.ProductName ?? 'Security Hub')}, severity **${band.toUpperCase()}**`,
      quoted(finding.Description),
      factList(facts),
      finding.Remediation?.Recommendation?.Text
        ? `**Remediation**\n\n${quoted(finding.Remediation.Recommendation.Text, 2_000)}`
        : '',
    ]
      .filter(Boolean)
      .join('\n\n'),
    pagerDetails: details([
      ['finding', title],
      ['description', finding.Description ? cut(finding.Description, 4_000) : undefined],
      ...facts,
      ['remediation', finding.Remediation?.Recommendation?.Text],
      ['console', consoleUrl],
    ]),
  };
  const common = {
    dedupeKey,
    requestId: event.id,
    severity: pagerSeverity(band),
    retrigger: false,
    links: links(
      link(consoleUrl, 'Security Hub console'),
      link(finding.Remediation?.Recommendation?.Url, 'Remediation'),
      link(finding.SourceUrl, 'Source'),
    ),
  };

  const over = status === 'RESOLVED' || status === 'SUPPRESSED' || finding.RecordState === 'ARCHIVED';
  if (over) {
    const types = [...new Set(Object.values(config.severity))].filter((t) => t !== 'drop');
    for (const type of types)
      result.alarms.push(
        alarmOfType(type, { ...common, status: 'resolved' }, text, config, ['security-hub']),
      );
    if (types.length === 0)
      result.skipped.push({
        outcome: 'ignored',
        key: dedupeKey,
        reason: 'resolved, and no band of sources.securityHub.severity alerts',
      });
    return;
  }
  if (status !== 'NEW') {
    result.skipped.push({
      outcome: 'ignored',
      key: dedupeKey,
      reason:
        status === 'NOTIFIED'
          ? 'workflow status NOTIFIED: someone was told already and the finding is not over'
          : `workflow status ${status}: only NEW alerts, and RESOLVED or SUPPRESSED resolve`,
    });
    return;
  }
  const type = config.severity[band];
  if (type === 'drop') {
    result.skipped.push({
      outcome: 'dropped',
      key: dedupeKey,
      reason: `severity ${band.toUpperCase()}, and sources.securityHub.severity.${band} is "drop"`,
    });
    return;
  }
  result.alarms.push(alarmOfType(type, common, text, config, ['security-hub']));
}
