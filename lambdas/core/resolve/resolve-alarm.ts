/**
 * Resolve at the source: an alarm sent with `"status": "resolved"` ends what its firing started, each effect once.
 * - high-priority: a PagerDuty resolve with the same dedup key (REST mode: the incident is resolved);
 * - an open issue: a comment "Resolved at the source at <time>", then closed;
 * - an unanswered self-service prompt: its buttons replaced ("Resolved at the source; no answer needed"), on the DM
 *   and on the responder copy, its timers cancelled; a late click finds the prompt settled;
 * - nag and broadcast: the occurrence is over, so nothing more is sent for it.
 * A second resolve, or one for a key Dispatch does not know, does nothing. A firing alarm after a resolve starts a
 * new occurrence (occurrence.ts). The resolve is published as `Alarm Resolved`.
 */
import { randomUUID } from 'node:crypto';
import { alarmKey } from '../keys.ts';
import type { Alarm, User } from '../message.ts';
import type { AlarmRecord } from '../ports.ts';
import { answeredDm, mrkdwn, slackDate } from '../render/slack.ts';
import type { Delivery, RouteContext, RouteDeps } from '../route-types.ts';
import { throwIfAnyFailed } from '../routes/failures.ts';
import { commentOnce } from '../steps.ts';
import { cancelPromptTimers } from '../timers.ts';
import { eventBasics, publishOnce } from '../events/publish.ts';
import { settleCopy } from '../answer/responder-copy.ts';

export const RESOLVED_NOTICE = 'Resolved at the source; no answer needed.';

export async function resolveAlarm(
  deps: RouteDeps,
  alarm: Alarm,
  ctx: RouteContext & { requestId: string },
): Promise<Delivery[]> {
  const scopes: (User | undefined)[] =
    alarm.type === 'self-service'
      ? alarm.users.length
        ? alarm.users
        : [undefined]
      : alarm.type === 'low-priority'
        ? [alarm.users?.[0] ?? {}]
        : [undefined];
  const keys = [
    ...new Set(
      scopes.map((user) =>
        alarmKey(alarm, deps.config, {
          producer: ctx.producer,
          user: alarm.type === 'self-service' || alarm.type === 'low-priority' ? (user ?? {}) : undefined,
        }),
      ),
    ),
  ];
  const results = await Promise.allSettled(keys.map((key) => resolveKey(deps, alarm, key, ctx)));
  throwIfAnyFailed(results);
  return results.map((r) => (r as PromiseFulfilledResult<Delivery>).value);
}

async function resolveKey(
  deps: RouteDeps,
  alarm: Alarm,
  key: string,
  ctx: RouteContext & { requestId: string },
): Promise<Delivery> {
  const log = deps.log.with({ alarmKey: key });
  const record = await deps.ledger.get(key);
  if (!record) {
    log.info('resolve for an alarm Dispatch does not know: nothing to do');
    return { key, dms: [], suppressed: 'resolved, but no such alarm is known: nothing to do' };
  }
  const won = await deps.ledger.markResolved(key, record.occurrence, ctx.messageId);
  if (won === 'already') {
    log.info('alarm already resolved: nothing to do');
    return { key, occurrence: record.occurrence, dms: [], suppressed: 'already resolved at the source' };
  }
  const o = `o${record.occurrence}:resolve`;
  const at = deps.clock.now();
  const effects: Promise<unknown>[] = [
    closeIssue(deps, key, o, record, at),
    settlePrompt(deps, key, record),
    publishOnce(deps, key, `${o}:event`, {
      detailType: 'Alarm Resolved',
      detail: {
        ...eventBasics(key, record.occurrence, 'resolved', alarm.type, at),
        issueUrl: record.issue?.url,
        pagerDutyDedupKey: alarm.type === 'high-priority' ? key : undefined,
      },
    }),
  ];
  if (alarm.type === 'high-priority') {
    const pd = alarm.body.pagerduty;
    effects.push(
      deps.pager.resolve({ dedupKey: key, service: pd.service ?? alarm.pagerDutyServiceId }),
      // The next firing pages at once instead of being counted as a repeat of a resolved incident.
      deps.ledger.freeSlot(key, 'page'),
    );
  }
  throwIfAnyFailed(await Promise.allSettled(effects));
  log.info('alarm resolved at the source', { issue: record.issue?.url });
  return { key, occurrence: record.occurrence, dms: [], ...(record.issue ? { issue: record.issue } : {}) };
}

/** The open issue gets the comment, then is closed (closing twice changes nothing). */
async function closeIssue(deps: RouteDeps, key: string, o: string, record: AlarmRecord, at: number) {
  if (!record.issue) return;
  await commentOnce(
    deps,
    key,
    `${o}:comment`,
    record.issue,
    `:white_check_mark: Resolved at the source at ${new Date(at).toISOString()}. Closing.`,
  );
  await deps.tracker.close(record.issue);
}

/**
 * An unanswered prompt is settled as resolved by the same conditional write an answer makes (so a late click or
 * the deadline finds it settled); then its buttons are replaced and its timers cancelled.
 */
async function settlePrompt(deps: RouteDeps, key: string, record: AlarmRecord) {
  const prompt = record.prompt;
  if (!prompt) return;
  const step = `o${record.occurrence}:answer`;
  const settled = await deps.ledger.settle(
    key,
    step,
    { answer: 'resolved', userId: 'source', at: deps.clock.now() },
    randomUUID(),
  );
  const resolvedHere =
    settled.status === 'won' ||
    (settled.status === 'done' && (settled.result as { answer?: string }).answer === 'resolved');
  if (!resolvedHere) return;
  const resolved = mrkdwn`:white_check_mark: ${RESOLVED_NOTICE} (${slackDate(record.resolved ?? deps.clock.now())})`;
  await Promise.all([
    cancelPromptTimers(deps.timers, key, record.occurrence),
    // The same update again changes nothing: no ledger step.
    prompt.dm
      ? deps.chat.update(prompt.dm, answeredDm(prompt.message, resolved, record.issue?.url))
      : undefined,
    settleCopy(deps.chat, prompt, resolved, record.issue?.url),
  ]);
}
