/** `dispatch send` and `dispatch redrive` with AWS events as AWS sends them (issue 16): sent as they are, never kept as invalid. */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../bin/dispatch.ts';
import { fakeIo } from '../helpers/cli-io.ts';

const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
beforeEach(() => {
  sns.reset();
  sqs.reset();
});

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:Dispatch-prod-Alarms';
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/Dispatch-prod-DeadLetters';
const finding = readFileSync('examples/guardduty-finding.json', 'utf8');

describe('native events with send and redrive', () => {
  it('send publishes a GuardDuty finding exactly as written and says what it becomes', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
    const { io, stdout } = fakeIo({ 'gd.json': finding });
    // Act
    const code = await main(['send', 'gd.json', '--topic', TOPIC], io);
    // Assess
    expect(code).toBe(0);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      TopicArn: TOPIC,
      Message: finding,
      Subject: 'guardduty',
    });
    expect(stdout[0]).toMatch(
      /^gd\.json: published as msg-1 \(GuardDuty finding .* translated into high-priority/,
    );
  });

  it('redrive republishes a dead-lettered GuardDuty finding instead of keeping it as invalid', async () => {
    // Prepare: as Lambda's on-failure destination records a failed SNS invocation.
    const record = {
      requestContext: { condition: 'RetriesExhausted' },
      requestPayload: {
        Records: [{ Sns: { MessageId: 'm1', TopicArn: TOPIC, Message: finding } }],
      },
      responsePayload: { errorMessage: 'pagerduty: enqueue answered HTTP 503' },
    };
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'q1', ReceiptHandle: 'r1', Body: JSON.stringify(record) }] })
      .resolves({ Messages: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'new-1' });
    const { io, stdout } = fakeIo();
    // Act
    const code = await main(['redrive', '--queue', QUEUE, '--topic', TOPIC], io);
    // Assess
    expect(code).toBe(0);
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Message)).toEqual([finding]);
    expect(stdout[0]).toBe(
      '[1] q1: republished as new-1 (failed with: pagerduty: enqueue answered HTTP 503)',
    );
  });
});
