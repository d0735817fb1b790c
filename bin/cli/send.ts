/** `dispatch send FILE --topic ARN`: validates an alarm, then publishes it to the Dispatch topic. */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { describeAlarm } from '../../lambdas/core/describe-alarm.ts';
import { AlarmValidationError } from '../../lambdas/core/errors.ts';
import { describeNative, parseMessage } from '../../lambdas/core/sources/translate.ts';
import { parseArgs } from './args.ts';
import { commandLine, topicRegion } from './arns.ts';
import { explainAwsError } from './aws-errors.ts';
import type { CliIo } from './io.ts';

export const sendHelp = `Usage: dispatch send FILE... --topic ARN [--region REGION]

Validates each alarm against MESSAGE-SPEC.md and publishes the valid ones to the topic.
Invalid alarms are not sent; the command exits 1 if any alarm was invalid or not published.

Example:
  npx dispatch send examples/self-service.json --topic arn:aws:sns:eu-west-1:123456789012:Dispatch-prod-Alarms`;

export async function send(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { topic: 'string', region: 'string', help: 'boolean' });
  if (args.help) {
    io.out(sendHelp);
    return 0;
  }
  const topic = args.topic as string | undefined;
  if (!topic || args._.length === 0) {
    io.err(
      `dispatch send: give at least one FILE and --topic ARN (the AlarmTopicArn stack output)\n\n${sendHelp}`,
    );
    return 2;
  }
  const arn = topicRegion(topic);
  if ('error' in arn) {
    io.err(`dispatch send: ${arn.error}`);
    return 2;
  }
  const region = (args.region as string | undefined) ?? arn.region;
  const sns = new SNSClient({ region });
  let failed = 0;
  for (const file of args._) {
    try {
      const raw = await io.readFile(file);
      // A native AWS event is sent as it is; the incoming function translates it.
      const { alarms, native } = parseMessage(raw);
      const subject = native ? native.source : alarms[0]!.type;
      const out = await sns.send(new PublishCommand({ TopicArn: topic, Message: raw, Subject: subject }));
      io.out(
        `${file}: published as ${out.MessageId} (${native ? describeNative(native) : describeAlarm(alarms[0]!)})`,
      );
    } catch (error) {
      failed++;
      if (error instanceof AlarmValidationError) {
        io.err(`${file}: not sent, invalid`);
        for (const i of error.issues) io.err(`  ${i.path || '(alarm)'}: ${i.message}`);
      } else if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        io.err(`${file}: no such file; check the path (e.g. examples/self-service.json)`);
      } else {
        io.err(explainAwsError(error, `${file}: publish to ${topic}`, commandLine('send', argv)));
      }
    }
  }
  return failed ? 1 : 0;
}
