/**
 * The slow half of triage, run after Slack was answered: "yes" comments and closes the issue; "no" pages
 * PagerDuty (dedup key = the alarm key), comments with the incident and labels the issue `escalated`. Either way
 * the DM's buttons (and the responder copy's, answer/responder-copy.ts) are replaced by the outcome and the prompt's
 * timers are cancelled. Every step is a ledger step, so a retried job repeats nothing. A failure is shown in the DM
 * and thrown, so the job is retried (and dead-lettered if it keeps failing).
 *
 * Timers: at the deadline an unanswered prompt is answered "no" on the user's behalf (the same conditional write a
 * click makes, so a click and the deadline cannot both win); halfway there, a reminder goes out under the prompt.
 * A timer that fires after an answer finds the answer recorded and does nothing.
 */
import { randomUUID } from 'node:crypto';
import { DispatchError } from './errors.ts';
import type {
  AlarmRecord,
  Events,
  Chat,
  IssueRef,
  IssueTracker,
  Pager,
  PromptRecord,
  StepDone,
  Timers,
  TriageJob,
} from './ports.ts';
import type { RouterConfig } from './config.ts';
import { answeredDm, digestDm, mrkdwn, reminderDm, slackDate, type SlackText } from './render/slack.ts';
import { code } from './render/github.ts';
import { DIGEST_MAX } from './storm.ts';
import { commentOnce, errorText, runStep, type StepDeps } from './steps.ts';
import { eventBasics, publishOnce } from './events/publish.ts';
import { completionBatch } from './completion-batch.ts';
import { throwIfAnyFailed } from './routes/failures.ts';
import { withAnswerNotes } from './answer/outcome.ts';
import { reasonOnGithub } from './answer/reason.ts';
import { answeredByOnGithub } from './answer/responders.ts';
import { copyReminder, settleCopy } from './answer/responder-copy.ts';
import { cancelPromptTimers, timerName } from './timers.ts';
import { carryOutSnooze, endSnooze } from './snooze/work.ts';

export const DEFAULT_YES_RESPONSE = 'Thanks for confirming. The alarm is closed.';
export const DEFAULT_NO_RESPONSE = 'Thanks for telling us. This has been escalated to the on-call responder.';
export const ESCALATED_LABEL = 'escalated';

export interface TriageWorkDeps extends StepDeps {
  config: StepDeps['config'] & Pick<RouterConfig, 'userDmWindowMs'>;
  chat: Chat;
  tracker: IssueTracker;
  pager: Pager;
  timers: Timers;
  /** Where answers, escalations and timeouts are published (EventBridge). */
  events: Events;
}

type AnswerJob = TriageJob & { kind: 'answer' };
/** Takes a step's completion for the batched write at the end of an answer (see runStep's `collect`). */
type Collect = (done: StepDone) => void;
/** An answer to carry out; `timedOut` when the deadline answered for the user. */
type Answer = AnswerJob & { timedOut?: boolean };

export async function runTriageJob(deps: TriageWorkDeps, job: TriageJob): Promise<void> {
  switch (job.kind) {
    case 'notice':
      await deps.chat.respond?.(job.responseUrl, {
        response_type: 'ephemeral',
        replace_original: false,
        text: job.text,
      });
      return;
    case 'answer':
      return carryOut(deps, job);
    case 'deadline':
      return onDeadline(deps, job);
    case 'reminder':
      return remind(deps, job);
    case 'digest':
      return digest(deps, job);
    case 'snoozed':
      return carryOutSnooze(deps, job);
    case 'snooze-ended':
      return endSnooze(deps, job);
  }
}

async function digest(deps: TriageWorkDeps, job: TriageJob & { kind: 'digest' }): Promise<void> {
  const key = `user#${job.user}`;
  const held = await deps.ledger.readList(key, `held:${job.window}`);
  if (held.length === 0) return;
  await runStep(deps, key, `digest:${job.window}`, {
    run: async () => ({
      ...(await deps.chat.post(
        job.user,
        digestDm(held, Math.round(deps.config.userDmWindowMs / 60_000), DIGEST_MAX),
      )),
    }),
  });
}

async function currentPrompt(deps: TriageWorkDeps, job: { key: string; occurrence: number }) {
  const record = await deps.ledger.get(job.key);
  if (!record || record.occurrence !== job.occurrence || !record.prompt) {
    deps.log.warn('job belongs to an occurrence that is gone; nothing to do', {
      alarmKey: job.key,
      kind: 'job',
    });
    return undefined;
  }
  return record as AlarmRecord & { prompt: PromptRecord };
}

async function onDeadline(deps: TriageWorkDeps, job: TriageJob & { kind: 'deadline' }): Promise<void> {
  const record = await currentPrompt(deps, job);
  if (!record) return;
  const step = `o${job.occurrence}:answer`;
  const at = deps.clock.now();
  if (record.prompt.onTimeout === 'close') return closeOnTimeout(deps, record, at);
  // The same conditional write a click makes: a click and the deadline cannot both win.
  const claim = await deps.ledger.settle(
    job.key,
    step,
    { answer: 'no', userId: record.prompt.slackUserId, at, timedOut: true },
    randomUUID(),
  );
  const timedOut = (at: number): Answer => ({
    kind: 'answer',
    key: job.key,
    occurrence: job.occurrence,
    answer: 'no',
    userId: record.prompt.slackUserId,
    at,
    timedOut: true,
  });
  if (claim.status === 'won') {
    const answer = timedOut(at);
    deps.log.info('prompt unanswered at its deadline: escalating as "no"', { alarmKey: job.key });
    return carryOut(deps, answer);
  }
  const first = claim.status === 'done' ? (claim.result as { timedOut?: boolean; at?: number }) : undefined;
  // The deadline's own earlier attempt won but did not finish: finish it. A user's answer: nothing to do.
  if (first?.timedOut) return carryOut(deps, timedOut(first.at ?? deps.clock.now()));
  deps.log.info('deadline passed after an answer; nothing to do', { alarmKey: job.key });
}

/**
 * `onTimeout: close`: the unanswered prompt is settled as closed (the conditional write a click makes), the issue
 * gets "No answer by <deadline>; closed as configured" and is closed, the DM says so, and `Prompt Timed Out` is
 * published.
 */
async function closeOnTimeout(
  deps: TriageWorkDeps,
  record: AlarmRecord & { prompt: PromptRecord },
  at: number,
): Promise<void> {
  const { key, occurrence, prompt } = record;
  const settled = await deps.ledger.settle(
    key,
    `o${occurrence}:answer`,
    { answer: 'closed', userId: prompt.slackUserId, at, timedOut: true },
    randomUUID(),
  );
  const first = settled.status === 'done' ? (settled.result as { answer?: string }) : undefined;
  if (settled.status === 'held' || (first && first.answer !== 'closed')) {
    deps.log.info('deadline passed after an answer; nothing to do', { alarmKey: key });
    return;
  }
  if (record.carriedOut) return;
  if (!record.issue) {
    throw new DispatchError('STEP_IN_PROGRESS', 'the GitHub issue for this alarm is not created yet', {
      retryable: true,
    });
  }
  const deadline = new Date(prompt.deadline ?? at).toISOString();
  const issue = record.issue;
  await Promise.all([
    commentOnce(
      deps,
      key,
      `o${occurrence}:timeout:comment`,
      issue,
      `:alarm_clock: No answer by ${deadline}; closed as configured.`,
    ).then(() => deps.tracker.close(issue)),
    deps.timers.cancel(timerName('reminder', key, occurrence)),
    publishOnce(deps, key, `o${occurrence}:event:timed-out`, {
      detailType: 'Prompt Timed Out',
      detail: { ...eventBasics(key, occurrence, 'timed-out', 'self-service', at), issueUrl: issue.url },
    }),
  ]);
  const closed = mrkdwn`:alarm_clock: No answer by ${slackDate(prompt.deadline ?? at)}; closed as configured.`;
  await Promise.all([
    prompt.dm ? deps.chat.update(prompt.dm, answeredDm(prompt.message, closed, issue.url)) : undefined,
    settleCopy(deps.chat, prompt, closed, issue.url),
  ]);
  await deps.ledger.annotate(key, occurrence, { carriedOut: true });
  deps.log.info('prompt unanswered at its deadline: closed as configured', { alarmKey: key });
}

/** What an answer publishes: answered (a person), timed out (the deadline), escalated (a "no" either way). */
function answerEvents(
  deps: TriageWorkDeps,
  job: Answer,
  issue: IssueRef,
  collect: Collect,
): Promise<unknown>[] {
  const o = `o${job.occurrence}`;
  const who = {
    answeredBy: job.timedOut ? undefined : job.userId,
    onBehalfOf: job.onBehalfOf,
    issueUrl: issue.url,
  };
  const out: Promise<unknown>[] = [];
  if (job.timedOut) {
    out.push(
      publishOnce(
        deps,
        job.key,
        `${o}:event:timed-out`,
        {
          detailType: 'Prompt Timed Out',
          detail: { ...eventBasics(job.key, job.occurrence, 'timed-out', 'self-service', job.at), ...who },
        },
        collect,
      ),
    );
  } else {
    out.push(
      publishOnce(
        deps,
        job.key,
        `${o}:event:answered`,
        {
          detailType: 'Prompt Answered',
          detail: {
            ...eventBasics(job.key, job.occurrence, 'answered', 'self-service', job.at),
            ...who,
            answer: job.answer,
            reason: job.reason,
          },
        },
        collect,
      ),
    );
  }
  if (job.answer === 'no') {
    out.push(
      publishOnce(
        deps,
        job.key,
        `${o}:event:escalated`,
        {
          detailType: 'Alarm Escalated',
          detail: {
            ...eventBasics(job.key, job.occurrence, 'escalated', 'self-service', job.at),
            ...who,
            answer: job.timedOut ? undefined : 'no',
            pagerDutyDedupKey: job.key,
          },
        },
        collect,
      ),
    );
  }
  return out;
}

async function remind(deps: TriageWorkDeps, job: TriageJob & { kind: 'reminder' }): Promise<void> {
  const record = await currentPrompt(deps, job);
  const { prompt } = record ?? {};
  if (!record || !prompt || (!prompt.dm && !prompt.copy) || prompt.deadline === undefined) return;
  if (await deps.ledger.isDone(job.key, `o${job.occurrence}:answer`)) return;
  const { dm, copy } = prompt;
  const deadline = prompt.deadline;
  // The owner under their DM; the responders under the copy, each once.
  await Promise.all([
    dm
      ? runStep(deps, job.key, `o${job.occurrence}:reminder`, {
          run: async () => ({
            ...(await deps.chat.post(prompt.slackUserId, reminderDm(prompt.summary, deadline, dm))),
          }),
        })
      : undefined,
    copy
      ? runStep(deps, job.key, `o${job.occurrence}:reminder:copy`, {
          run: async () => ({
            ...(await deps.chat.post(copy.channel, copyReminder({ ...prompt, deadline }, copy))),
          }),
        })
      : undefined,
  ]);
}

async function carryOut(deps: TriageWorkDeps, job: Answer): Promise<void> {
  const log = deps.log.with({ alarmKey: job.key, answer: job.answer, slackUser: job.userId });
  const record = await currentPrompt(deps, job);
  if (!record) return;
  if (record.carriedOut) {
    log.info('answer already carried out; nothing to do');
    return;
  }
  const prompt = record.prompt;
  const dm = prompt.dm ?? job.dm;
  try {
    if (!record.issue) {
      throw new DispatchError('STEP_IN_PROGRESS', 'the GitHub issue for this alarm is not created yet', {
        retryable: true,
      });
    }
    // Closing, labelling, cancelling timers and updating the DM change nothing when repeated: no ledger step.
    const cancelled = cancelPromptTimers(deps.timers, job.key, job.occurrence);
    // The steps' completions (page, comment, events) are written together, in one write after the work.
    const batch = completionBatch(deps.ledger);
    const work = await Promise.allSettled([
      job.answer === 'yes'
        ? closeAsAnswered(deps, job, record.issue, prompt, batch.collect)
        : escalate(deps, job, record.issue, prompt, batch.collect),
      cancelled,
      ...answerEvents(deps, job, record.issue, batch.collect),
    ]);
    const failed = work.find((r) => r.status === 'rejected');
    if (failed) {
      await batch.settle();
      throw failed.reason;
    }
    const outcome = outcomeText(job, prompt);
    const [written] = await Promise.all([
      batch.settle(),
      dm ? deps.chat.update(dm, answeredDm(prompt.message, outcome, record.issue.url)) : undefined,
      settleCopy(deps.chat, prompt, outcome, record.issue.url),
    ]);
    throwIfAnyFailed(written);
    await deps.ledger.annotate(job.key, job.occurrence, { carriedOut: true });
    log.info(job.answer === 'yes' ? 'answer carried out: issue closed' : 'answer carried out: escalated');
  } catch (error) {
    log.error('answer not carried out yet; it is retried', { error });
    const what = job.answer === 'yes' ? 'closing the alarm' : 'escalating';
    const notice = (whose: string) =>
      mrkdwn`:warning: ${whose} answer ("${job.answer}") is recorded, but Dispatch could not finish ${what} yet (${errorText(error)}). It retries automatically.`;
    await Promise.all([
      dm
        ? deps.chat
            .update(dm, answeredDm(prompt.message, notice('Your'), record.issue?.url))
            .catch(() => undefined)
        : undefined,
      settleCopy(deps.chat, prompt, notice('The'), record.issue?.url).catch(() => undefined),
    ]);
    throw error;
  }
}

/** What the answered DM says: Dispatch's own words, or the producer's yes/no response, which is shown literally. */
function outcomeText(job: Answer, prompt: PromptRecord): SlackText {
  if (job.timedOut) {
    return mrkdwn`:alarm_clock: No answer by ${slackDate(prompt.deadline ?? job.at)}, so this was escalated to the on-call responder.`;
  }
  return withAnswerNotes(
    job.answer === 'yes'
      ? (prompt.yesResponse ?? DEFAULT_YES_RESPONSE)
      : (prompt.noResponse ?? DEFAULT_NO_RESPONSE),
    job,
  );
}

/** "Yes": the comment saying who confirmed, then the issue closed beside the comment's completion. */
async function closeAsAnswered(
  deps: TriageWorkDeps,
  job: Answer,
  issue: IssueRef,
  prompt: PromptRecord,
  collect: Collect,
) {
  const o = `o${job.occurrence}`;
  await commentOnce(
    deps,
    job.key,
    `${o}:yes:comment`,
    issue,
    `:white_check_mark: Answered **yes** (${code(prompt.yesLabel)}) ${answeredByOnGithub(job)}: ${job.onBehalfOf ? 'a responder confirmed this activity for the user' : 'the user confirmed this activity'}. Closing.${reasonOnGithub(job)}`,
    { collect },
  );
  await deps.tracker.close(issue);
}

/**
 * "No": the page, then the comment naming the incident and the label. Two ledger round trips before the page (the
 * prompt read and the page's claim); the page's completion runs beside the comment's claim.
 */
async function escalate(
  deps: TriageWorkDeps,
  job: Answer,
  issue: IssueRef,
  prompt: PromptRecord,
  collect: Collect,
) {
  const o = `o${job.occurrence}`;
  const why = job.timedOut ? 'the user did not answer in time' : 'the user says it was not them';
  // The comment's claim is taken beside the page's, and given back unused if the page fails.
  const owners = { page: randomUUID(), comment: randomUUID() };
  const [pageClaim, commentClaim] = await Promise.all([
    deps.ledger.claim(job.key, `${o}:no:page`, deps.config.leaseMs, owners.page),
    deps.ledger.claim(job.key, `${o}:no:comment`, deps.config.leaseMs, owners.comment),
  ]);
  const paging = runStep(
    deps,
    job.key,
    `${o}:no:page`,
    {
      collect,
      run: async () => ({
        ...(await deps.pager.trigger({
          dedupKey: job.key,
          summary: `${prompt.summary}: ${why}`.slice(0, 1024),
          severity: prompt.severity,
          service: prompt.service,
          details: {
            issue: issue.url,
            answeredBy: job.timedOut ? 'deadline' : job.userId,
            ...(job.onBehalfOf ? { onBehalfOf: job.onBehalfOf } : {}),
            answeredAt: new Date(job.at).toISOString(),
          },
          links: [{ href: issue.url, text: 'GitHub issue (audit trail)' }],
        })),
      }),
    },
    { owner: owners.page, claimed: pageClaim },
  );
  const { result: page } = await paging.catch(async (error: unknown) => {
    if (commentClaim.status === 'won')
      await deps.ledger.unclaim(job.key, `${o}:no:comment`, owners.comment).catch(() => undefined);
    throw error;
  });
  const incident = page.incidentUrl ? `: ${page.incidentUrl}` : ` (dedup key ${code(page.dedupKey)})`;
  const text = job.timedOut
    ? `:alarm_clock: No answer from Slack user ${code(job.userId)} by ${new Date(prompt.deadline ?? job.at).toISOString()}: escalated to PagerDuty as if they had answered **no**${incident}.`
    : `:rotating_light: Answered **no** (${code(prompt.noLabel)}) ${answeredByOnGithub(job)}. Escalated to PagerDuty${incident}.`;
  await Promise.all([
    commentOnce(deps, job.key, `${o}:no:comment`, issue, text, {
      ahead: { owner: owners.comment, claimed: commentClaim },
      collect,
    }),
    deps.tracker.addLabels(issue, [ESCALATED_LABEL]),
  ]);
}
