/** Outcome on timeout, and answers as events (issue 15). */
import { describe, expect, it } from 'vitest';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import type { TriageJob } from '../../lambdas/core/ports.ts';
import { route } from '../../lambdas/core/route.ts';
import { ACTION_NO, ACTION_YES } from '../../lambdas/core/render/slack.ts';
import { triage } from '../../lambdas/core/triage.ts';
import { runTriageJob } from '../../lambdas/core/triage-work.ts';
import { fakeDeps } from '../fakes/route-deps.ts';

const alarm = (extra: Record<string, unknown> = {}) =>
  parseAlarm({
    type: 'self-service',
    users: [{ slackId: 'U1', github: 'alice' }],
    body: { github: { title: 'Login from a new country' }, slack: { message: 'New login from Peru' } },
    ...extra,
  });

async function prompted(extra: Record<string, unknown> = {}, config: Record<string, unknown> = {}) {
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
        container: { channel_id: dm.channel!, message_ts: dm.ts! },
      },
    );
  const drain = async () => {
    while (queued.length) {
      const job = queued.shift()!;
      await runTriageJob(deps, job);
      await runTriageJob(deps, job); // a replayed job changes nothing
    }
  };
  // Captured now: an answer cancels the timer, but a scheduler may already have fired it.
  const timer = deps.timers.job('deadline')!;
  const deadline = async () => {
    const job = timer;
    await runTriageJob(deps, job);
    await runTriageJob(deps, job); // the scheduler may deliver twice
  };
  return { deps, key, click, drain, deadline };
}

describe('outcome on timeout', () => {
  it('closes the issue with "No answer by <deadline>; closed as configured" when the alarm says close', async () => {
    // Prepare
    const { deps, deadline } = await prompted({ onTimeout: 'close' });
    // Act
    await deadline();
    // Assess
    const issue = deps.tracker.issues[0]!;
    expect(issue.state).toBe('closed');
    expect(
      issue.comments.filter((c) => /No answer by \d{4}-.*; closed as configured\./.test(c)),
    ).toHaveLength(1);
    expect(deps.pager.pages).toEqual([]);
    expect(JSON.stringify(deps.chat.updates.at(-1)!.message.blocks)).toContain('closed as configured');
    expect(deps.events.of('Prompt Timed Out')).toHaveLength(1);
    expect(deps.events.of('Alarm Escalated')).toEqual([]);
  });

  it('follows the environment default (prompts.onTimeout), and the alarm wins over it', async () => {
    // Prepare
    const closing = await prompted({}, { promptOnTimeout: 'close' });
    const escalating = await prompted({ onTimeout: 'escalate' }, { promptOnTimeout: 'close' });
    // Act
    await closing.deadline();
    await escalating.deadline();
    // Assess
    expect(closing.deps.tracker.issues[0]!.state).toBe('closed');
    expect(escalating.deps.pager.pages).toHaveLength(1);
    expect(escalating.deps.tracker.issues[0]!.state).toBe('open');
  });

  it('escalates by default, as before', async () => {
    // Prepare
    const { deps, deadline } = await prompted();
    // Act
    await deadline();
    // Assess
    expect(deps.pager.pages).toHaveLength(1);
    expect(deps.events.of('Prompt Timed Out')).toHaveLength(1);
    expect(deps.events.of('Alarm Escalated')).toHaveLength(1);
    expect(deps.events.of('Prompt Answered')).toEqual([]);
  });

  it('does nothing at the deadline of a prompt answered in time', async () => {
    // Prepare
    const { deps, click, drain, deadline } = await prompted({ onTimeout: 'close' });
    await click(ACTION_YES);
    await drain();
    const comments = deps.tracker.issues[0]!.comments.length;
    // Act
    await deadline();
    // Assess
    expect(deps.tracker.issues[0]!.comments).toHaveLength(comments);
    expect(deps.events.of('Prompt Timed Out')).toEqual([]);
  });
});

describe('answers as events', () => {
  it('publishes "Prompt Answered" once for a yes, with who answered, the issue and the key', async () => {
    // Prepare
    const { deps, key, click, drain } = await prompted();
    // Act
    await click(ACTION_YES);
    await click(ACTION_YES);
    await drain();
    // Assess
    expect(deps.events.published.map((e) => e.detailType)).toEqual(['Prompt Answered']);
    expect(deps.events.published[0]!.detail).toMatchObject({
      eventId: `${key}#o1#answered`,
      alarmKey: key,
      alarmType: 'self-service',
      answer: 'yes',
      answeredBy: 'U1',
      issueUrl: deps.tracker.issues[0]!.url,
    });
  });

  it('publishes "Prompt Answered" and "Alarm Escalated" once each for a no, with the PagerDuty dedup key', async () => {
    // Prepare
    const { deps, key, click, drain } = await prompted();
    // Act
    await click(ACTION_NO);
    await drain();
    // Assess
    expect(deps.events.published.map((e) => e.detailType).sort()).toEqual([
      'Alarm Escalated',
      'Prompt Answered',
    ]);
    expect(deps.events.of('Alarm Escalated')[0]!.detail).toMatchObject({
      answer: 'no',
      pagerDutyDedupKey: key,
    });
  });

  it('names the producer of a named producer’s alarm', async () => {
    // Prepare
    const deps = fakeDeps();
    const report = await route(deps, alarm(), { messageId: 'm1', producer: 'idp' });
    const key = report.deliveries[0]!.key;
    // Act
    await runTriageJob(deps, { kind: 'deadline', key, occurrence: 1 });
    // Assess
    expect(deps.events.of('Prompt Timed Out')[0]!.detail.producer).toBe('idp');
  });
});
