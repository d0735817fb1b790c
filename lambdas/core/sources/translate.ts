/**
 * Native events in, alarms out: an SNS message in one of the shapes AWS sends (detect.ts) becomes the Dispatch
 * alarms it stands for, each validated like any producer's alarm, so everything else applies to them (keys, storm
 * control, timers, resolve). Anything that is neither such a shape nor a Dispatch alarm is refused with an error
 * that names the shapes Dispatch understands.
 *
 * Translation uses the environment's `sources` (DISPATCH_SOURCES) and `people` (DISPATCH_PEOPLE); a source that is
 * not configured is translated with its defaults, so a team may bring its own EventBridge rule.
 */
import type { z } from 'zod';
import { AlarmValidationError } from '../errors.ts';
import { describeAlarm } from '../describe-alarm.ts';
import type { Alarm, AlarmType } from '../message.ts';
import { decodeAlarmJson, parseAlarm, toAlarmIssues } from '../parse-alarm.ts';
import type { Log, Metrics } from '../ports.ts';
import type { RouteReport } from '../route-types.ts';
import {
  CloudWatchEventSchema,
  CloudWatchNotificationSchema,
  fromEvent,
  fromNotification,
  translateCloudWatch,
} from './cloudwatch.ts';
import { DEFAULT_SOURCES, type SourceName, type SourcesConfig } from './config.ts';
import { detectShape, isTypedAlarm, UNDERSTOOD_SHAPES } from './detect.ts';
import { GuardDutyEventSchema, translateGuardDuty } from './guardduty.ts';
import type { Skipped, SourceResult } from './parts.ts';
import type { PeopleMap } from './people.ts';
import { SignInEventSchema, translateRootSignIn } from './root-sign-in.ts';
import { SecurityHubEventSchema, translateSecurityHub } from './security-hub.ts';

/** What translation reads of the environment (RouterConfig has both). */
export interface NativeSettings {
  sources?: SourcesConfig | undefined;
  people?: PeopleMap | undefined;
}

export interface NativeTranslation {
  source: SourceName;
  /** What arrived, in words. */
  what: string;
  /** The alarms it became, validated; none when every finding was dropped or ignored. */
  alarms: Alarm[];
  skipped: Skipped[];
}

/** What a report says about the native event it came from (the local runner shows it; the log has it). */
export interface NativeSummary {
  source: SourceName;
  what: string;
  alarms: { type: AlarmType; status: 'firing' | 'resolved'; dedupeKey?: string | undefined }[];
  skipped: Skipped[];
}

const FORMS: Record<SourceName, string> = {
  guardduty: 'a GuardDuty finding event',
  securityHub: 'a Security Hub findings event',
  cloudwatch: 'a CloudWatch alarm state change',
  rootSignIn: 'a console sign-in event',
};

/** Parses `input` with `schema`, or refuses it naming each problem's path in the AWS shape. */
function read<T extends z.ZodType>(schema: T, input: unknown, form: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AlarmValidationError(
    toAlarmIssues(parsed.error).map((i) => ({ ...i, message: `${i.message} (in ${form}, as AWS sends it)` })),
  );
}

/**
 * The alarms a native event stands for, or undefined when `input` is not one of the native shapes (read it as a
 * Dispatch alarm). Throws AlarmValidationError for an EventBridge event Dispatch does not translate, or a native
 * shape missing what Dispatch needs.
 */
export function translateNative(
  input: unknown,
  settings: NativeSettings = {},
): NativeTranslation | undefined {
  const shape = detectShape(input);
  if (shape.kind === 'alarm') return undefined;
  if (shape.kind === 'unknown-event') {
    throw new AlarmValidationError([
      {
        path: 'detail-type',
        message: `an EventBridge event "${shape.detailType}" from ${shape.source} is not one Dispatch translates; ${UNDERSTOOD_SHAPES}`,
      },
    ]);
  }
  const sources = settings.sources ?? DEFAULT_SOURCES;
  const form = FORMS[shape.source];
  let result: SourceResult;
  switch (shape.source) {
    case 'guardduty':
      result = translateGuardDuty(
        read(GuardDutyEventSchema, input, form),
        sources.guardduty,
        settings.people ?? {},
      );
      break;
    case 'securityHub':
      result = translateSecurityHub(read(SecurityHubEventSchema, input, form), sources.securityHub);
      break;
    case 'cloudwatch':
      result = translateCloudWatch(
        shape.form === 'event'
          ? fromEvent(read(CloudWatchEventSchema, input, form))
          : fromNotification(read(CloudWatchNotificationSchema, input, `a CloudWatch alarm notification`)),
        sources.cloudwatch,
      );
      break;
    case 'rootSignIn':
      result = translateRootSignIn(read(SignInEventSchema, input, form), sources.rootSignIn);
      break;
  }
  const alarms = result.alarms.map((alarm) => {
    try {
      return parseAlarm(alarm);
    } catch (error) {
      if (!(error instanceof AlarmValidationError)) throw error;
      throw new AlarmValidationError(
        error.issues.map((i) => ({
          ...i,
          message: `${i.message} (in the alarm translated from ${result.what})`,
        })),
      );
    }
  });
  return { source: shape.source, what: result.what, alarms, skipped: result.skipped };
}

export interface ParsedMessage {
  alarms: Alarm[];
  /** Set when the message was a native event: what it was and what it became. */
  native?: NativeTranslation | undefined;
}

/**
 * An SNS message as Dispatch reads it: a native event's alarms, or the Dispatch alarm it is. Refuses anything else
 * with every problem, and, when it was not meant as a Dispatch alarm, the shapes Dispatch understands.
 */
export function parseMessage(raw: string, settings: NativeSettings = {}): ParsedMessage {
  const decoded = decodeAlarmJson(raw);
  const native = translateNative(decoded, settings);
  if (native) return { alarms: native.alarms, native };
  try {
    return { alarms: [parseAlarm(decoded)] };
  } catch (error) {
    if (error instanceof AlarmValidationError && !isTypedAlarm(decoded)) {
      throw new AlarmValidationError([...error.issues, { path: '', message: UNDERSTOOD_SHAPES }], error.code);
    }
    throw error;
  }
}

/** Logs what a native event became and counts it (`nativeEvents` by source and outcome): a drop stays visible. */
export function noteNative(metrics: Metrics, log: Log, native: NativeTranslation): void {
  const source = native.source;
  if (native.alarms.length > 0) {
    log.info(
      `${native.what}: translated into ${native.alarms.length === 1 ? 'an alarm' : `${native.alarms.length} alarms`}`,
      {
        source,
        alarms: summary(native).alarms,
      },
    );
    metrics.count('nativeEvents', { source, outcome: 'translated' }, native.alarms.length);
  }
  for (const skip of native.skipped) {
    log.info(`${native.what}: ${skip.outcome}, ${skip.reason}`, {
      source,
      outcome: skip.outcome,
      alarmKey: skip.key,
    });
    metrics.count('nativeEvents', { source, outcome: skip.outcome });
  }
}

function summary(native: NativeTranslation): NativeSummary {
  return {
    source: native.source,
    what: native.what,
    alarms: native.alarms.map((a) => ({
      type: a.type,
      status: a.status ?? 'firing',
      dedupeKey: a.dedupeKey,
    })),
    skipped: native.skipped,
  };
}

/** One report for a native event's alarms: their deliveries in order, and what the event was. */
export function nativeReport(
  messageId: string,
  native: NativeTranslation,
  reports: RouteReport[],
): RouteReport {
  return {
    requestId: reports[0]?.requestId ?? messageId,
    type: reports[0]?.type ?? 'none',
    deliveries: reports.flatMap((r) => r.deliveries),
    native: summary(native),
  };
}

/** In words, for `dispatch validate`: what the event was and what it became. */
export function describeNative(native: NativeTranslation): string {
  const became = native.alarms.map(
    (a) => `${a.status === 'resolved' ? 'resolve of ' : ''}${describeAlarm(a)}`,
  );
  const skipped = native.skipped.map((s) => `${s.outcome} (${s.reason})`);
  return `${native.what}, translated into ${[...became, ...skipped].join('; ') || 'nothing'}`;
}
