/**
 * The worker's part of a snooze, each piece effectively once:
 * - `snoozed`: the comment on the issue (a ledger step per period, and per later end), the expiry timer (a fixed
 *   name per period and end, so setting it again changes nothing) and the DM's "Snoozed until …" (an update that
 *   changes nothing when repeated), in parallel.
 * - `snooze-ended`: at the end (the timer, or `dispatch unsnooze`), the issue's running note says how many repeats
 *   arrived; once per period (a ledger step). A timer whose snooze was extended since finds a later end and does
 *   nothing: the later timer writes the note.
 */
import { createHash } from 'node:crypto';
import type { IssueRef, SnoozedJob, TriageJob } from '../ports.ts';
import { commentOnce, noteOnIssue, runStep, withMarker } from '../steps.ts';
import type { TriageWorkDeps } from '../triage-work.ts';
import { repeatsCounter } from './hold.ts';
import { snoozeComment, snoozedDmBlocks, snoozeEndedNote } from './render.ts';

type EndedJob = TriageJob & { kind: 'snooze-ended' };

/** One timer per period and end: EventBridge Scheduler names are at most 64 characters. */
export function snoozeTimerName(key: string, id: string, until: number): string {
  return `snooze-${createHash('sha256').update(`${key}#${id}#${until}`).digest('hex').slice(0, 40)}`;
}

/** The step of a period's comment; its result names the comment, its issue and its text (for the end's note). */
const commentStep = (id: string) => `snooze:${id}:comment`;

interface PostedComment {
  id: number;
  issue?: IssueRef;
  body?: string;
}

/** A period's comment, remembering the issue and the text, so the end can add its count to the same comment. */
async function snoozeCommentOnce(
  deps: TriageWorkDeps,
  key: string,
  id: string,
  issue: IssueRef,
  body: string,
): Promise<void> {
  await commentOnce(deps, key, commentStep(id), issue, body, {
    keep: { issue, body } satisfies Omit<PostedComment, 'id'>,
  });
}

export async function carryOutSnooze(deps: TriageWorkDeps, job: SnoozedJob): Promise<void> {
  const log = deps.log.with({ alarmKey: job.key, snooze: job.id });
  const record = await deps.ledger.get(job.key);
  const snooze = record?.snooze;
  if (!record || snooze?.id !== job.id) {
    log.warn('snooze job for a period that is gone; nothing to do');
    return;
  }
  const comment = snoozeComment({
    by: job.by,
    via: job.via,
    until: job.until,
    reason: job.reason ?? snooze.reason,
    extended: job.extended,
  });
  const ended: EndedJob = {
    kind: 'snooze-ended',
    key: job.key,
    id: job.id,
    until: job.until,
    by: snooze.by,
    via: snooze.via,
  };
  const done = await Promise.allSettled([
    record.issue && !job.extended
      ? snoozeCommentOnce(deps, job.key, job.id, record.issue, comment)
      : undefined,
    record.issue && job.extended
      ? commentOnce(deps, job.key, `snooze:${job.id}:until:${job.until}`, record.issue, comment)
      : undefined,
    deps.timers.set(snoozeTimerName(job.key, job.id, job.until), job.until, ended),
    job.dm
      ? deps.chat.update(
          { channel: job.dm.channel, ts: job.dm.ts },
          { text: job.dm.text, blocks: snoozedDmBlocks(job.dm.blocks, job.by, job.until) },
        )
      : undefined,
  ]);
  const failed = done.find((d) => d.status === 'rejected');
  if (failed) throw failed.reason;
  log.info('snooze carried out', { until: new Date(job.until).toISOString(), issue: record.issue?.url });
}

export async function endSnooze(deps: TriageWorkDeps, job: EndedJob): Promise<void> {
  const log = deps.log.with({ alarmKey: job.key, snooze: job.id });
  const record = await deps.ledger.get(job.key);
  const snooze = record?.snooze?.id === job.id ? record.snooze : undefined;
  if (snooze && snooze.endedAt === undefined && snooze.until > job.until) {
    log.info('snooze was extended; the later timer notes its end', { until: snooze.until });
    return;
  }
  // Adding nothing reads the count (one write that changes nothing).
  const repeats = await deps.ledger.increment(job.key, repeatsCounter(job.id), 0);
  const issue = record?.issue;
  if (!record || !issue) {
    log.info('snooze ended; the alarm has no issue to note it on', { repeats });
    return;
  }
  const note = snoozeEndedNote({
    repeats,
    by: job.by,
    via: job.via,
    until: job.until,
    endedAt: snooze?.endedAt,
    endedBy: snooze?.endedBy,
  });
  // The running note says it now; the snooze's own comment keeps it once later repeats update the note again.
  const posted = (await deps.ledger.stepResult(job.key, commentStep(job.id))) as PostedComment | undefined;
  await runStep(deps, job.key, `snooze:${job.id}:ended`, {
    run: async () => {
      await Promise.all([
        noteOnIssue(deps, job.key, `o${record.occurrence}:note`, issue, note),
        posted?.issue && posted.body
          ? deps.tracker.editComment(
              posted.issue,
              posted.id,
              withMarker(`${posted.body}\n\n${note}`, `${job.key}#${commentStep(job.id)}`),
            )
          : undefined,
      ]);
      return { repeats };
    },
  });
  log.info('snooze ended; noted on the issue', { repeats, issue: issue.url });
}
