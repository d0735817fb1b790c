import {
  EventBridgeClient,
  EventBridgeServiceException,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeEvents, MAX_ENTRY_BYTES, entrySize } from '../../lambdas/adapters/eventbridge-events.ts';
import { VendorError } from '../../lambdas/core/errors.ts';
import type { DispatchEvent } from '../../lambdas/core/ports.ts';

const eventbridge = mockClient(EventBridgeClient);
beforeEach(() => eventbridge.reset());

const answered: DispatchEvent = {
  detailType: 'Prompt Answered',
  detail: {
    eventId: 'self-service:abc#1:answered',
    alarmKey: 'self-service:abc',
    alarmType: 'self-service',
    producer: 'idp',
    answer: 'yes',
    answeredBy: 'U0RESPONDER',
    onBehalfOf: 'U0OWNER',
    reason: 'I was rotating my key',
    issueUrl: 'https://github.com/acme/security-alarms/issues/7',
    pagerDutyDedupKey: 'self-service:abc',
    at: '2026-11-23T13:00:00.000Z',
  },
};

const client = () => new EventBridgeClient({ region: 'eu-west-1' });

function throttled(): EventBridgeServiceException {
  return new EventBridgeServiceException({
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'Rate exceeded',
  });
}

describe('EventBridgeEvents', () => {
  it('puts one entry: source dispatch, the detail-type, the detail as JSON, on the default bus', async () => {
    // Prepare
    eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    // Act
    await new EventBridgeEvents(client()).publish(answered);
    // Assess
    const calls = eventbridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      Entries: [
        { Source: 'dispatch', DetailType: 'Prompt Answered', Detail: JSON.stringify(answered.detail) },
      ],
    });
    expect(JSON.parse(calls[0]!.args[0].input.Entries![0]!.Detail!)).toEqual(answered.detail);
  });

  it('puts the entry on the configured bus', async () => {
    // Prepare
    eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    // Act
    await new EventBridgeEvents(client(), { busName: 'security-events' }).publish(answered);
    // Assess
    expect(eventbridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.EventBusName).toBe(
      'security-events',
    );
  });

  it('fails, retryable, when PutEvents answers 200 with the entry throttled', async () => {
    // Prepare
    eventbridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }],
    });
    // Act
    const publishing = new EventBridgeEvents(client()).publish(answered);
    // Assess
    await expect(publishing).rejects.toThrow(VendorError);
    await expect(publishing).rejects.toMatchObject({
      code: 'VENDOR_FAILED',
      retryable: true,
      message: expect.stringContaining('ThrottlingException: Rate exceeded'),
    });
  });

  it('fails, not retryable, when PutEvents refuses the entry for good', async () => {
    // Prepare
    eventbridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized' }],
    });
    // Act / Assess
    await expect(new EventBridgeEvents(client()).publish(answered)).rejects.toMatchObject({
      name: 'VendorError',
      code: 'VENDOR_REJECTED',
      retryable: false,
      message: expect.stringMatching(
        /eventbridge: .*Prompt Answered.*self-service:abc.*NotAuthorizedForSource/,
      ),
    });
  });

  it('counts a failed entry even when FailedEntryCount is missing', async () => {
    // Prepare
    eventbridge.on(PutEventsCommand).resolves({ Entries: [{ ErrorCode: 'InternalFailure' }] });
    // Act / Assess
    await expect(new EventBridgeEvents(client()).publish(answered)).rejects.toMatchObject({
      retryable: true,
    });
  });

  it('passes a throttled request on as retryable, and a refused one as not', async () => {
    // Prepare
    eventbridge
      .on(PutEventsCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(
        new EventBridgeServiceException({
          name: 'AccessDeniedException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          message: 'not allowed',
        }),
      );
    const events = new EventBridgeEvents(client());
    // Act / Assess
    await expect(events.publish(answered)).rejects.toMatchObject({ retryable: true, status: 400 });
    await expect(events.publish(answered)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('AccessDeniedException: not allowed'),
    });
  });

  it('refuses a detail past EventBridge’s 256 KB entry limit without sending it, and says why', async () => {
    // Prepare
    const reason = 'é'.repeat(MAX_ENTRY_BYTES / 2); // 2 bytes each in UTF-8: the entry is just over the limit
    const oversize: DispatchEvent = { ...answered, detail: { ...answered.detail, reason } };
    // Act
    const publishing = new EventBridgeEvents(client()).publish(oversize);
    // Assess
    await expect(publishing).rejects.toMatchObject({
      code: 'VENDOR_REJECTED',
      retryable: false,
      message: expect.stringMatching(
        /entry is \d+ bytes, EventBridge takes less than 262144 .*reason is 262144 bytes/,
      ),
    });
    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('sends an entry just under the limit', async () => {
    // Prepare
    eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const bare = { ...answered, detail: { ...answered.detail, reason: '' } };
    const base = entrySize({
      Source: 'dispatch',
      DetailType: bare.detailType,
      Detail: JSON.stringify(bare.detail),
    });
    const reason = 'x'.repeat(MAX_ENTRY_BYTES - 1 - base);
    // Act
    await new EventBridgeEvents(client()).publish({ ...bare, detail: { ...bare.detail, reason } });
    // Assess
    const entry = eventbridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(entrySize(entry)).toBe(MAX_ENTRY_BYTES - 1);
  });
});
