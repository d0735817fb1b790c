/**
 * `dispatch redrive --queue URL --topic ARN`: moves dead-lettered alarms back to the topic they came from (a named
 * producer's own topic keeps its producer; `--topic` when the record does not say), one report line each.
 * A message is deleted only after its alarm was republished; one that is still invalid stays, with the reason.
 * Understands both shapes in the queue: failure records (with the error), whether Lambda sent them after its retries
 * or the incoming function sent them at once for a rejected alarm (`RejectedByDispatch`), and SNS delivery failures.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { AlarmValidationError } from '../../lambdas/core/errors.ts';
import { parseMessage } from '../../lambdas/core/sources/translate.ts';
import { parseArgs } from './args.ts';
import { commandLine, queueUrlProblem, topicRegion } from './arns.ts';
import { explainAwsError } from './aws-errors.ts';
import type { CliIo } from './io.ts';

export const redriveHelp = `Usage: dispatch redrive --queue URL --topic ARN [--max N] [--dry-run] [--region REGION]

Moves alarms from the dead-letter queue back to the topic they came from (a named producer's alarm to
that producer's topic), reporting each with the reason it failed; --topic (the AlarmTopicArn output) for
alarms whose topic is not recorded. Deletes a message only once its alarm is republished; invalid alarms
stay in the queue.

Example:
  npx dispatch redrive --queue https://sqs.eu-west-1.amazonaws.com/123456789012/Dispatch-prod-DeadLetters \\
    --topic arn:aws:sns:eu-west-1:123456789012:Dispatch-prod-Alarms`;

/** The alarm and the recorded failure reason inside one dead-letter message. */
export function unwrapDeadLetter(body: string): {
  alarm: string;
  reason?: string | undefined;
  /** The topic the alarm arrived on, when the record says. */
  topicArn?: string | undefined;
  /** The SNS message ID it arrived as, when the record says. */
  messageId?: string | undefined;
  /** The record keeps only the first part of the alarm (it did not fit beside its reason in one SQS message). */
  truncated?: { alarmBytes: number; keptBytes: number } | undefined;
} {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { alarm: body };
  }
  const record = parsed as {
    requestPayload?: { Records?: { Sns?: { Message?: string; TopicArn?: string; MessageId?: string } }[] };
    responsePayload?: { errorMessage?: string; errorType?: string };
    requestContext?: { condition?: string };
    truncated?: { alarmBytes?: unknown; keptBytes?: unknown };
    Type?: string;
    Message?: string;
    TopicArn?: string;
    MessageId?: string;
  };
  const sns = record.requestPayload?.Records?.[0]?.Sns;
  if (typeof sns?.Message === 'string') {
    const reason = record.responsePayload?.errorMessage ?? record.requestContext?.condition;
    const cut = record.truncated;
    const truncated =
      cut && typeof cut === 'object'
        ? { alarmBytes: Number(cut.alarmBytes), keptBytes: Number(cut.keptBytes) }
        : undefined;
    return {
      alarm: sns.Message,
      reason,
      ...topic(sns.TopicArn),
      ...id(sns.MessageId),
      ...(truncated ? { truncated } : {}),
    };
  }
  if (record.Type === 'Notification' && typeof record.Message === 'string') {
    return {
      alarm: record.Message,
      reason: 'SNS could not deliver it to the function',
      ...topic(record.TopicArn),
      ...id(record.MessageId),
    };
  }
  return { alarm: body };
}

function id(messageId: unknown): { messageId?: string } {
  return typeof messageId === 'string' && messageId ? { messageId } : {};
}

function topic(arn: unknown): { topicArn?: string } {
  return typeof arn === 'string' && arn.startsWith('arn:') && arn.includes(':sns:') ? { topicArn: arn } : {};
}

export async function redrive(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, {
    queue: 'string',
    topic: 'string',
    max: 'string',
    region: 'string',
    'dry-run': 'boolean',
    help: 'boolean',
  });
  if (args.help) {
    io.out(redriveHelp);
    return 0;
  }
  const queue = args.queue as string | undefined;
  const topic = args.topic as string | undefined;
  if (!queue || !topic) {
    io.err(
      `dispatch redrive: --queue URL and --topic ARN are required (stack outputs DeadLetterQueueUrl and AlarmTopicArn)\n\n${redriveHelp}`,
    );
    return 2;
  }
  const arn = topicRegion(topic);
  const problem = 'error' in arn ? arn.error : queueUrlProblem(queue);
  if (problem) {
    io.err(`dispatch redrive: ${problem}`);
    return 2;
  }
  const max = Number(args.max ?? Infinity);
  if (args.max !== undefined && !(Number.isInteger(max) && max > 0)) {
    io.err(`dispatch redrive: --max must be a whole number above 0, got "${String(args.max)}"`);
    return 2;
  }
  const region = (args.region as string | undefined) ?? ('region' in arn ? arn.region : undefined);
  const sqs = new SQSClient(region ? { region } : {});
  const sns = new SNSClient(region ? { region } : {});
  const dry = Boolean(args['dry-run']);
  let seen = 0;
  let moved = 0;
  let kept = 0;
  /**
   * SNS message IDs this run republished as. An alarm that fails for good again (still invalid for its producer, a
   * repository still missing) is dead-lettered again within a second, as that message: it is kept, not sent round again.
   */
  const republished = new Set<string>();
  try {
    while (seen < max) {
      const batch = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queue,
          MaxNumberOfMessages: Math.min(10, max - seen),
          WaitTimeSeconds: 1,
          VisibilityTimeout: 60,
        }),
      );
      const messages: Message[] = batch.Messages ?? [];
      if (messages.length === 0) break;
      for (const message of messages) {
        seen++;
        const { alarm, reason, topicArn, messageId, truncated } = unwrapDeadLetter(message.Body ?? '');
        const target = topicArn ?? topic;
        const to = target === topic ? '' : ` to ${target}`;
        const label = `[${seen}] ${message.MessageId}`;
        const why = reason ? ` (failed with: ${reason})` : '';
        if (messageId !== undefined && republished.has(messageId)) {
          kept++;
          io.out(`${label}: kept, it failed again after this run republished it as ${messageId}${why}`);
          continue;
        }
        if (truncated) {
          // Never republish part of an alarm, even one that happens to parse.
          kept++;
          io.out(
            `${label}: kept, the record holds only part of the alarm (${truncated.keptBytes} of ${truncated.alarmBytes} bytes)${why}`,
          );
          continue;
        }
        try {
          // An alarm, or a native AWS event the incoming function translates.
          parseMessage(alarm);
        } catch (error) {
          kept++;
          io.out(
            `${label}: kept, still invalid: ${error instanceof AlarmValidationError ? error.message : String(error)}`,
          );
          continue;
        }
        if (dry) {
          io.out(`${label}: would republish${to}${why}`);
          continue;
        }
        const out = await sns.send(new PublishCommand({ TopicArn: target, Message: alarm }));
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queue, ReceiptHandle: message.ReceiptHandle }));
        moved++;
        if (out.MessageId) republished.add(out.MessageId);
        io.out(`${label}: republished as ${out.MessageId}${to}${why}`);
      }
      if (dry) break;
    }
  } catch (error) {
    io.err(explainAwsError(error, dry ? 'redrive --dry-run' : 'redrive', commandLine('redrive', argv)));
    io.out(
      dry
        ? `Dry run stopped by the error after ${seen} message${seen === 1 ? '' : 's'}; nothing was changed.`
        : `Republished ${moved}, kept ${kept} before the error; what was not republished is still in the queue.`,
    );
    return 1;
  }
  io.out(
    seen === 0
      ? 'The dead-letter queue is empty.'
      : `${dry ? 'Dry run: ' : ''}${seen} seen, ${moved} republished, ${kept} kept in the queue.`,
  );
  return kept > 0 ? 1 : 0;
}
