/** Triage worker: invoked asynchronously with one TriageJob; carries out the answer or the notice. */
import { DispatchError } from '../core/errors.ts';
import { runTriageJob, type TriageWorkDeps } from '../core/triage-work.ts';
import { depsAtColdStart } from '../shared/cold-start.ts';
import { stopBy, type InvocationContext } from '../shared/invocation.ts';
import { buildTriageWorkDeps } from '../shared/wiring.ts';
import { targetingSelf } from '../adapters/scheduler-timers.ts';
import { TriageJobSchema } from './job-schema.ts';

export function createWorkerHandler(getDeps: () => TriageWorkDeps) {
  return async (event: unknown, context?: InvocationContext): Promise<void> => {
    const parsed = TriageJobSchema.safeParse(event);
    if (!parsed.success)
      throw new DispatchError('EVENT_INVALID', `not a triage job: ${parsed.error.issues[0]?.message}`);
    const deps = getDeps();
    // A snooze's expiry timer invokes this very function: its ARN comes from the invocation.
    const timers = targetingSelf(deps.timers, context?.invokedFunctionArn);
    await runTriageJob({ ...deps, timers, until: stopBy(context, deps.clock.now()) }, parsed.data);
  };
}

export const handler = createWorkerHandler(depsAtColdStart((p) => buildTriageWorkDeps(process.env, p)));
