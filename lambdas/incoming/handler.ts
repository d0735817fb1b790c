/**
 * SNS-triggered incoming function: SNS event -> receiveAlarm(deps, message) per record. An alarm no retry can help is
 * sent to the dead-letter queue at once and the invocation succeeds (dead-letter.ts); any other failure is thrown, so
 * Lambda retries it twice and then dead-letters it.
 */
import { DispatchError } from '../core/errors.ts';
import type { DeadLetters } from '../core/ports.ts';
import { receiveAlarm } from '../core/receive.ts';
import type { RouteDeps, RouteReport } from '../core/route.ts';
import { depsAtColdStart } from '../shared/cold-start.ts';
import { parseEnv } from '../shared/env.ts';
import { stopBy, type InvocationContext } from '../shared/invocation.ts';
import { buildRouteDeps } from '../shared/wiring.ts';
import { deadLetterAtOnce, type DeadLettered } from './dead-letter.ts';
import { SnsEventSchema } from './sns-event.ts';

export type IncomingDeps = RouteDeps & { deadLetters?: DeadLetters | undefined };

export function createHandler(getDeps: () => IncomingDeps) {
  return async (
    event: unknown,
    context?: InvocationContext,
  ): Promise<{ reports: RouteReport[]; deadLettered?: DeadLettered[] }> => {
    const parsed = SnsEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new DispatchError(
        'EVENT_INVALID',
        `not an SNS event: ${parsed.error.issues[0]?.message ?? 'unknown shape'}`,
      );
    }
    const base = getDeps();
    const deps = { ...base, until: stopBy(context, base.clock.now()) };
    const reports: RouteReport[] = [];
    const deadLettered: DeadLettered[] = [];
    for (const record of parsed.data.Records) {
      const message = {
        messageId: record.Sns.MessageId,
        body: record.Sns.Message,
        topicArn: record.Sns.TopicArn,
      };
      try {
        reports.push(await receiveAlarm(deps, message));
      } catch (error) {
        // Rethrown unless no retry can help and the dead-letter queue took it.
        deadLettered.push(await deadLetterAtOnce(deps, record, error, context));
      }
    }
    return deadLettered.length ? { reports, deadLettered } : { reports };
  };
}

/** Config is validated at cold start; a missing value fails the init with its name. */
const env = process.env.AWS_LAMBDA_FUNCTION_NAME ? parseEnv(process.env) : undefined;

export const handler = createHandler(depsAtColdStart((p) => buildRouteDeps(env ?? parseEnv(process.env), p)));
