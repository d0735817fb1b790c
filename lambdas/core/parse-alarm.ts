/**
 * Turning what a producer sent into a validated `Alarm`, or one error that lists every problem with its path.
 */
import type { z } from 'zod';
import { AlarmValidationError, type AlarmIssue } from './errors.ts';
import { AlarmSchema, LIMITS, type Alarm } from './message.ts';

/** `['users', 0, 'slackId']` -> `users[0].slackId` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

export function toAlarmIssues(error: z.ZodError): AlarmIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** Validates an already-decoded alarm. Throws `AlarmValidationError` naming every problem. */
export function parseAlarm(input: unknown): Alarm {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AlarmValidationError([
      {
        path: '',
        message: `expected a JSON object with a "type", got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`,
      },
    ]);
  }
  const result = AlarmSchema.safeParse(input);
  if (!result.success) throw new AlarmValidationError(toAlarmIssues(result.error));
  return result.data;
}

/** Validates an alarm as it arrives on the wire (the SNS `Message` string). */
export function parseAlarmJson(raw: string): Alarm {
  return parseAlarm(decodeAlarmJson(raw));
}

/** The SNS `Message` string as JSON, refused when it is larger than SNS allows or not JSON. */
export function decodeAlarmJson(raw: string): unknown {
  const bytes = Buffer.byteLength(raw, 'utf8');
  if (bytes > LIMITS.snsMessageBytes) {
    throw new AlarmValidationError(
      [{ path: '', message: `is ${bytes} bytes: SNS accepts at most 262144 bytes (256 KiB) per message` }],
      'ALARM_TOO_LARGE',
    );
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(raw);
  } catch (cause) {
    throw new AlarmValidationError(
      [
        {
          path: '',
          message: `is not valid JSON (${(cause as Error).message}); send the alarm as a JSON object`,
        },
      ],
      'ALARM_NOT_JSON',
    );
  }
  return decoded;
}
