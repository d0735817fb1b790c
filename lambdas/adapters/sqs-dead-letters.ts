/**
 * The alarm path's dead-letter queue over Amazon SQS: one SendMessage per rejected alarm.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 *
 * The queue is encrypted with a Dispatch KMS key: the caller needs kms:GenerateDataKey and kms:Decrypt on it as well as
 * sqs:SendMessage (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html);
 * the stack grants both to the incoming function's role.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { VendorError } from '../core/errors.ts';
import type { DeadLetters } from '../core/ports.ts';

export class SqsDeadLetters implements DeadLetters {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(body: string): Promise<string | undefined> {
    try {
      const sent = await this.client.send(
        new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }),
      );
      return sent.MessageId;
    } catch (error) {
      const e = error as Error & { $metadata?: { httpStatusCode?: number } };
      throw new VendorError('sqs', `SendMessage to the dead-letter queue: ${e.name}: ${e.message}`, {
        cause: error,
        // The caller falls back to Lambda's own retries and on-failure destination either way.
        retryable: true,
        status: e.$metadata?.httpStatusCode,
      });
    }
  }
}
