/**
 * nag: a DM on every alarm, one issue reused while it is open. Each repeat is recorded on the issue. DM steps are
 * named by the SNS message, so a redelivery never nags twice while a new publish always nags.
 */
import { mapSettled } from '../concurrency.ts';
import { alarmKey, userIdentity } from '../keys.ts';
import type { NagAlarm, User } from '../message.ts';
import { code, mention, partsToFit } from '../render/github.ts';
import { noticeDm } from '../render/slack.ts';
import type { Delivery, RouteContext, RouteDeps } from '../route-types.ts';
import { occurrenceFor } from '../occurrence.ts';
import { commentInParts } from './comment-parts.ts';
import { mayNotify, noteRepeat } from '../storm.ts';
import { dmOnce, sendDm } from './dm.ts';
import { openIssue } from './issue.ts';
import { throwIfAnyFailed } from './failures.ts';
import { noSlackUser, unknownEmail } from '../people/notes.ts';
import { heldDelivery } from '../snooze/hold.ts';
import { snoozeChoice } from '../snooze/render.ts';

export async function routeNag(
  deps: RouteDeps,
  alarm: NagAlarm,
  ctx: RouteContext & { requestId: string },
): Promise<Delivery> {
  const key = alarmKey(alarm, deps.config, { producer: ctx.producer });
  // `retrigger: false` after the issue was closed means: keep nagging, but open no new issue.
  const occ = await occurrenceFor(deps, key, ctx.messageId, alarm.retrigger, { snoozable: true });
  if (occ.snoozed) return heldDelivery(key, { ...occ, snoozed: occ.snoozed });
  // A nag DMs even while its issue is open (that is not a suppression); only a redelivery of an occurrence that is
  // over (a later one started, or it was resolved at the source) has nothing left to do.
  const delivery: Delivery = {
    key,
    occurrence: occ.record.occurrence,
    dms: [],
    suppressed: occ.stop && occ.redelivery ? occ.suppressed : undefined,
  };
  if (occ.stop && occ.redelivery) return delivery;

  const o = `o${occ.record.occurrence}`;
  const marker = `${key}#${o}`;
  const channel = deps.config.slackDefaultChannel;
  const text = alarm.body.slack?.message ?? alarm.body.github.title;
  const known = occ.record.issue;
  const users: (User | undefined)[] = alarm.users?.length ? alarm.users : [undefined];
  const handles = (alarm.users ?? []).map((u) => mention(u.github, deps.config.githubDefaultUser));

  const annotate = async (issue: Delivery['issue']) => {
    await occ.begun;
    await deps.ledger.annotate(key, occ.record.occurrence, { issue });
  };
  const issueStep = known
    ? Promise.resolve({ result: known, fresh: false })
    : openIssue(
        deps,
        alarm,
        { key, occurrence: occ.record.occurrence, requestId: ctx.requestId },
        [mentions(handles, deps.config.githubDefaultUser)],
        annotate,
      );
  // A nag DMs every time, as the original did (the per-user DM cap is the flood guard). Only with the opt-in nag
  // window do repeats inside it skip the DM and just update the issue's note.
  const notify = await mayNotify(deps, key, `${o}:notify`, ctx.messageId, deps.config.nagWindowMs);
  if (!notify) delivery.suppressed = 'nagged for this alarm less than a nag window ago';
  const dmSteps = mapSettled(notify ? users : [], deps.config.broadcastConcurrency, (user) => {
    const to = user?.slackId || undefined;
    const dmMarker = `${marker}#${ctx.messageId}`;
    const step = `${o}:dm:${ctx.messageId}:${userIdentity(user)}`;
    const snooze = snoozeChoice(key, step);
    return dmOnce(
      deps,
      key,
      step,
      { to, marker: dmMarker },
      () =>
        sendDm(deps, {
          alarm,
          to,
          message: noticeDm(alarm, text, dmMarker, known?.url, snooze),
          snooze,
          fallbackText: text,
          fallbackReason: unknownEmail(user)
            ? `${noSlackUser(user!.email!)} (a user of this nag alarm), so it came to ${channel}.`
            : user
              ? `No Slack ID was given for ${user.github ?? 'a user'} of this nag alarm, so it came to ${channel}.`
              : `No users were given for this nag alarm, so it came to ${channel}.`,
          marker: dmMarker,
          issueUrl: known?.url,
        }),
      {
        cap: to
          ? { user: to, summary: `nag: ${alarm.body.github.title}${known ? ` (${known.url})` : ''}` }
          : undefined,
      },
    );
  });
  const [issue, dms] = await Promise.allSettled([issueStep, dmSteps]);
  const dmResults = dms.status === 'fulfilled' ? dms.value : [];
  delivery.dms = dmResults.flatMap((r) => (r.status === 'fulfilled' ? [r.value.result] : []));
  if (issue.status === 'fulfilled') {
    delivery.issue = issue.value.result;
    if (!known && !issue.value.fresh) await annotate(delivery.issue);
  }
  throwIfAnyFailed([issue, ...dmResults]);

  const failed = delivery.dms.filter((d) => d.failed);
  if (failed.length > 0) {
    const lines = failed.map(
      (d) => `Could not DM ${code(d.to)}: ${code(d.failed ?? '')} (${code(channel)} was told).`,
    );
    await commentInParts(deps, key, `${o}:failed:${ctx.messageId}`, delivery.issue!, lines, '\n', (part) =>
      part.join('\n'),
    );
  }
  if (occ.repeats && !occ.redelivery) {
    delivery.seen = await noteRepeat(deps, key, occ.record.occurrence, delivery.issue!, occ.repeats);
  }
  deps.log.info('nag delivered', {
    alarmKey: key,
    issue: delivery.issue?.url,
    dms: delivery.dms.length,
    repeat: occ.repeat,
  });
  return delivery;
}

/** Room for mentions on a nag's issue: every user's handle once, as many as fit beside a full producer body. */
const MENTIONS_BUDGET = 4_000;

/** The users' handles, each once, as many as fit; the default user or team when there are none. */
function mentions(handles: string[], fallback: string): string {
  const unique = [...new Set(handles)];
  if (unique.length === 0) return mention(undefined, fallback);
  const [first = []] = partsToFit(unique, ' ', MENTIONS_BUDGET);
  const more = unique.length - first.length;
  return more ? `${first.join(' ')} _and ${more} more_` : first.join(' ');
}
