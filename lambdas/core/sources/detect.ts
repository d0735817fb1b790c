/**
 * Which shape an SNS message has: a Dispatch alarm, or one of the AWS shapes Dispatch translates. An EventBridge
 * event delivered to SNS is the event's JSON (`source`, `detail-type`, `detail`); a CloudWatch alarm action's
 * notification is an object with `AlarmName` and `NewStateValue`. Anything else is read as a Dispatch alarm.
 */
import { ALARM_TYPES } from '../message.ts';
import { CLOUDWATCH } from './cloudwatch.ts';
import type { SourceName } from './config.ts';
import { GUARDDUTY } from './guardduty.ts';
import { ROOT_SIGN_IN } from './root-sign-in.ts';
import { SECURITY_HUB } from './security-hub.ts';

export type Shape =
  | { kind: 'native'; source: SourceName; form: 'event' | 'notification' }
  /** An EventBridge event of a source or detail-type Dispatch does not translate. */
  | { kind: 'unknown-event'; source: string; detailType: string }
  | { kind: 'alarm' };

/** The shapes Dispatch understands, for the error that refuses anything else. */
export const UNDERSTOOD_SHAPES =
  'Dispatch understands its own alarms (with a "type", see MESSAGE-SPEC.md) and these AWS shapes: the EventBridge ' +
  'events "GuardDuty Finding", "Security Hub Findings - Imported", "CloudWatch Alarm State Change" and ' +
  '"AWS Console Sign In via CloudTrail" (root), and a CloudWatch alarm\'s SNS notification (AlarmName, NewStateValue)';

const EVENTS: { source: string; detailType: string; name: SourceName }[] = [
  { ...GUARDDUTY, name: 'guardduty' },
  { ...SECURITY_HUB, name: 'securityHub' },
  { ...CLOUDWATCH, name: 'cloudwatch' },
  { ...ROOT_SIGN_IN, name: 'rootSignIn' },
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function detectShape(input: unknown): Shape {
  if (!isObject(input)) return { kind: 'alarm' };
  // A Dispatch alarm says its type; AWS's shapes never have a top-level "type".
  if (typeof input.type === 'string' && (ALARM_TYPES as readonly string[]).includes(input.type))
    return { kind: 'alarm' };
  const source = input.source;
  const detailType = input['detail-type'];
  if (typeof source === 'string' && typeof detailType === 'string') {
    const known = EVENTS.find((e) => e.source === source && e.detailType === detailType);
    return known
      ? { kind: 'native', source: known.name, form: 'event' }
      : { kind: 'unknown-event', source, detailType };
  }
  if (typeof input.AlarmName === 'string' && 'NewStateValue' in input)
    return { kind: 'native', source: 'cloudwatch', form: 'notification' };
  return { kind: 'alarm' };
}

/**
 * Whether a rejected message was meant as a Dispatch alarm (it has a `type`, even an unknown one), so its own errors
 * say enough; anything else is also told which shapes Dispatch understands.
 */
export function isTypedAlarm(input: unknown): boolean {
  return isObject(input) && input.type !== undefined && input.type !== null;
}
