/** Escalating the unanswered: deadline and reminder timers of self-service prompts. */
import { describe, expect, it } from 'vitest';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import type { TriageJob } from '../../lambdas/core/ports.ts';
import { route } from '../../lambdas/core/route.ts';
import { ACTION_NO, ACTION_YES } from '../../lambdas/core/render/slack.ts';
import { triage } from '../../lambdas/core/triage.ts';
import { runTriageJob } from '../../lambdas/core/triage-work.ts';
import { fakeDeps } from '../fakes/route-deps.ts';
import type { FakeTimers } from '../fakes/vendors.ts';

const alarm = (extra: Record<string, unknown> = {}) =>
  parseAlarm({
    type: 'self-service',
    users: [{ slackId: 'U1', github: 'alice' }],
    body: {
      github: { title: 'Login from a new country' },
      slack: { message: 'New login from Peru', prompt: 'Was this you?', actions: { yes: 'Yes', no: 'No' } },
    },
    ...extra,
  });

async function prompted(
  extra: Record<string, unknown> = {},
  config: Partial<ReturnType<typeof fakeDeps>['config']> = {},
) {
  const deps = fakeDeps();
  Object.assign(deps, { config: { ...deps.config, ...config } });
  const queued: TriageJob[] = [];
  const report = await route(deps, alarm(extra), { messageId: 'm1' });
  const key = report.deliveries[0]!.key;
  const dm = report.deliveries[0]!.dms[0]!;
  const click = (action: string) =>
    triage(
      { ...deps, jobs: { enqueue: async (j) => void queued.push(j) } },
      {
        type: 'block_actions',
        user: { id: 'U1' },
        actions: [{ action_id: action as 'dispatch_yes', value: key }],
        container: { channel_id: dm.channel, message_ts: dm.ts },
      },
    );
  const drain = async () => {
    while (queued.length) await runTriageJob(deps, queued.shift()!);
  };
  return { deps, key, timers: deps.timers as FakeTimers, click, drain };
}

describe('prompt timers', () => {
  it('sets a deadline (environment default, 4 hours) and a reminder halfway, and shows the deadline in the DM', async () => {
    // Act
    const { deps, timers } = await prompted();
    // Assess
    const now = deps.clock.now();
    const set = [...timers.set_.values()].map((t) => [t.job.kind, t.at - now]);
    expect(set).toEqual([
      ['deadline', 240 * 60_000],
      ['reminder', 120 * 60_000],
    ]);
    expect(JSON.stringify(deps.chat.updates.at(-1)!.message.blocks)).toContain('Please answer by <!date^');
  });

  it('honours a per-alarm deadline and reminder choice', async () => {
    // Act
    const { deps, timers } = await prompted({ responseDeadlineMinutes: 30, reminder: false });
    // Assess
    expect([...timers.set_.values()].map((t) => [t.job.kind, t.at - deps.clock.now()])).toEqual([
      ['deadline', 30 * 60_000],
    ]);
  });

  it('sets no timer when deadlines are off', async () => {
    // Act
    const { timers } = await prompted({}, { promptDeadlineMinutes: 0 });
    // Assess
    expect(timers.set_.size).toBe(0);
  });
});

describe('the deadline passes unanswered', () => {
  it('escalates as if the user said no: page, comment, label, DM updated; a later click changes nothing', async () => {
    // Prepare
    const { deps, timers, click, key } = await prompted();
    deps.clock.advance(240 * 60_000);
    // Act
    await runTriageJob(deps, timers.job('deadline')!);
    const late = await click(ACTION_YES);
    // Assess
    expect(deps.pager.pages).toEqual([
      expect.objectContaining({
        dedupKey: key,
        summary: 'Login from a new country: the user did not answer in time',
      }),
    ]);
    const issue = deps.tracker.issues[0]!;
    expect(issue.comments[0]).toMatch(
      /^:alarm_clock: No answer from Slack user `U1` by .*: escalated to PagerDuty as if they had answered \*\*no\*\*/,
    );
    expect(issue.labels).toContain('escalated');
    expect(issue.state).toBe('open');
    expect(JSON.stringify(deps.chat.updates.at(-1)!.message.blocks)).toContain('No answer by');
    expect(late).toBe('already-answered');
  });

  it('does nothing when the deadline fires after an answer, and the answer cancelled both timers', async () => {
    // Prepare
    const { deps, timers, click, drain } = await prompted();
    const deadline = timers.job('deadline')!;
    await click(ACTION_YES);
    await drain();
    // Act
    await runTriageJob(deps, deadline);
    // Assess
    expect(deps.pager.pages).toEqual([]);
    expect(deps.tracker.issues[0]!.state).toBe('closed');
    expect(timers.cancelled.map((n) => n.split('-')[0])).toEqual(['deadline', 'reminder']);
  });

  it('pages once when the deadline and a "no" click race', async () => {
    // Prepare
    const { deps, timers, click, drain } = await prompted();
    // Act
    await Promise.all([runTriageJob(deps, timers.job('deadline')!), click(ACTION_NO).then(drain)]);
    // Assess
    expect(deps.pager.pages).toHaveLength(1);
    expect(deps.tracker.issues[0]!.comments).toHaveLength(1);
  });
});

describe('the reminder', () => {
  it('goes out under the prompt when the user has not answered', async () => {
    // Prepare
    const { deps, timers } = await prompted();
    // Act
    await runTriageJob(deps, timers.job('reminder')!);
    await runTriageJob(deps, timers.job('reminder')!);
    // Assess
    const reminders = deps.chat.posts.filter((p) => p.message.threadTs);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.to).toBe('U1');
    expect(reminders[0]!.message.threadTs).toBe(deps.chat.posts[0]!.ts);
    expect(reminders[0]!.message.text).toMatch(
      /^:bell: Reminder: Dispatch is waiting for your answer about "Login from a new country"/,
    );
  });

  it('stays silent once the user answered', async () => {
    // Prepare
    const { deps, timers, click, drain } = await prompted();
    const reminder = timers.job('reminder')!;
    await click(ACTION_NO);
    await drain();
    // Act
    await runTriageJob(deps, reminder);
    // Assess
    expect(deps.chat.posts.filter((p) => p.message.threadTs)).toHaveLength(0);
  });
});
