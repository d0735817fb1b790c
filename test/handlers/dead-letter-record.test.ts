/**
 * The record a rejected alarm is dead-lettered with: Lambda's failure-record shape, within one SQS message, the
 * reason always whole (up to REASON_CHARS), the alarm cut only when it cannot fit beside it, and saying so.
 */
import { describe, expect, it } from 'vitest';
import { unwrapDeadLetter } from '../../bin/cli/redrive.ts';
import { AlarmValidationError } from '../../lambdas/core/errors.ts';
import {
  DEAD_LETTER_BYTES,
  REASON_CHARS,
  rejectionRecord,
  type RejectionInput,
} from '../../lambdas/incoming/dead-letter.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:Dispatch-prod-Alarms';
const AT = Date.parse('2026-11-23T09:00:00Z');
const rejected = new AlarmValidationError([{ path: 'body.github.title', message: 'required for nag' }]);

function input(alarm: string, error: Error = rejected): RejectionInput {
  return {
    record: { EventSource: 'aws:sns', Sns: { MessageId: 'm-1', TopicArn: TOPIC, Message: alarm } },
    error,
    at: AT,
    functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:Dispatch-prod-Incoming',
  };
}

const size = (body: string) => Buffer.byteLength(body, 'utf8');
const messageOf = (body: string) =>
  (JSON.parse(body) as { requestPayload: { Records: { Sns: { Message: string } }[] } }).requestPayload
    .Records[0]!.Sns.Message;

/** An alarm of `bytes` bytes whose JSON text is mostly escapes: it about doubles when embedded in the record. */
function quoted(bytes: number): string {
  const body = '"\\'.repeat(Math.floor(bytes / 2));
  return JSON.stringify({ type: 'nag', body }).slice(0, bytes);
}

describe('the dead-letter record of a rejected alarm', () => {
  it('keeps the whole alarm and its reason when they fit, and redrive reads them back', () => {
    // Act
    const { body, truncated } = rejectionRecord(input('{"type":"nag"}'));
    // Assess
    expect(truncated).toBeUndefined();
    expect(JSON.parse(body)).toMatchObject({
      version: '1.0',
      timestamp: '2026-11-23T09:00:00.000Z',
      requestContext: { condition: 'RejectedByDispatch' },
      responsePayload: { errorType: 'AlarmValidationError' },
    });
    expect(unwrapDeadLetter(body)).toEqual({
      alarm: '{"type":"nag"}',
      reason: 'alarm rejected: body.github.title: required for nag',
      topicArn: TOPIC,
      messageId: 'm-1',
    });
  });

  it('cuts an alarm that does not fit beside its reason in one SQS message, keeping the reason and saying how much is kept', () => {
    // Prepare: an alarm at SNS's limit, which JSON escaping about doubles inside the record
    const alarm = quoted(262_144);
    // Act
    const { body, truncated } = rejectionRecord(input(alarm));
    // Assess
    expect(size(body)).toBeLessThanOrEqual(DEAD_LETTER_BYTES);
    expect(size(body)).toBeGreaterThan(DEAD_LETTER_BYTES - 16);
    const kept = messageOf(body);
    expect(alarm.startsWith(kept)).toBe(true);
    expect(truncated).toEqual({ alarmBytes: 262_144, keptBytes: size(kept) });
    const record = JSON.parse(body) as { responsePayload: { errorMessage: string }; truncated: unknown };
    expect(record.truncated).toEqual(truncated);
    expect(record.responsePayload.errorMessage).toBe(
      `alarm rejected: body.github.title: required for nag [the record keeps the first ${size(kept)} of the alarm's 262144 bytes: all of it did not fit beside this reason in one SQS message of 262144 bytes]`,
    );
    expect(unwrapDeadLetter(body).truncated).toEqual(truncated);
  });

  it('never splits a character in two when it cuts', () => {
    // Prepare: characters outside the BMP, two UTF-16 units and four UTF-8 bytes each
    const alarm = `{"type":"nag","body":"${'🚨'.repeat(70_000)}"}`;
    // Act
    const { body, truncated } = rejectionRecord(input(alarm));
    // Assess
    expect(truncated).toBeDefined();
    expect(size(body)).toBeLessThanOrEqual(DEAD_LETTER_BYTES);
    // No lone surrogate: it would come back from the record as a `\ud83d` escape.
    expect(messageOf(body)).toMatch(/^[^\uD800-\uDFFF]*(?:\uD83D\uDEA8[^\uD800-\uDFFF]*)*$/);
    expect(body).not.toMatch(/\\ud83d/i);
  });

  it('escapes U+FFFE and U+FFFF, which SQS does not take, and reads them back unchanged', () => {
    // Prepare
    const alarm = '{"type":"nag","body":"\uFFFF\uFFFE"}';
    // Act
    const { body } = rejectionRecord(input(alarm));
    // Assess
    expect(body).not.toMatch(/[\uFFFE\uFFFF]/);
    expect(messageOf(body)).toBe(alarm);
  });

  it('cuts a reason past REASON_CHARS', () => {
    // Act
    const { body } = rejectionRecord(input('{}', new AlarmValidationError([{ path: '', message: 'x' }])));
    const long = rejectionRecord(input('{}', new Error('y'.repeat(REASON_CHARS + 10))));
    // Assess
    expect(unwrapDeadLetter(body).reason).toBe('alarm rejected: x');
    expect(unwrapDeadLetter(long.body).reason).toBe(`${'y'.repeat(REASON_CHARS)}…`);
  });
});
