/**
 * Events as Amazon EventBridge custom events: one PutEvents entry per event, `source` `dispatch`, `detail-type` the
 * event's type, `detail` its fields as JSON. https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 *
 * PutEvents answers HTTP 200 even when it refused an entry: `FailedEntryCount` > 0 and the entry carries an
 * `ErrorCode`. That is a failure here, retryable only for the codes the API reference calls retryable.
 */
import {
  PutEventsCommand,
  type EventBridgeClient,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { VendorError } from '../core/errors.ts';
import type { DispatchEvent, Events } from '../core/ports.ts';

export const EVENT_SOURCE = 'dispatch';

/**
 * EventBridge's limit on one entry, counted as the UTF-8 bytes of Source, DetailType and Detail (and 14 for Time,
 * and each of Resources, neither of which Dispatch sends); the entry must be smaller than 256 KB.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
export const MAX_ENTRY_BYTES = 256 * 1024;

/**
 * Per-entry error codes a retry can fix; every other one (AccessDeniedException, InvalidArgument, MalformedDetail,
 * NotAuthorizedForSourceException, …) cannot.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html
 */
const RETRYABLE_ENTRY_ERRORS = new Set(['InternalFailure', 'ThrottlingException']);

/** Errors the SDK throws (after its own retries) that a later attempt can still get past. */
const RETRYABLE_ERRORS = new Set([
  'ThrottlingException',
  'InternalException',
  'InternalFailure',
  'TimeoutError',
]);

export interface EventBridgeEventsOptions {
  /** The event bus name or ARN; unset: the account's default bus. */
  busName?: string | undefined;
}

// VendorError names the service it called.
const VENDOR: VendorError['vendor'] = 'eventbridge';

/** The UTF-8 size EventBridge charges an entry against MAX_ENTRY_BYTES. */
export function entrySize(entry: Pick<PutEventsRequestEntry, 'Source' | 'DetailType' | 'Detail'>): number {
  return (
    Buffer.byteLength(entry.Source ?? '') +
    Buffer.byteLength(entry.DetailType ?? '') +
    Buffer.byteLength(entry.Detail ?? '')
  );
}

export class EventBridgeEvents implements Events {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly options: EventBridgeEventsOptions = {},
  ) {}

  async publish(event: DispatchEvent): Promise<void> {
    const entry: PutEventsRequestEntry = {
      Source: EVENT_SOURCE,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      ...(this.options.busName ? { EventBusName: this.options.busName } : {}),
    };
    const size = entrySize(entry);
    if (size >= MAX_ENTRY_BYTES) {
      // Sending it would fail the whole request; no retry makes it smaller.
      throw new VendorError(
        VENDOR,
        `event "${event.detailType}" of ${event.detail.alarmKey} not sent: its entry is ${size} bytes, EventBridge takes less than ${MAX_ENTRY_BYTES} (source, detail-type and detail in UTF-8; the reason is ${Buffer.byteLength(event.detail.reason ?? '')} bytes)`,
        { retryable: false },
      );
    }
    let answer;
    try {
      answer = await this.client.send(new PutEventsCommand({ Entries: [entry] }));
    } catch (error) {
      throw sdkError(event, error);
    }
    const failed = answer.Entries?.[0];
    if ((answer.FailedEntryCount ?? 0) > 0 || failed?.ErrorCode) {
      const code = failed?.ErrorCode ?? 'unknown';
      throw new VendorError(
        VENDOR,
        `PutEvents refused "${event.detailType}" of ${event.detail.alarmKey}: ${code}${failed?.ErrorMessage ? `: ${failed.ErrorMessage}` : ''}`,
        { retryable: RETRYABLE_ENTRY_ERRORS.has(code) || code === 'unknown' },
      );
    }
  }
}

function sdkError(event: DispatchEvent, error: unknown): VendorError {
  const e = error as Error & { $metadata?: { httpStatusCode?: number }; $fault?: 'client' | 'server' };
  const status = e.$metadata?.httpStatusCode;
  const retryable =
    status === undefined ||
    status >= 500 ||
    status === 429 ||
    status === 408 ||
    e.$fault === 'server' ||
    RETRYABLE_ERRORS.has(e.name);
  return new VendorError(
    VENDOR,
    `PutEvents "${event.detailType}" of ${event.detail.alarmKey}: ${e.name}: ${e.message}`,
    {
      cause: error,
      retryable,
      status,
    },
  );
}
