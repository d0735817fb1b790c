/** SNS-triggered incoming function: SNS event -> receiveAlarm(deps, message) per record. */
import { DispatchError } from '../core/errors.ts';
import { receiveAlarm } from '../core/receive.ts';
import type { RouteDeps, RouteReport } from '../core/route.ts';
import { depsAtColdStart } from '../shared/cold-start.ts';
import { parseEnv } from '../shared/env.ts';
import { stopBy, type InvocationContext } from '../shared/invocation.ts';
import { buildRouteDeps } from '../shared/wiring.ts';
import { SnsEventSchema } from './sns-event.ts';

export function createHandler(getDeps: () => RouteDeps) {
  return async (event: unknown, context?: InvocationContext): Promise<{ reports: RouteReport[] }> => {
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
    for (const record of parsed.data.Records) {
      reports.push(
        await receiveAlarm(deps, {
          messageId: record.Sns.MessageId,
          body: record.Sns.Message,
          topicArn: record.Sns.TopicArn,
        }),
      );
    }
    return { reports };
  };
}

/** Config is validated at cold start; a missing value fails the init with its name. */
const env = process.env.AWS_LAMBDA_FUNCTION_NAME ? parseEnv(process.env) : undefined;

export const handler = createHandler(depsAtColdStart((p) => buildRouteDeps(env ?? parseEnv(process.env), p)));
