/**
 * self-service: per user, one GitHub issue and one interactive DM. The DM goes out in parallel with the issue (the
 * human does not wait for the audit trail) and gains the issue link by an update once the issue exists. With
 * responders configured, a copy of the prompt goes to the default channel beside the DM, as its own step
 * (routes/responder-copy.ts), so the security team can answer it on the owner's behalf.
 *
 * Sequential ledger round trips for a new alarm: the lookup; the record (with the prompt) written while the issue
 * and DM steps (and the copy's) are claimed; the steps' completions with their annotations; the occurrence marked
 * finished after the link. The prompt's timers are set as soon as the prompt is recorded, beside the vendor calls.
 */
import { alarmKey } from '../keys.ts';
import { noteRepeat } from '../storm.ts';
import { cancelPromptTimers, timerName } from '../timers.ts';
import type { SelfServiceAlarm, User } from '../message.ts';
import type { PromptRecord } from '../ports.ts';
import { code, mention } from '../render/github.ts';
import { DEFAULT_NO, DEFAULT_YES, isSlackPerson, selfServiceDm } from '../render/slack.ts';
import type { Delivery, DmOutcome, RouteContext, RouteDeps } from '../route-types.ts';
import { occurrenceFor, type Occurrence } from '../occurrence.ts';
import { commentOnce } from '../steps.ts';
import { dmOnce, sendDm } from './dm.ts';
import { openIssue } from './issue.ts';
import { throwIfAnyFailed } from './failures.ts';
import { noSlackUser, noSlackUserMarkdown, unknownEmail } from '../people/notes.ts';
import { copyOnce } from './responder-copy.ts';
import { responderCopy } from '../answer/responder-copy.ts';

export async function routeSelfServiceUser(
  deps: RouteDeps,
  alarm: SelfServiceAlarm,
  user: User | undefined,
  ctx: RouteContext & { requestId: string },
): Promise<Delivery> {
  const key = alarmKey(alarm, deps.config, { user, producer: ctx.producer });
  const log = deps.log.with({ alarmKey: key });
  // Only a person (a Slack user ID) gets the prompt; a channel named as the user gets the message without buttons,
  // because nobody there can answer for someone else.
  const slackId = user?.slackId && isSlackPerson(user.slackId) ? user.slackId : undefined;
  const namedChannel = user?.slackId && !slackId ? user.slackId : undefined;
  const channel = namedChannel ?? deps.config.slackDefaultChannel;
  // A user named by an email Slack does not know (people/resolve-users.ts): the note names the email.
  const unknown = unknownEmail(user);
  const fallbackReason = namedChannel
    ? `This alarm names ${namedChannel}, not a person, so it was posted there without the prompt.`
    : unknown
      ? `${noSlackUser(unknown)}, so this alarm came to ${channel} without the prompt.`
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
          requireReason: (alarm.requireReason ?? deps.config.promptRequireReason) || undefined,
          onTimeout: alarm.onTimeout ?? deps.config.promptOnTimeout ?? 'escalate',
        };
  // Recorded before the DM exists, so a click always finds who may answer it; a retry keeps the first record.
  const occ = await occurrenceFor(deps, key, ctx.messageId, alarm.retrigger, { prompt: fresh });
  const delivery: Delivery = { key, occurrence: occ.record.occurrence, dms: [], suppressed: occ.suppressed };
  if (occ.stop) return delivery;
  const o = `o${occ.record.occurrence}`;
  const marker = `${key}#${o}`;
  if (occ.record.finished) return repeatOnly(deps, occ, delivery, log);

  const prompt = occ.record.prompt ?? fresh;
  const recorded: Promise<unknown> =
    occ.begun ??
    (fresh && !occ.record.prompt
      ? deps.ledger.annotate(key, occ.record.occurrence, { prompt: fresh })
      : Promise.resolve());
  // The deadline and the reminder, as soon as the prompt is recorded (fixed names: setting them again is harmless).
  const timers =
    slackId && prompt?.deadline !== undefined
      ? recorded.then(() => setTimers(deps, alarm, key, occ.record.occurrence, prompt.deadline!, minutes))
      : Promise.resolve();
  timers.catch(() => undefined);

  const lines = [mention(user?.github, deps.config.githubDefaultUser)];
  // On the issue, the channel names are code: a producer's `slackId` is text, not markup.
  if (!slackId) {
    lines.push(
      '',
      namedChannel
        ? `_This alarm names ${code(namedChannel)}, not a person, so it was posted there without the prompt._`
        : unknown
          ? `_${noSlackUserMarkdown(unknown)}, so this alarm came to ${code(channel)} without the prompt._`
          : `_No Slack ID was given for this alarm's user, so it came to ${code(channel)} without the prompt._`,
    );
  }

  const annotate = (fields: Parameters<RouteDeps['ledger']['annotate']>[2]) =>
    recorded.then(() => deps.ledger.annotate(key, occ.record.occurrence, fields));
  // Where the DM and the responder copy went, each set alone in the recorded prompt (their steps end in parallel).
  const recordDm = (dm: DmOutcome) =>
    prompt && dm.channel && dm.ts && !dm.failed && !occ.record.prompt?.dm
      ? annotate({ posted: { dm: { channel: dm.channel, ts: dm.ts } } })
      : Promise.resolve();
  const view = { key, marker, issueUrl: occ.record.issue?.url, deadline: prompt?.deadline };
  // With responders configured, the prompt is posted to the default channel too, where they can answer it.
  const copyStep = copyOnce(
    deps,
    { alarm, key, step: `${o}:copy`, owner: slackId, view, recorded },
    (copy) =>
      copy.channel && copy.ts && !copy.failed && !occ.record.prompt?.copy
        ? annotate({ posted: { copy: { channel: copy.channel, ts: copy.ts } } })
        : Promise.resolve(),
  );
  const [issueStep, dmStep, copied] = await Promise.allSettled([
    openIssue(
      deps,
      alarm,
      { key, occurrence: occ.record.occurrence, requestId: ctx.requestId },
      lines,
      occ.record.issue ? undefined : (issue) => annotate({ issue }),
    ),
    dmOnce(
      deps,
      key,
      `${o}:dm`,
      { to: slackId ?? namedChannel, marker },
      // The click must be able to find the prompt: the DM goes out once the record exists.
      async () => {
        await recorded;
        return sendDm(deps, {
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
        });
      },
      { record: (dm) => recordDm(dm) },
    ),
    copyStep,
  ]);

  if (issueStep.status === 'fulfilled') {
    delivery.issue = issueStep.value.result;
    // A retry that found the step done but the record without it (a crash between the two writes).
    if (!issueStep.value.fresh && !occ.record.issue) await annotate({ issue: delivery.issue });
  }
  if (dmStep.status === 'fulfilled') {
    delivery.dms.push(dmStep.value.result);
    // A retry that found the DM sent but the prompt without it (a crash between the two writes).
    if (!dmStep.value.fresh) await recordDm(dmStep.value.result);
  }
  const timersSet = await Promise.allSettled([timers]);
  throwIfAnyFailed([issueStep, dmStep, copied, ...timersSet]);
  const copy = copied.status === 'fulfilled' ? copied.value : undefined;

  const issue = delivery.issue!;
  const dm = delivery.dms[0]!;
  // The responder copy gains the issue link beside the DM (the same update again changes nothing: no claim).
  const copyLinked = copy
    ? deps.chat.update(copy, responderCopy(alarm, { ...view, issueUrl: issue.url }, slackId!))
    : Promise.resolve();
  copyLinked.catch(() => undefined);
  if (dm.failed) {
    // Nobody saw the prompt: nothing to escalate on its behalf; the issue and the default channel say why.
    await Promise.all([
      cancelPromptTimers(deps.timers, key, occ.record.occurrence),
      commentOnce(
        deps,
        key,
        `${o}:dm-failed`,
        issue,
        `Dispatch could not DM ${code(dm.to)}: ${code(dm.failed)}. ${code(channel)} was told.`,
      ),
    ]);
  } else if (slackId && dm.channel && dm.ts) {
    // Add the issue link to the prompt once the issue exists (the same update again changes nothing: no claim).
    await deps.chat.update(
      { channel: dm.channel, ts: dm.ts },
      selfServiceDm(alarm, { key, marker, issueUrl: issue.url, deadline: prompt?.deadline }),
    );
  }
  await copyLinked;
  if (occ.repeats && !occ.redelivery)
    delivery.seen = await noteRepeat(deps, key, occ.record.occurrence, issue, occ.repeats);
  await deps.ledger.annotate(key, occ.record.occurrence, { finished: true });
  log.info('self-service delivered', { issue: issue.url, dm: dm.channel, suppressed: occ.suppressed });
  return delivery;
}

/** A repeat of a finished occurrence: nothing to send, no step to touch; the note is kept current. */
async function repeatOnly(
  deps: RouteDeps,
  occ: Occurrence,
  delivery: Delivery,
  log: RouteDeps['log'],
): Promise<Delivery> {
  delivery.issue = occ.record.issue;
  if (occ.record.prompt?.dm)
    delivery.dms.push({ to: occ.record.prompt.slackUserId, ...occ.record.prompt.dm });
  if (occ.repeats && occ.record.issue && !occ.redelivery)
    delivery.seen = await noteRepeat(
      deps,
      delivery.key,
      occ.record.occurrence,
      occ.record.issue,
      occ.repeats,
    );
  log.info('self-service repeat: counted', { issue: occ.record.issue?.url, suppressed: occ.suppressed });
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
  const halfway = deadline - minutes * 30_000;
  await Promise.all([
    deps.timers.set(timerName('deadline', key, occurrence), deadline, { kind: 'deadline', key, occurrence }),
    (alarm.reminder ?? deps.config.promptReminder)
      ? deps.timers.set(timerName('reminder', key, occurrence), halfway, {
          kind: 'reminder',
          key,
          occurrence,
        })
      : undefined,
  ]);
}
