/**
 * The slow half of triage, run after Slack was answered: "yes" comments and closes the issue; "no" pages
 * PagerDuty (dedup key = the alarm key), comments with the incident and labels the issue `escalated`. Either way
 * the DM's buttons are replaced by the outcome. Every step is a ledger step, so a retried job repeats nothing.
 * A failure is shown in the DM and thrown, so the job is retried (and dead-lettered if it keeps failing).
 */
import { DispatchError } from './errors.ts';
import type { Chat, IssueRef, IssueTracker, Pager, PromptRecord, TriageJob } from './ports.ts';
import { answeredDm } from './render.ts';
import { commentOnce, errorText, runStep, type StepDeps } from './steps.ts';

export const DEFAULT_YES_RESPONSE = 'Thanks for confirming. The alarm is closed.';
export const DEFAULT_NO_RESPONSE = 'Thanks for telling us. This has been escalated to the on-call responder.';
export const ESCALATED_LABEL = 'escalated';

export interface TriageWorkDeps extends StepDeps {
  chat: Chat;
  tracker: IssueTracker;
  pager: Pager;
}

export async function runTriageJob(deps: TriageWorkDeps, job: TriageJob): Promise<void> {
  if (job.kind === 'notice') {
    await deps.chat.respond?.(job.responseUrl, {
      response_type: 'ephemeral',
      replace_original: false,
      text: job.text,
    });
    return;
  }
  const log = deps.log.with({ alarmKey: job.key, answer: job.answer, slackUser: job.userId });
  const record = await deps.ledger.get(job.key);
  if (!record || record.occurrence !== job.occurrence || !record.prompt) {
    log.warn('answer belongs to an occurrence that is gone; nothing to do');
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
    if (job.answer === 'yes') await closeAsAnswered(deps, job, record.issue, prompt);
    else await escalate(deps, job, record.issue, prompt);
    if (dm) {
      const text =
        job.answer === 'yes'
          ? (prompt.yesResponse ?? DEFAULT_YES_RESPONSE)
          : (prompt.noResponse ?? DEFAULT_NO_RESPONSE);
      await runStep(deps, job.key, `o${job.occurrence}:${job.answer}:dm`, {
        run: async () => {
          await deps.chat.update(dm, answeredDm(prompt.message, text, record.issue?.url));
          return {};
        },
      });
    }
    log.info(job.answer === 'yes' ? 'answer carried out: issue closed' : 'answer carried out: escalated');
  } catch (error) {
    log.error('answer not carried out yet; it is retried', { error });
    if (dm) {
      const what = job.answer === 'yes' ? 'closing the alarm' : 'escalating';
      const notice = `:warning: Your answer ("${job.answer}") is recorded, but Dispatch could not finish ${what} yet (${errorText(error)}). It retries automatically.`;
      await deps.chat
        .update(dm, answeredDm(prompt.message, notice, record.issue?.url))
        .catch(() => undefined);
    }
    throw error;
  }
}

function who(job: { userId: string; at: number }): string {
  return `Slack user \`${job.userId}\` at ${new Date(job.at).toISOString()}`;
}

async function closeAsAnswered(
  deps: TriageWorkDeps,
  job: TriageJob & { kind: 'answer' },
  issue: IssueRef,
  prompt: PromptRecord,
) {
  const o = `o${job.occurrence}`;
  await commentOnce(
    deps,
    job.key,
    `${o}:yes:comment`,
    issue,
    `:white_check_mark: Answered **yes** ("${prompt.yesLabel}") by ${who(job)}: the user confirmed this activity. Closing.`,
  );
  await runStep(deps, job.key, `${o}:yes:close`, {
    run: async () => {
      await deps.tracker.close(issue);
      return {};
    },
  });
}

async function escalate(
  deps: TriageWorkDeps,
  job: TriageJob & { kind: 'answer' },
  issue: IssueRef,
  prompt: PromptRecord,
) {
  const o = `o${job.occurrence}`;
  const { result: page } = await runStep(deps, job.key, `${o}:no:page`, {
    run: async () => ({
      ...(await deps.pager.trigger({
        dedupKey: job.key,
        summary: `${prompt.summary}: the user says it was not them`.slice(0, 1024),
        severity: prompt.severity,
        service: prompt.service,
        details: { issue: issue.url, answeredBy: job.userId, answeredAt: new Date(job.at).toISOString() },
        links: [{ href: issue.url, text: 'GitHub issue (audit trail)' }],
      })),
    }),
  });
  const incident = page.incidentUrl ? `: ${page.incidentUrl}` : ` (dedup key \`${page.dedupKey}\`)`;
  await commentOnce(
    deps,
    job.key,
    `${o}:no:comment`,
    issue,
    `:rotating_light: Answered **no** ("${prompt.noLabel}") by ${who(job)}. Escalated to PagerDuty${incident}.`,
  );
  await runStep(deps, job.key, `${o}:no:label`, {
    run: async () => {
      await deps.tracker.addLabels(issue, [ESCALATED_LABEL]);
      return {};
    },
  });
}
