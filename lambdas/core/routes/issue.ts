/** Opening an occurrence's issue once: the step creates it with a hidden marker, a retry finds it by that marker. */
import { resolveRepo } from '../keys.ts';
import type { Alarm } from '../message.ts';
import type { IssueRef } from '../ports.ts';
import { issueBody } from '../render/github.ts';
import type { RouteDeps } from '../route-types.ts';
import { runStep, type StepOutcome } from '../steps.ts';

type IssueAlarm = Alarm & { type: Exclude<Alarm['type'], 'high-priority'> };

export function openIssue(
  deps: RouteDeps,
  alarm: IssueAlarm,
  at: { key: string; occurrence: number; requestId: string },
  lines: string[],
  /** Records the new issue on the alarm, in parallel with the step's completion. */
  record?: (issue: IssueRef) => Promise<unknown>,
): Promise<StepOutcome<IssueRef>> {
  const marker = `${at.key}#o${at.occurrence}`;
  const repo = resolveRepo(alarm, deps.config);
  return runStep(deps, at.key, `o${at.occurrence}:issue`, {
    reconcile: () => deps.tracker.findByKey(repo, marker),
    run: () =>
      deps.tracker.create(repo, {
        title: alarm.body.github.title,
        body: issueBody(alarm, { key: at.key, marker, requestId: at.requestId, lines }),
        labels: alarm.body.github.labels ?? [],
      }),
    ...(record ? { record: async (issue: IssueRef) => void (await record(issue)) } : {}),
  });
}
