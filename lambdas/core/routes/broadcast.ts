/**
 * broadcast: one issue listing who was told and a DM to every user, in parallel with bounded concurrency. One
 * refused DM stops nothing: it is reported to the default channel and recorded on the issue.
 */
import { mapSettled } from '../concurrency.ts';
import { alarmKey, userIdentity } from '../keys.ts';
import type { BroadcastAlarm } from '../message.ts';
import { code, fence } from '../render/github.ts';
import { noticeDm } from '../render/slack.ts';
import type { Delivery, RouteContext, RouteDeps } from '../route-types.ts';
import { commentOnce, occurrenceFor } from '../steps.ts';
import { noteRepeat, withinUserCap } from '../storm.ts';
import { dmOnce, sendDm } from './dm.ts';
import { openIssue } from './issue.ts';
import { throwIfAnyFailed } from './failures.ts';

export async function routeBroadcast(
  deps: RouteDeps,
  alarm: BroadcastAlarm,
  ctx: RouteContext & { requestId: string },
): Promise<Delivery> {
  const key = alarmKey(alarm, deps.config, { producer: ctx.producer });
  const occ = await occurrenceFor(deps, key, ctx.messageId, alarm.retrigger);
  const delivery: Delivery = { key, occurrence: occ.record.occurrence, dms: [], suppressed: occ.suppressed };
  if (occ.stop) return delivery;

  const o = `o${occ.record.occurrence}`;
  const marker = `${key}#${o}`;
  const channel = deps.config.slackDefaultChannel;
  const names = alarm.users.map((u) => u.slack || u.slackId || `${u.github ?? 'unknown'} (no Slack ID)`);
  // Names are producer text: inside a fence no run of backticks in them can close, and nobody is mentioned.
  const lines = [`**Notified (${names.length}):**`, fence(names.join(', ') || '(nobody)')];
  const message = alarm.body.slack.message;

  const issueStep = openIssue(
    deps,
    alarm,
    { key, occurrence: occ.record.occurrence, requestId: ctx.requestId },
    lines,
  );
  // The same user listed twice gets one DM: the step is named by who they are.
  const dmSteps = mapSettled(alarm.users, deps.config.broadcastConcurrency, (user) => {
    const to = user.slackId || undefined;
    return dmOnce(deps, key, `${o}:dm:${userIdentity(user)}`, { to, marker }, async () => {
      if (to && !(await withinUserCap(deps, to, `broadcast: ${alarm.body.github.title}`)))
        return { to, held: true };
      return sendDm(deps, {
        alarm,
        to,
        message: noticeDm(alarm, message, marker),
        fallbackText: message,
        fallbackReason: `No Slack ID was given for ${user.github ?? 'a user'} in this broadcast, so it came to ${channel}.`,
        marker,
      });
    });
  });
  const [issue, dms] = await Promise.allSettled([issueStep, dmSteps]);
  const dmResults = dms.status === 'fulfilled' ? dms.value : [];
  delivery.dms = dmResults.flatMap((r) => (r.status === 'fulfilled' ? [r.value.result] : []));
  if (issue.status === 'fulfilled') {
    delivery.issue = issue.value.result;
    if (!occ.record.issue) await deps.ledger.annotate(key, occ.record.occurrence, { issue: delivery.issue });
  }
  throwIfAnyFailed([issue, ...dmResults]);

  const failed = delivery.dms.filter((d) => d.failed);
  if (failed.length > 0) {
    const list = failed.map((d) => `- ${code(d.to)}: ${code(d.failed ?? '')}`).join('\n');
    await commentOnce(
      deps,
      key,
      `${o}:failures`,
      delivery.issue!,
      `Dispatch could not DM ${failed.length} of them (${channel} was told):\n${list}`,
    );
  }
  if (occ.suppressed && !occ.redelivery && delivery.issue) {
    delivery.seen = await noteRepeat(deps, key, occ.record.occurrence, delivery.issue, ctx.messageId);
  }
  deps.log.info('broadcast delivered', {
    alarmKey: key,
    issue: delivery.issue?.url,
    dms: delivery.dms.length,
    failed: failed.length,
  });
  return delivery;
}
