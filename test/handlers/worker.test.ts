/** The triage worker as EventBridge Scheduler and the triage function invoke it: one job per event. */
import { describe, expect, it } from 'vitest';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import { route } from '../../lambdas/core/route.ts';
import { createWorkerHandler } from '../../lambdas/triage/worker.ts';
import { fakeDeps } from '../fakes/route-deps.ts';
import type { FakeTimers } from '../fakes/vendors.ts';

describe('triage worker handler', () => {
  it('runs the deadline job a schedule delivers (its Input, parsed by Lambda)', async () => {
    // Prepare
    const deps = fakeDeps();
    await route(
      deps,
      parseAlarm({
        type: 'self-service',
        users: [{ slackId: 'U1' }],
        body: {
          github: { title: 'Odd login' },
          slack: { message: 'Was this you?', prompt: 'p', actions: { yes: 'y', no: 'n' } },
        },
      }),
      { messageId: 'm1' },
    );
    const job = (deps.timers as FakeTimers).job('deadline')!;
    const handler = createWorkerHandler(() => deps);
    // Act
    await handler(JSON.parse(JSON.stringify(job)), { getRemainingTimeInMillis: () => 60_000 });
    // Assess
    expect(deps.pager.pages).toHaveLength(1);
    expect(deps.tracker.issues[0]!.labels).toContain('escalated');
  });

  it('refuses an event that is not a job', async () => {
    const handler = createWorkerHandler(() => fakeDeps());
    await expect(handler({ kind: 'format-disk' })).rejects.toMatchObject({ code: 'EVENT_INVALID' });
  });
});
