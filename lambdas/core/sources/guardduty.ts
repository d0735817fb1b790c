/**
 * GuardDuty findings, as EventBridge delivers them (`source` `aws.guardduty`, `detail-type` `GuardDuty Finding`, the
 * finding in `detail`): https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html
 *
 * - Key: `guardduty:<detail.id>`. GuardDuty sends a later occurrence of a finding as an update with the same ID
 *   (every 6 hours by default), so an update is a repeat of the same alarm: counted by storm control, never a new
 *   alarm (`retrigger: false`, so not even after its issue was closed).
 * - Severity bands as GuardDuty documents them (low 1.0-3.9, medium 4.0-6.9, high 7.0-8.9, critical 9.0-10.0:
 *   https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html) choose the type through
 *   `sources.guardduty.severity`; `drop` skips the finding and counts it.
 * - A finding type listed in `selfServiceFindingTypes` becomes a self-service prompt to the finding's principal when
 *   it is a person (people.ts); otherwise it follows its severity.
 */
import { z } from 'zod';
import { code } from '../render/github.ts';
import { LIMITS, type AlarmInput } from '../message.ts';
import type { GuardDutyBand, SourcesConfig } from './config.ts';
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
import { personOf, type PeopleMap, type Person } from './people.ts';

export const GUARDDUTY = { source: 'aws.guardduty', detailType: 'GuardDuty Finding' } as const;

/** The EventBridge rule's pattern: every finding (the bands are chosen here, so a change of mapping needs no deploy). */
export const GUARDDUTY_PATTERN = { source: [GUARDDUTY.source], 'detail-type': [GUARDDUTY.detailType] };

const severity = z.union(
  [
    z.number(),
    z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .transform(Number),
  ],
  {
    error: 'required: the finding severity, a number from 1.0 to 10.0',
  },
);

/**
 * What Dispatch reads of a GuardDuty finding event (the rest is ignored).
 *
 * @example {"version":"0","id":"c8c4daa7-…","detail-type":"GuardDuty Finding","source":"aws.guardduty",
 *   "account":"123456789012","region":"us-east-1","detail":{"id":"16afba5c…","type":"Recon:EC2/PortProbeUnprotectedPort",
 *   "severity":5,"title":"Unprotected port on EC2 instance i-… is being probed","description":"…"}}
 */
export const GuardDutyEventSchema = z.object({
  id: z.string().optional(),
  account: z.string().optional(),
  region: z.string().optional(),
  detail: z.object(
    {
      id: requiredText('the finding ID'),
      type: requiredText('the finding type, e.g. "Recon:EC2/PortProbeUnprotectedPort"'),
      severity,
      title: z.string().optional(),
      description: z.string().optional(),
      accountId: z.string().optional(),
      region: z.string().optional(),
      partition: z.string().optional(),
      createdAt: z.string().optional(),
      updatedAt: z.string().optional(),
      resource: z
        .object({
          resourceType: z.string().optional(),
          accessKeyDetails: z
            .object({
              accessKeyId: z.string().optional(),
              principalId: z.string().optional(),
              userName: z.string().optional(),
              userType: z.string().optional(),
            })
            .optional(),
          instanceDetails: z.object({ instanceId: z.string().optional() }).optional(),
          s3BucketDetails: z.array(z.object({ name: z.string().optional() })).optional(),
          eksClusterDetails: z.object({ name: z.string().optional() }).optional(),
        })
        .optional(),
      service: z
        .object({
          count: z.number().optional(),
          eventFirstSeen: z.string().optional(),
          eventLastSeen: z.string().optional(),
          archived: z.boolean().optional(),
          action: z
            .object({
              actionType: z.string().optional(),
              awsApiCallAction: z
                .object({
                  api: z.string().optional(),
                  remoteIpDetails: z.object({ ipAddressV4: z.string().optional() }).optional(),
                })
                .optional(),
            })
            .optional(),
        })
        .optional(),
    },
    { error: 'required: the finding, as GuardDuty sends it in "detail"' },
  ),
});
export type GuardDutyEvent = z.infer<typeof GuardDutyEventSchema>;
type Finding = GuardDutyEvent['detail'];

/** The band of a severity value, as GuardDuty documents them. */
export function guardDutyBand(value: number): GuardDutyBand {
  if (value >= 9) return 'critical';
  if (value >= 7) return 'high';
  if (value >= 4) return 'medium';
  return 'low';
}

/** The documented console link to one finding: `…/guardduty/home?region=R#/findings?search=id%3D<id>`. */
export function guardDutyConsoleUrl(region: string | undefined, id: string): string | undefined {
  const code = regionCode(region);
  if (!code) return undefined;
  return `https://console.aws.amazon.com/guardduty/home?region=${code}#/findings?search=id%3D${encodeURIComponent(id)}`;
}

function resourceOf(finding: Finding): string | undefined {
  const r = finding.resource;
  if (!r) return undefined;
  const key = r.accessKeyDetails;
  if (key?.userName)
    return `${key.userType ?? 'principal'} ${key.userName}${key.accessKeyId ? `, access key ${key.accessKeyId}` : ''}`;
  if (r.instanceDetails?.instanceId) return `EC2 instance ${r.instanceDetails.instanceId}`;
  const buckets = (r.s3BucketDetails ?? []).map((b) => b.name).filter(Boolean);
  if (buckets.length) return `S3 bucket ${buckets.join(', ')}`;
  if (r.eksClusterDetails?.name) return `EKS cluster ${r.eksClusterDetails.name}`;
  return r.resourceType;
}

export function translateGuardDuty(
  event: GuardDutyEvent,
  config: SourcesConfig['guardduty'],
  people: PeopleMap,
): SourceResult {
  const finding = event.detail;
  const band = guardDutyBand(finding.severity);
  const value = finding.severity.toFixed(1);
  const what = `GuardDuty finding ${finding.id} (${finding.type}, severity ${value}, ${band})`;
  const dedupeKey = sourceKey('guardduty', finding.id);
  const account = finding.accountId ?? event.account;
  const region = finding.region ?? event.region;
  const title = oneLine(finding.title ?? finding.type);
  const consoleUrl = guardDutyConsoleUrl(region, finding.id);
  const resource = resourceOf(finding);
  const facts: Fact[] = [
    ['Finding type', finding.type],
    ['Severity', `${value} (${band})`],
    ['Account', account],
    ['Region', region],
    ['Resource', resource],
    ['API', finding.service?.action?.awsApiCallAction?.api],
    ['Remote IP', finding.service?.action?.awsApiCallAction?.remoteIpDetails?.ipAddressV4],
    ['First seen', finding.service?.eventFirstSeen],
    ['Last seen', finding.service?.eventLastSeen],
    ['Count', finding.service?.count],
    ['Finding ID', finding.id],
  ];
  const common = {
    dedupeKey,
    requestId: event.id,
    severity: pagerSeverity(band),
    // Updates of a finding keep its ID: repeats, never a new alarm.
    retrigger: false,
    links: links(link(consoleUrl, 'GuardDuty console')),
  };

  const person = config.selfServiceFindingTypes.includes(finding.type)
    ? personOf(finding.resource?.accessKeyDetails, people)
    : undefined;
  if (person) {
    return { what, alarms: [selfService(common, title, finding, facts, person, config)], skipped: [] };
  }

  const type = config.severity[band];
  if (type === 'drop') {
    return {
      what,
      alarms: [],
      skipped: [
        {
          outcome: 'dropped',
          key: dedupeKey,
          reason: `severity ${value} is ${band}, and sources.guardduty.severity.${band} is "drop"`,
        },
      ],
    };
  }
  const markdown = [
    `**GuardDuty finding** ${code(finding.type)}, severity **${value} (${band})**`,
    quoted(finding.description),
    factList(facts),
  ]
    .filter(Boolean)
    .join('\n\n');
  const text = {
    title: `GuardDuty: ${title}`,
    markdown,
    pagerDetails: details([
      ['finding', title],
      ['description', finding.description ? cut(finding.description, 4_000) : undefined],
      ...facts,
      ['console', consoleUrl],
    ]),
  };
  return { what, alarms: [alarmOfType(type, common, text, config, ['guardduty'])], skipped: [] };
}

/** The finding, as a prompt to the person it names: was this you? "No" pages with the finding's severity. */
function selfService(
  common: {
    dedupeKey: string;
    requestId?: string | undefined;
    severity: 'critical' | 'error' | 'warning' | 'info';
    retrigger: boolean;
    links?: { href: string; text: string }[] | undefined;
  },
  title: string,
  finding: Finding,
  facts: Fact[],
  person: Person,
  config: SourcesConfig['guardduty'],
): AlarmInput {
  const where = [
    finding.accountId ? `AWS account ${finding.accountId}` : 'AWS',
    finding.region ? ` (${finding.region})` : '',
  ].join('');
  const when = finding.service?.eventLastSeen ?? finding.updatedAt;
  const message = cut(
    [
      `GuardDuty reported activity by your identity (${person.email}) in ${where}${when ? ` at ${when}` : ''}:`,
      title,
      finding.description ? oneLine(finding.description) : '',
    ]
      .filter(Boolean)
      .join('\n'),
    LIMITS.slackMessage,
  );
  return {
    type: 'self-service',
    ...common,
    ...(config.githubRepo ? { githubRepo: config.githubRepo } : {}),
    ...(config.pagerDutyServiceId ? { pagerDutyServiceId: config.pagerDutyServiceId } : {}),
    users: [{ email: person.email, ...(person.github ? { github: person.github } : {}) }],
    body: {
      github: {
        title: cut(`GuardDuty: ${title}`, LIMITS.githubTitle),
        body: cut(
          [
            `**GuardDuty finding** ${code(finding.type)}, asked of ${code(person.email)} (${code(person.via)})`,
            quoted(finding.description),
            factList(facts),
          ]
            .filter(Boolean)
            .join('\n\n'),
          LIMITS.githubBody,
        ),
        labels: config.labels ?? ['guardduty', 'self-service'],
      },
      slack: { message },
    },
  };
}
