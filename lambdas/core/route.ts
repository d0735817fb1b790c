/**
 * The incoming use case: a validated alarm becomes issues, DMs and pages, each effectively once.
 * Throws when a delivery failed, after every independent step has had its chance; a retry finishes only what is
 * missing.
 */
import type { Alarm } from './message.ts';
import { mapSettled } from './concurrency.ts';
import type { Delivery, RouteContext, RouteDeps, RouteReport } from './route-types.ts';
import { routeBroadcast } from './routes/broadcast.ts';
import { throwIfAnyFailed } from './routes/failures.ts';
import { routeHighPriority } from './routes/high-priority.ts';
import { routeLowPriority } from './routes/low-priority.ts';
import { routeNag } from './routes/nag.ts';
import { routeSelfServiceUser } from './routes/self-service.ts';
import { resolveAlarm } from './resolve/resolve-alarm.ts';
import { withPeople } from './people/resolve-users.ts';

export type { RouteDeps, RouteReport } from './route-types.ts';

export async function route(deps: RouteDeps, alarm: Alarm, context: RouteContext): Promise<RouteReport> {
  const ctx = { ...context, requestId: alarm.requestId ?? context.messageId };
  const deliveries =
    alarm.status === 'resolved'
      ? await resolveAlarm(deps, alarm, ctx)
      : // Users named by email are found in Slack first (a user with a Slack ID costs nothing).
        await withPeople(deps, alarm, (resolved) => deliver(deps, resolved, ctx));
  return { requestId: ctx.requestId, type: alarm.type, deliveries };
}

async function deliver(
  deps: RouteDeps,
  alarm: Alarm,
  ctx: RouteContext & { requestId: string },
): Promise<Delivery[]> {
  switch (alarm.type) {
    case 'self-service': {
      // Each user gets their own issue and prompt; an empty list still reaches the default channel.
      const users = alarm.users.length ? alarm.users : [undefined];
      const results = await mapSettled(users, deps.config.broadcastConcurrency, (user) =>
        routeSelfServiceUser(deps, alarm, user, ctx),
      );
      throwIfAnyFailed(results);
      return results.map((r) => (r as PromiseFulfilledResult<Delivery>).value);
    }
    case 'broadcast':
      return [await routeBroadcast(deps, alarm, ctx)];
    case 'nag':
      return [await routeNag(deps, alarm, ctx)];
    case 'low-priority':
      return [await routeLowPriority(deps, alarm, ctx)];
    case 'high-priority':
      return [await routeHighPriority(deps, alarm, ctx)];
  }
}
