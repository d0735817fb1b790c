/**
 * broadcast: one issue listing who was told and a DM to every user, in parallel with bounded concurrency. One
 * refused DM stops nothing: it is reported to the default channel and recorded on the issue.
 *
 * Each user's chain is one ledger round trip (the DM's claim and the user's cap counted in parallel) and the DM;
 * the DM's completion is not waited for before the next user starts: completions are written 25 to a write
 * (completion-batch.ts), all before the route returns.
 */
import { mapSettled } from '../concurrency.ts';
import { alarmKey, userIdentity } from '../keys.ts';
import { LIMITS, type BroadcastAlarm } from '../message.ts';
import { code, fence, issueBody, neutralise, partsToFit } from '../render/github.ts';
import { noticeDm } from '../render/slack.ts';
import type { Delivery, RouteContext, RouteDeps } from '../route-types.ts';
import { occurrenceFor } from '../occurrence.ts';
import { commentInParts } from './comment-parts.ts';
import { completionBatch } from '../completion-batch.ts';
import { noteRepeat } from '../storm.ts';
import { dmOnce, sendDm } from './dm.ts';
import { openIssue } from './issue.ts';
import { throwIfAnyFailed } from './failures.ts';
import { listedName, noSlackUser, unknownEmail } from '../people/notes.ts';
import { heldDelivery } from '../snooze/hold.ts';
import { placeChoice, snoozeChoice } from '../snooze/render.ts';

export async function routeBroadcast(
  deps: RouteDeps,
  alarm: BroadcastAlarm,
  ctx: RouteContext & { requestId: string },
): Promise<Delivery> {
  const key = alarmKey(alarm, deps.config, { producer: ctx.producer });
  const occ = await occurrenceFor(deps, key, ctx.messageId, alarm.retrigger, { snoozable: true });
  if (occ.snoozed) return heldDelivery(key, { ...occ, snoozed: occ.snoozed });
  const delivery: Delivery = { key, occurrence: occ.record.occurrence, dms: [], suppressed: occ.suppressed };
  if (occ.stop) return delivery;

  const o = `o${occ.record.occurrence}`;
  const marker = `${key}#${o}`;
  if (occ.record.finished) {
    delivery.issue = occ.record.issue;
    if (occ.repeats && occ.record.issue && !occ.redelivery)
      delivery.seen = await noteRepeat(deps, key, occ.record.occurrence, occ.record.issue, occ.repeats);
    return delivery;
  }
  const channel = deps.config.slackDefaultChannel;
  // Names are producer text: inside a fence no run of backticks in them can close, and nobody is mentioned.
  const names = alarm.users.map((u) => neutralise(listedName(u)));
  const at = { key, occurrence: occ.record.occurrence, requestId: ctx.requestId };
  const { lines, rest } = notifiedList(alarm, { ...at, marker }, names);

  const annotate = async (issue: Delivery['issue']) => {
    await occ.begun;
    await deps.ledger.annotate(key, occ.record.occurrence, { issue });
  };
  const issueStep = openIssue(deps, alarm, at, lines, occ.record.issue ? undefined : annotate);
  // The same user listed twice gets one DM: the step is named by who they are.
  const completions = completionBatch(deps.ledger);
  // Rendered once; each DM gets its own snooze choice in place of this one.
  const message = noticeDm(
    alarm,
    alarm.body.slack.message,
    marker,
    undefined,
    snoozeChoice(key, `${o}:dm:U`),
  );
  // One DM per person, however often they are listed.
  const people = [...new Map(alarm.users.map((u) => [userIdentity(u), u])).values()];
  const dmSteps = mapSettled(people, deps.config.broadcastConcurrency, (user) => {
    const to = user.slackId || undefined;
    const step = `${o}:dm:${userIdentity(user)}`;
    const snooze = snoozeChoice(key, step);
    return dmOnce(
      deps,
      key,
      step,
      { to, marker },
      () =>
        sendDm(deps, {
          alarm,
          to,
          message: placeChoice(message, snooze),
          snooze,
          fallbackText: alarm.body.slack.message,
          fallbackReason: unknownEmail(user)
            ? `${noSlackUser(user.email!)} (a user of this broadcast), so it came to ${channel}.`
            : `No Slack ID was given for ${user.github ?? 'a user'} in this broadcast, so it came to ${channel}.`,
          marker,
        }),
      {
        collect: (done) => completions.collect(done),
        cap: to ? { user: to, summary: `broadcast: ${alarm.body.github.title}` } : undefined,
      },
    );
  });
  const [issue, dms] = await Promise.allSettled([issueStep, dmSteps]);
  const dmResults = dms.status === 'fulfilled' ? dms.value : [];
  delivery.dms = dmResults.flatMap((r) => (r.status === 'fulfilled' ? [r.value.result] : []));
  if (issue.status === 'fulfilled') {
    delivery.issue = issue.value.result;
    if (!issue.value.fresh && !occ.record.issue) await annotate(delivery.issue);
  }
  throwIfAnyFailed([issue, ...dmResults, ...(await completions.settle())]);

  // The names that did not fit the issue's body, then the refused DMs, each in comments that fit.
  await commentInParts(deps, key, `${o}:notified`, delivery.issue!, rest, ', ', (part, p) =>
    [
      `**Notified, continued (${p.from + names.length - rest.length}–${p.to + names.length - rest.length} of ${names.length}):**`,
      fence(part.join(', ')),
    ].join('\n'),
  );
  const failed = delivery.dms.filter((d) => d.failed);
  if (failed.length > 0) {
    const list = failed.map((d) => `- ${code(d.to)}: ${code(d.failed ?? '')}`);
    await commentInParts(deps, key, `${o}:failures`, delivery.issue!, list, '\n', (part, p) =>
      [
        `Dispatch could not DM ${failed.length} of them (${channel} was told)${p.parts > 1 ? `, part ${p.part} of ${p.parts}` : ''}:`,
        ...part,
      ].join('\n'),
    );
  }
  if (occ.repeats && !occ.redelivery && delivery.issue) {
    delivery.seen = await noteRepeat(deps, key, occ.record.occurrence, delivery.issue, occ.repeats);
  }
  await deps.ledger.annotate(key, occ.record.occurrence, { finished: true });
  deps.log.info('broadcast delivered', {
    alarmKey: key,
    issue: delivery.issue?.url,
    dms: delivery.dms.length,
    failed: failed.length,
  });
  return delivery;
}

/** At most this many names are listed in the issue itself; the rest go to comments. */
const INLINE_NAMES = 500;

/**
 * Who was told, for the issue body: as many names as fit GitHub's body limit beside the producer's text (at most
 * 500), and how many more follow in comments. Returns the lines and the names left for the comments.
 */
function notifiedList(
  alarm: BroadcastAlarm,
  footer: { key: string; marker: string; requestId: string },
  names: string[],
): { lines: string[]; rest: string[] } {
  const head = `**Notified (${names.length}):**`;
  const note = `_…and ${names.length} more, listed in the comments below._`;
  const around = issueBody(alarm, { ...footer, lines: [head, fence(''), note] }).length;
  // The fence may grow by the longest backtick run in a name (at most a name's length) on both sides.
  const room = LIMITS.githubIssueBody - around - 2 * (LIMITS.userName + 1);
  const [first = []] = partsToFit(names.slice(0, INLINE_NAMES), ', ', Math.max(0, room));
  const rest = names.slice(first.length);
  const lines = [head, fence(first.join(', ') || '(nobody)')];
  if (rest.length) lines.push(`_…and ${rest.length} more, listed in the comments below._`);
  return { lines, rest };
}
