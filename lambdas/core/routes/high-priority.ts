/**
 * high-priority: a PagerDuty incident. The alarm key is the dedup key, so PagerDuty folds a repeat into the open
 * incident; the ledger step, named by the SNS message, keeps a redelivery from even asking.
 */
import { alarmKey } from '../keys.ts';
import type { HighPriorityAlarm } from '../message.ts';
import type { Delivery, RouteContext, RouteDeps } from '../route-types.ts';
import { runStep } from '../steps.ts';
import { mayNotify } from '../storm.ts';

export async function routeHighPriority(
  deps: RouteDeps,
  alarm: HighPriorityAlarm,
  ctx: RouteContext & { requestId: string },
): Promise<Delivery> {
  const key = alarmKey(alarm, deps.config, { producer: ctx.producer });
  // Storm control: PagerDuty folds repeats anyway; inside the window they are only counted, sparing its rate limit.
  if (!(await mayNotify(deps, key, 'page', ctx.messageId))) {
    const seen = 1 + (await deps.ledger.increment(key, 'repeats'));
    deps.log.info('high-priority repeat inside the storm window: counted, not paged again', {
      alarmKey: key,
      seen,
    });
    return { key, dms: [], seen, suppressed: 'paged for this alarm less than a storm window ago' };
  }
  const pd = alarm.body.pagerduty;
  const body = pd.body;
  const { result } = await runStep(deps, key, `page:${ctx.messageId}`, {
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
  });
  deps.log.info('high-priority delivered', {
    alarmKey: key,
    deduplicated: result.deduplicated,
    incident: result.incidentUrl,
  });
  return { key, dms: [], page: result };
}
