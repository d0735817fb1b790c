/**
 * self-service: per user, one GitHub issue and one interactive DM. The DM goes out in parallel with the issue (the
 * human does not wait for the audit trail) and gains the issue link by an update once the issue exists.
 */
import { alarmKey } from '../keys.ts';
import { noteRepeat } from '../storm.ts';
import { timerName } from '../timers.ts';
import type { SelfServiceAlarm, User } from '../message.ts';
import type { PromptRecord } from '../ports.ts';
import { code, mention } from '../render/github.ts';
import { DEFAULT_NO, DEFAULT_YES, selfServiceDm } from '../render/slack.ts';
import type { Delivery, RouteContext, RouteDeps } from '../route-types.ts';
import { commentOnce, occurrenceFor, runStep } from '../steps.ts';
import { dmOnce, sendDm } from './dm.ts';
import { openIssue } from './issue.ts';
import { throwIfAnyFailed } from './failures.ts';

export async function routeSelfServiceUser(
  deps: RouteDeps,
  alarm: SelfServiceAlarm,
  user: User | undefined,
  ctx: RouteContext & { requestId: string },
): Promise<Delivery> {
  const key = alarmKey(alarm, deps.config, { user, producer: ctx.producer });
  const log = deps.log.with({ alarmKey: key });
  const occ = await occurrenceFor(deps, key, ctx.messageId, alarm.retrigger);
  const delivery: Delivery = { key, occurrence: occ.record.occurrence, dms: [], suppressed: occ.suppressed };
  if (occ.stop) return delivery;

  const o = `o${occ.record.occurrence}`;
  const marker = `${key}#${o}`;
  // Only a person (a Slack user ID) gets the prompt; a channel named as the user gets the message without buttons,
  // because nobody there can answer for someone else.
  const slackId = user?.slackId && isPerson(user.slackId) ? user.slackId : undefined;
  const namedChannel = user?.slackId && !slackId ? user.slackId : undefined;
  const channel = namedChannel ?? deps.config.slackDefaultChannel;
  const fallbackReason = namedChannel
    ? `This alarm names ${namedChannel}, not a person, so it was posted there without the prompt.`
    : `No Slack ID was given for this alarm's user, so it came to ${channel} without the prompt.`;

  const minutes = alarm.responseDeadlineMinutes ?? deps.config.promptDeadlineMinutes;
  const fresh: PromptRecord | undefined =
    slackId === undefined
      ? undefined
      : {
          slackUserId: slackId,
          service: alarm.pagerDutyServiceId,
          severity: alarm.severity ?? 'critical',
          summary: alarm.body.github.title,
          message: alarm.body.slack.message,
          yesLabel: alarm.body.slack.actions?.yes ?? DEFAULT_YES,
          noLabel: alarm.body.slack.actions?.no ?? DEFAULT_NO,
          yesResponse: alarm.body.slack.actions?.yes_response,
          noResponse: alarm.body.slack.actions?.no_response,
          deadline: minutes > 0 ? deps.clock.now() + minutes * 60_000 : undefined,
        };
  // Recorded before the DM exists, so a click always finds who may answer it; a retry keeps the first record.
  const prompt = occ.record.prompt ?? fresh;
  if (fresh && !occ.record.prompt) await deps.ledger.annotate(key, occ.record.occurrence, { prompt: fresh });

  const lines = [mention(user?.github, deps.config.githubDefaultUser)];
  // On the issue, the channel names are code: a producer's `slackId` is text, not markup.
  if (!slackId) {
    lines.push(
      '',
      namedChannel
        ? `_This alarm names ${code(namedChannel)}, not a person, so it was posted there without the prompt._`
        : `_No Slack ID was given for this alarm's user, so it came to ${code(channel)} without the prompt._`,
    );
  }

  const [issueStep, dmStep] = await Promise.allSettled([
    openIssue(deps, alarm, { key, occurrence: occ.record.occurrence, requestId: ctx.requestId }, lines),
    dmOnce(deps, key, `${o}:dm`, { to: slackId ?? namedChannel, marker }, () =>
      sendDm(deps, {
        alarm,
        to: slackId,
        message: selfServiceDm(alarm, {
          key,
          marker,
          issueUrl: occ.record.issue?.url,
          deadline: prompt?.deadline,
        }),
        fallbackText: alarm.body.slack.message,
        fallbackReason,
        fallbackTo: namedChannel,
        marker,
        issueUrl: occ.record.issue?.url,
      }),
    ),
  ]);

  if (issueStep.status === 'fulfilled') {
    delivery.issue = issueStep.value.result;
    if (!occ.record.issue) await deps.ledger.annotate(key, occ.record.occurrence, { issue: delivery.issue });
  }
  if (dmStep.status === 'fulfilled') {
    const dm = dmStep.value.result;
    delivery.dms.push(dm);
    if (prompt && dm.channel && dm.ts && !dm.failed && !occ.record.prompt?.dm) {
      await deps.ledger.annotate(key, occ.record.occurrence, {
        prompt: { ...prompt, dm: { channel: dm.channel, ts: dm.ts } },
      });
    }
  }
  throwIfAnyFailed([issueStep, dmStep]);

  const issue = delivery.issue!;
  const dm = delivery.dms[0]!;
  if (dm.failed) {
    await commentOnce(
      deps,
      key,
      `${o}:dm-failed`,
      issue,
      `Dispatch could not DM ${code(dm.to)}: ${code(dm.failed)}. ${code(channel)} was told.`,
    );
  } else if (slackId && dm.channel && dm.ts) {
    // Add the issue link to the prompt once the issue exists.
    await runStep(deps, key, `${o}:link`, {
      run: async () => {
        await deps.chat.update(
          { channel: dm.channel!, ts: dm.ts! },
          selfServiceDm(alarm, { key, marker, issueUrl: issue.url, deadline: prompt?.deadline }),
        );
        return {};
      },
    });
    if (prompt?.deadline !== undefined)
      await setTimers(deps, alarm, key, occ.record.occurrence, prompt.deadline, minutes);
  }
  if (occ.suppressed && !occ.redelivery)
    delivery.seen = await noteRepeat(deps, key, occ.record.occurrence, issue, ctx.messageId);
  log.info('self-service delivered', { issue: issue.url, dm: dm.channel, suppressed: occ.suppressed });
  return delivery;
}

/** The prompt's deadline (escalate as "no") and, halfway there, its reminder. */
async function setTimers(
  deps: RouteDeps,
  alarm: SelfServiceAlarm,
  key: string,
  occurrence: number,
  deadline: number,
  minutes: number,
): Promise<void> {
  await runStep(deps, key, `o${occurrence}:timers`, {
    run: async () => {
      await deps.timers.set(timerName('deadline', key, occurrence), deadline, {
        kind: 'deadline',
        key,
        occurrence,
      });
      if (alarm.reminder ?? deps.config.promptReminder) {
        const halfway = deadline - minutes * 30_000;
        await deps.timers.set(timerName('reminder', key, occurrence), halfway, {
          kind: 'reminder',
          key,
          occurrence,
        });
      }
      return {};
    },
  });
}

/** Slack user IDs start with U (or W in Enterprise Grid); anything else is a channel or a name. */
function isPerson(slackId: string): boolean {
  return /^[UW][A-Z0-9]+$/.test(slackId);
}
