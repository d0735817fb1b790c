/**
 * high-priority: a PagerDuty incident. The alarm key is the dedup key, so PagerDuty folds a repeat into the open
 * incident. One ledger round trip before the page: the storm slot and the page step (named by the SNS message, so
 * a redelivery never pages again, even after the incident was resolved) are claimed in parallel; one after it.
 */
import { randomUUID } from 'node:crypto';
import { alarmKey } from '../keys.ts';
import type { HighPriorityAlarm } from '../message.ts';
import type { Delivery, RouteContext, RouteDeps } from '../route-types.ts';
import { runStep } from '../steps.ts';
import { mayNotify } from '../storm.ts';
import { activeSnooze, holdPage } from '../snooze/hold.ts';

export async function routeHighPriority(
  deps: RouteDeps,
  alarm: HighPriorityAlarm,
  ctx: RouteContext & { requestId: string },
): Promise<Delivery> {
  const key = alarmKey(alarm, deps.config, { producer: ctx.producer });
  const step = `page:${ctx.messageId}`;
  const owner = randomUUID();
  // Storm control: PagerDuty folds repeats anyway; inside the window they are only counted, sparing its rate limit.
  const [notify, claim, , record] = await Promise.all([
    mayNotify(deps, key, 'page', ctx.messageId),
    deps.ledger.claim(key, step, deps.config.leaseMs, owner),
    // Known (so a resolve can find it), and no longer resolved.
    deps.ledger.fired(key, ctx.messageId),
    // Snoozed? Read beside the claims, so an alarm that is not snoozed waits no longer.
    deps.ledger.get(key),
  ]);
  const snooze = activeSnooze(record?.snooze, deps.clock.now());
  if (snooze)
    return holdPage(
      deps,
      key,
      { step, claim, tookSlot: notify && deps.config.stormWindowMs > 0, slot: 'page' },
      snooze,
    );
  if (!notify) {
    const [seen] = await Promise.all([
      deps.ledger.increment(key, 'repeats'),
      // This message's page step is settled as "not paged", so a redelivery of it finds it done.
      claim.status === 'won' ? deps.ledger.complete(key, step, { suppressed: true }) : undefined,
    ]);
    deps.log.info('high-priority repeat inside the storm window: counted, not paged again', {
      alarmKey: key,
      seen: seen + 1,
    });
    return { key, dms: [], seen: seen + 1, suppressed: 'paged for this alarm less than a storm window ago' };
  }
  const pd = alarm.body.pagerduty;
  const body = pd.body;
  const { result } = await runStep(
    deps,
    key,
    step,
    {
      run: async () => ({
        ...(await deps.pager.trigger({
          dedupKey: key,
          summary: pd.title,
          severity: alarm.severity ?? 'critical',
          service: pd.service ?? alarm.pagerDutyServiceId,
          details: {
            ...(typeof body === 'string' ? { body } : (body ?? {})),
            requestId: ctx.requestId,
            alarmType: alarm.type,
          },
          links: alarm.links,
        })),
      }),
    },
    { owner, claimed: claim },
  );
  deps.log.info('high-priority delivered', {
    alarmKey: key,
    deduplicated: result.deduplicated,
    incident: result.incidentUrl,
  });
  return { key, dms: [], page: result };
}
