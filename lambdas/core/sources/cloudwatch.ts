/**
 * CloudWatch alarms, in both forms AWS sends them:
 * - the EventBridge event (`source` `aws.cloudwatch`, `detail-type` `CloudWatch Alarm State Change`, the state in
 *   `detail.state.value`): https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 * - the notification an alarm action publishes to an SNS topic (`AlarmName`, `NewStateValue`, `NewStateReason`):
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 *
 * ALARM fires (`sources.cloudwatch.type`, default high-priority), OK resolves it, INSUFFICIENT_DATA is ignored: not
 * knowing is neither the problem nor its end, so the alarm stays as it was (ALARM -> INSUFFICIENT_DATA -> OK resolves
 * at OK). The key is `cloudwatch:<alarm ARN>`, which both forms carry (`resources[0]`, `AlarmArn`), so an alarm fired
 * by one form is resolved by the other; an old notification without `AlarmArn` is keyed by account and name.
 */
import { z } from 'zod';
import { code } from '../render/github.ts';
import type { SourcesConfig } from './config.ts';
import {
  alarmOfType,
  cut,
  details,
  factList,
  link,
  links,
  oneLine,
  quoted,
  regionCode,
  requiredText,
  sourceKey,
  type Fact,
  type SourceResult,
} from './parts.ts';

export const CLOUDWATCH = { source: 'aws.cloudwatch', detailType: 'CloudWatch Alarm State Change' } as const;

/** The EventBridge rule's pattern: changes to ALARM and to OK (INSUFFICIENT_DATA is ignored anyway). */
export const CLOUDWATCH_PATTERN = {
  source: [CLOUDWATCH.source],
  'detail-type': [CLOUDWATCH.detailType],
  detail: { state: { value: ['ALARM', 'OK'] } },
};

const STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
const state = z.enum(STATES, { error: `required: the alarm state, one of ${STATES.join(', ')}` });

/**
 * The EventBridge form.
 *
 * @example {"version":"0","id":"c4c1c1c9-…","detail-type":"CloudWatch Alarm State Change","source":"aws.cloudwatch",
 *   "account":"123456789012","region":"us-east-1","resources":["arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh"],
 *   "detail":{"alarmName":"ServerCpuTooHigh","state":{"value":"ALARM","reason":"Threshold Crossed: …"},
 *   "previousState":{"value":"OK"},"configuration":{"description":"…"}}}
 */
export const CloudWatchEventSchema = z.object({
  id: z.string().optional(),
  account: z.string().optional(),
  region: z.string().optional(),
  time: z.string().optional(),
  resources: z.array(z.string()).optional(),
  detail: z.object(
    {
      alarmName: requiredText('the alarm name'),
      state: z.object(
        { value: state, reason: z.string().optional(), timestamp: z.string().optional() },
        { error: 'required: the new state, {"value": "ALARM", "reason": "…"}' },
      ),
      previousState: z.object({ value: z.string().optional() }).optional(),
      configuration: z.object({ description: z.string().nullish() }).optional(),
    },
    { error: 'required: the state change, as CloudWatch sends it in "detail"' },
  ),
});
export type CloudWatchEvent = z.infer<typeof CloudWatchEventSchema>;

/**
 * The SNS notification form (the whole SNS message).
 *
 * @example {"AlarmName":"ServerCpuTooHigh","AlarmDescription":"…","AWSAccountId":"123456789012","NewStateValue":"ALARM",
 *   "NewStateReason":"Threshold Crossed: …","StateChangeTime":"2026-…","Region":"US East (N. Virginia)",
 *   "AlarmArn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh","OldStateValue":"OK","Trigger":{…}}
 */
export const CloudWatchNotificationSchema = z.object({
  AlarmName: requiredText('the alarm name'),
  NewStateValue: state,
  NewStateReason: z.string().nullish(),
  AlarmDescription: z.string().nullish(),
  AWSAccountId: z.string().nullish(),
  StateChangeTime: z.string().nullish(),
  Region: z.string().nullish(),
  AlarmArn: z.string().nullish(),
  OldStateValue: z.string().nullish(),
  Trigger: z.object({ MetricName: z.string().nullish(), Namespace: z.string().nullish() }).nullish(),
});
export type CloudWatchNotification = z.infer<typeof CloudWatchNotificationSchema>;

/** One state change, whichever form it came in. */
interface StateChange {
  form: string;
  requestId?: string | undefined;
  name: string;
  arn?: string | undefined;
  state: (typeof STATES)[number];
  previous?: string | undefined;
  reason?: string | undefined;
  description?: string | undefined;
  account?: string | undefined;
  region?: string | undefined;
  at?: string | undefined;
  metric?: string | undefined;
}

const ALARM_ARN = /^arn:aws[\w-]*:cloudwatch:([a-z0-9-]+):(\d{12}):alarm:(.+)$/;

export function fromEvent(event: CloudWatchEvent): StateChange {
  const d = event.detail;
  return {
    form: 'CloudWatch alarm state change (EventBridge)',
    requestId: event.id,
    name: d.alarmName,
    arn: event.resources?.find((r) => ALARM_ARN.test(r)),
    state: d.state.value,
    previous: d.previousState?.value,
    reason: d.state.reason,
    description: d.configuration?.description ?? undefined,
    account: event.account,
    region: event.region,
    at: d.state.timestamp ?? event.time,
  };
}

export function fromNotification(n: CloudWatchNotification): StateChange {
  const arn = n.AlarmArn && ALARM_ARN.test(n.AlarmArn) ? n.AlarmArn : undefined;
  return {
    form: 'CloudWatch alarm notification (SNS)',
    name: n.AlarmName,
    arn,
    state: n.NewStateValue,
    previous: n.OldStateValue ?? undefined,
    reason: n.NewStateReason ?? undefined,
    description: n.AlarmDescription ?? undefined,
    account: n.AWSAccountId ?? undefined,
    // `Region` is a display name ("US East (N. Virginia)"); the ARN has the code.
    region: arn ? ALARM_ARN.exec(arn)![1] : (n.Region ?? undefined),
    at: n.StateChangeTime ?? undefined,
    metric: [n.Trigger?.Namespace, n.Trigger?.MetricName].filter(Boolean).join(' ') || undefined,
  };
}

/** The alarm's page in the CloudWatch console. */
export function cloudWatchConsoleUrl(region: string | undefined, name: string): string | undefined {
  const code = regionCode(region);
  if (!code) return undefined;
  return `https://console.aws.amazon.com/cloudwatch/home?region=${code}#alarmsV2:alarm/${encodeURIComponent(name)}`;
}

export function translateCloudWatch(change: StateChange, config: SourcesConfig['cloudwatch']): SourceResult {
  const id = change.arn ?? `${change.account ?? 'unknown-account'}:${change.name}`;
  const dedupeKey = sourceKey('cloudwatch', id);
  const what = `${change.form} of ${change.name} to ${change.state}`;
  if (change.state === 'INSUFFICIENT_DATA') {
    return {
      what,
      alarms: [],
      skipped: [
        {
          outcome: 'ignored',
          key: dedupeKey,
          reason: 'INSUFFICIENT_DATA is neither an alarm nor its end: the alarm keeps its state in Dispatch',
        },
      ],
    };
  }
  const name = oneLine(change.name);
  const consoleUrl = cloudWatchConsoleUrl(change.region, change.name);
  const facts: Fact[] = [
    ['Alarm', change.name],
    ['State', change.previous ? `${change.previous} -> ${change.state}` : change.state],
    ['Metric', change.metric],
    ['Account', change.account],
    ['Region', change.region],
    ['Changed at', change.at],
    ['Alarm ARN', change.arn],
  ];
  const text = {
    title: `CloudWatch alarm ${name} is in ALARM`,
    markdown: [
      `**CloudWatch alarm** ${code(name)} changed to **${change.state}**`,
      change.description ? quoted(change.description, 2_000) : '',
      change.reason ? `**Reason**\n\n${quoted(change.reason, 4_000)}` : '',
      factList(facts),
    ]
      .filter(Boolean)
      .join('\n\n'),
    pagerDetails: details([
      ['reason', change.reason ? cut(change.reason, 4_000) : undefined],
      ['description', change.description ? cut(change.description, 2_000) : undefined],
      ...facts,
      ['console', consoleUrl],
    ]),
  };
  const alarm = alarmOfType(
    config.type,
    {
      dedupeKey,
      requestId: change.requestId,
      ...(change.state === 'OK' ? { status: 'resolved' as const } : {}),
      links: links(link(consoleUrl, 'CloudWatch console')),
    },
    text,
    config,
    ['cloudwatch'],
  );
  return { what, alarms: [alarm], skipped: [] };
}
