/**
 * The shapes of what operators paste from stack outputs, checked before any AWS call, so a wrong value is named
 * instead of surfacing as an SDK error about something else ("Region is missing").
 */
import { OUTPUTS_HINT } from './aws-errors.ts';

/** arn:PARTITION:sns:REGION:ACCOUNT:NAME (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html) */
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):([\w-]{1,256})$/;
/** https://sqs.REGION.amazonaws.com/ACCOUNT/NAME (or a VPC/legacy form with the region in the host). */
const QUEUE_URL =
  /^https:\/\/[a-z0-9.-]*sqs[.-]([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(\d{12})\/[\w-]{1,80}(?:\.fifo)?$/;

export const EXAMPLE_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:Dispatch-prod-Alarms';
export const EXAMPLE_QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/Dispatch-prod-DeadLetters';

/** The topic's region, or a message naming the fault and where the right value is. */
export function topicRegion(topic: string, option = '--topic'): { region: string } | { error: string } {
  const m = TOPIC_ARN.exec(topic);
  if (m) return { region: m[1]! };
  return {
    error:
      `${option} "${topic}" is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME, e.g. ${EXAMPLE_TOPIC}). ` +
      `Use the stack output AlarmTopicArn: ${OUTPUTS_HINT}`,
  };
}

/** A message naming the fault when `queue` is not an SQS queue URL; undefined when it is. */
export function queueUrlProblem(queue: string): string | undefined {
  if (QUEUE_URL.test(queue)) return undefined;
  return (
    `--queue "${queue}" is not an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME, e.g. ${EXAMPLE_QUEUE}). ` +
    `Use the stack output DeadLetterQueueUrl: ${OUTPUTS_HINT}`
  );
}

/** A shell word as typed: quoted only when it needs to be. */
export const shellWord = (w: string) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** The command line as typed again, for "then run: …" hints. */
export function commandLine(command: string, argv: string[]): string {
  return ['npx dispatch', command, ...argv.map(shellWord)].join(' ');
}
