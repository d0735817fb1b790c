/** low-priority: a GitHub issue only, tagging the first user's handle or the default user/team. */
import { alarmKey } from '../keys.ts';
import type { LowPriorityAlarm } from '../message.ts';
import { mention } from '../render/github.ts';
import type { Delivery, RouteContext, RouteDeps } from '../route-types.ts';
import { occurrenceFor } from '../steps.ts';
import { openIssue } from './issue.ts';
import { noteRepeat } from '../storm.ts';

export async function routeLowPriority(
  deps: RouteDeps,
  alarm: LowPriorityAlarm,
  ctx: RouteContext & { requestId: string },
): Promise<Delivery> {
  const first = alarm.users?.[0];
  const key = alarmKey(alarm, deps.config, { user: first ?? {}, producer: ctx.producer });
  const occ = await occurrenceFor(deps, key, ctx.messageId, alarm.retrigger);
  const delivery: Delivery = { key, occurrence: occ.record.occurrence, dms: [], suppressed: occ.suppressed };
  if (occ.stop) return delivery;

  const { result } = await openIssue(
    deps,
    alarm,
    { key, occurrence: occ.record.occurrence, requestId: ctx.requestId },
    [mention(first?.github, deps.config.githubDefaultUser)],
  );
  delivery.issue = result;
  if (!occ.record.issue) await deps.ledger.annotate(key, occ.record.occurrence, { issue: result });
  if (occ.suppressed && !occ.redelivery)
    delivery.seen = await noteRepeat(deps, key, occ.record.occurrence, result, ctx.messageId);
  deps.log.info('low-priority delivered', { alarmKey: key, issue: result.url, suppressed: occ.suppressed });
  return delivery;
}
