/**
 * low-priority: a GitHub issue only, tagging the first user's handle or the default user/team. A new alarm costs
 * three sequential ledger round trips: the lookup; the record written while the issue step is claimed; the
 * completion with the issue recorded and the occurrence finished.
 */
import { alarmKey } from '../keys.ts';
import type { LowPriorityAlarm } from '../message.ts';
import { occurrenceFor } from '../occurrence.ts';
import { mention } from '../render/github.ts';
import type { Delivery, RouteContext, RouteDeps } from '../route-types.ts';
import { noteRepeat } from '../storm.ts';
import { openIssue } from './issue.ts';

export async function routeLowPriority(
  deps: RouteDeps,
  alarm: LowPriorityAlarm,
  ctx: RouteContext & { requestId: string },
): Promise<Delivery> {
  const first = alarm.users?.[0];
  const key = alarmKey(alarm, deps.config, { user: first ?? {}, producer: ctx.producer });
  const occ = await occurrenceFor(deps, key, ctx.messageId, alarm.retrigger, { snoozable: true });
  const delivery: Delivery = { key, occurrence: occ.record.occurrence, dms: [], suppressed: occ.suppressed };
  if (occ.snoozed) delivery.snoozed = occ.snoozed;
  if (occ.stop) return delivery;
  const occurrence = occ.record.occurrence;

  if (occ.record.issue && occ.record.finished) {
    delivery.issue = occ.record.issue;
  } else {
    const annotate = async (issue: Delivery['issue']) => {
      await occ.begun;
      await deps.ledger.annotate(key, occurrence, { issue, finished: true });
    };
    const { result, fresh } = await openIssue(
      deps,
      alarm,
      { key, occurrence, requestId: ctx.requestId },
      [mention(first?.github, deps.config.githubDefaultUser)],
      annotate,
    );
    delivery.issue = result;
    // A retry that found the step done but the record without it (a crash between the two writes).
    if (!fresh && !(occ.record.issue && occ.record.finished)) await annotate(result);
  }
  if (occ.repeats && !occ.redelivery)
    delivery.seen = await noteRepeat(deps, key, occurrence, delivery.issue, occ.repeats);
  deps.log.info('low-priority delivered', {
    alarmKey: key,
    issue: delivery.issue.url,
    suppressed: occ.suppressed,
  });
  return delivery;
}
