/**
 * An alarm no retry can help goes to the dead-letter queue at once, not after Lambda's two retries.
 *
 * "No retry can help" is a DispatchError with `retryable: false`: an alarm that does not meet MESSAGE-SPEC.md (not
 * JSON, schema errors, a type its producer may not send, nested too deep), or a delivery a vendor refused for good
 * (a repository that does not exist, a missing secret). Throwing it would only make Lambda try twice more, about
 * three minutes apart, each attempt failing the same way and counting as a function error.
 *
 * The message has the shape of the record Lambda itself sends to the on-failure destination, so `dispatch redrive`
 * and anyone reading the queue treat both alike; `requestContext.condition` tells them apart: `RejectedByDispatch`
 * here, `RetriesExhausted` (or `EventAgeExceeded`) from Lambda.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 *
 * Nothing is lost on the way: when the queue is not configured (the local runner) or does not take the message, the
 * error is thrown as before, and Lambda's retries and on-failure destination dead-letter the alarm.
 */
import { DispatchError } from '../core/errors.ts';
import type { Clock, DeadLetters, Log } from '../core/ports.ts';
import type { InvocationContext } from '../shared/invocation.ts';
import type { SnsRecord } from './sns-event.ts';

export const REJECTED_CONDITION = 'RejectedByDispatch';

/**
 * What one SQS message may hold, counted in UTF-8 bytes of the body: 256 KiB, the queue's default maximum (and the
 * most SNS sends, so an alarm alone always fits). https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
export const DEAD_LETTER_BYTES = 262_144;

/** The reason is cut to this many characters; a validation or delivery error's message is well under it. */
export const REASON_CHARS = 16_384;

export interface RejectionInput {
  record: SnsRecord;
  error: Error;
  /** When it was rejected (epoch ms). */
  at: number;
  functionArn?: string | undefined;
  requestId?: string | undefined;
}

export interface RejectionRecord {
  /** The message to send: the record as JSON, within DEAD_LETTER_BYTES. */
  body: string;
  /** Set when the whole alarm did not fit beside its reason: its size and how much of it the record keeps. */
  truncated?: { alarmBytes: number; keptBytes: number };
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** The first `n` UTF-16 units of `text`, never ending in half a surrogate pair. */
function prefix(text: string, n: number): string {
  const end = n > 0 && n < text.length && /[\uD800-\uDBFF]/.test(text[n - 1]!) ? n - 1 : n;
  return text.slice(0, end);
}

function recordJson(
  input: RejectionInput,
  alarm: string,
  reason: string,
  truncated?: RejectionRecord['truncated'],
): string {
  const { record, error, at, functionArn, requestId } = input;
  const sns = record.Sns;
  const json = JSON.stringify({
    version: '1.0',
    timestamp: new Date(at).toISOString(),
    requestContext: {
      ...(requestId ? { requestId } : {}),
      ...(functionArn ? { functionArn } : {}),
      condition: REJECTED_CONDITION,
    },
    requestPayload: {
      Records: [
        {
          EventSource: record.EventSource ?? 'aws:sns',
          ...(record.EventSubscriptionArn ? { EventSubscriptionArn: record.EventSubscriptionArn } : {}),
          Sns: {
            ...(sns.Type ? { Type: sns.Type } : {}),
            MessageId: sns.MessageId,
            ...(sns.TopicArn ? { TopicArn: sns.TopicArn } : {}),
            ...(sns.Subject ? { Subject: sns.Subject } : {}),
            ...(sns.Timestamp ? { Timestamp: sns.Timestamp } : {}),
            Message: alarm,
          },
        },
      ],
    },
    responsePayload: { errorType: error.name, errorMessage: reason },
    ...(truncated ? { truncated } : {}),
  });
  // JSON.stringify leaves U+FFFE and U+FFFF as they are, and SQS does not accept them in a message: escaped, they
  // read back the same. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
  return json.replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/**
 * The dead-letter record of a rejected alarm. The reason is always kept (cut to REASON_CHARS); an alarm too large to
 * fit beside it in one SQS message keeps its first part, the record says how much (`truncated`, and a note after the
 * reason), and `dispatch redrive` keeps such a record in the queue rather than republish part of an alarm. Lambda's
 * own destination would drop the whole alarm in that case.
 */
export function rejectionRecord(input: RejectionInput, limit = DEAD_LETTER_BYTES): RejectionRecord {
  const message = input.error.message;
  const reason = message.length > REASON_CHARS ? `${message.slice(0, REASON_CHARS)}…` : message;
  const alarm = input.record.Sns.Message;
  const whole = recordJson(input, alarm, reason);
  if (bytes(whole) <= limit) return { body: whole };

  const alarmBytes = bytes(alarm);
  const cutTo = (n: number): RejectionRecord => {
    const kept = prefix(alarm, n);
    const truncated = { alarmBytes, keptBytes: bytes(kept) };
    const note = ` [the record keeps the first ${truncated.keptBytes} of the alarm's ${alarmBytes} bytes: all of it did not fit beside this reason in one SQS message of ${limit} bytes]`;
    return { body: recordJson(input, kept, reason + note, truncated), truncated };
  };
  // The largest part that fits: the record grows with every unit of the alarm kept.
  let low = 0;
  let high = alarm.length - 1;
  if (bytes(cutTo(low).body) > limit) throw new Error(`a dead-letter record does not fit in ${limit} bytes`);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (bytes(cutTo(mid).body) <= limit) low = mid;
    else high = mid - 1;
  }
  return cutTo(low);
}

export interface DeadLettered {
  messageId: string;
  /** The dead-letter queue's ID of the message. */
  deadLetterId: string | undefined;
  reason: string;
  truncated?: RejectionRecord['truncated'];
}

/**
 * Sends a rejected alarm's record to the dead-letter queue, so the invocation can succeed and Lambda does not retry
 * it. Rethrows `error` when a retry may help, when there is no queue, or when the queue did not take the record.
 */
export async function deadLetterAtOnce(
  deps: { deadLetters?: DeadLetters | undefined; log: Log; clock: Clock },
  record: SnsRecord,
  error: unknown,
  context?: InvocationContext,
): Promise<DeadLettered> {
  if (!deps.deadLetters || !(error instanceof DispatchError) || error.retryable) throw error;
  const messageId = record.Sns.MessageId;
  const log = deps.log.with({ messageId });
  let rejection: RejectionRecord;
  let deadLetterId: string | undefined;
  try {
    rejection = rejectionRecord({
      record,
      error,
      at: deps.clock.now(),
      functionArn: context?.invokedFunctionArn,
      requestId: context?.awsRequestId,
    });
    deadLetterId = await deps.deadLetters.send(rejection.body);
  } catch (sendError) {
    log.error(
      'rejected alarm not sent to the dead-letter queue: failing instead, so Lambda dead-letters it',
      {
        error: sendError,
      },
    );
    throw error;
  }
  // The reason was logged where the alarm was rejected (core/receive.ts); this says where it went.
  log.warn('rejected alarm sent to the dead-letter queue at once: a retry cannot help', {
    deadLetterId,
    code: error.code,
    ...(rejection.truncated ? { truncated: rejection.truncated } : {}),
  });
  return {
    messageId,
    deadLetterId,
    reason: error.message,
    ...(rejection.truncated ? { truncated: rejection.truncated } : {}),
  };
}
