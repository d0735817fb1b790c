/** Resolve at the source (issue 15): `"status": "resolved"` ends what the firing alarm started, each effect once. */
import { describe, expect, it } from 'vitest';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import { receiveAlarm } from '../../lambdas/core/receive.ts';
import { route } from '../../lambdas/core/route.ts';
import { triage } from '../../lambdas/core/triage.ts';
import { ACTION_YES } from '../../lambdas/core/render/slack.ts';
import { fakeDeps } from '../fakes/route-deps.ts';

const alarms = {
  'self-service': {
    type: 'self-service',
    users: [{ slackId: 'U1', github: 'alice' }],
    body: { github: { title: '2FA disabled' }, slack: { message: 'Your 2FA was disabled' } },
  },
  broadcast: {
    type: 'broadcast',
    users: [{ slackId: 'U1' }, { slackId: 'U2' }],
    body: { github: { title: 'Phishing' }, slack: { message: 'Do not click' } },
  },
  nag: {
    type: 'nag',
    users: [{ slackId: 'U1' }],
    body: { github: { title: 'Laptop not encrypted' }, slack: { message: 'Please enable FileVault' } },
  },
  'low-priority': { type: 'low-priority', body: { github: { title: 'Unused key' } } },
  'high-priority': { type: 'high-priority', body: { pagerduty: { title: 'Root login', service: 'PSEC' } } },
} as const;

const resolved = (alarm: object) => parseAlarm({ ...alarm, status: 'resolved' });

describe('resolve at the source', () => {
  it.each(['self-service', 'broadcast', 'nag', 'low-priority'] as const)(
    '%s: the open issue gets "Resolved at the source at <time>" and is closed, once',
    async (type) => {
      // Prepare
      const deps = fakeDeps();
      await route(deps, parseAlarm(alarms[type]), { messageId: 'm1' });
      // Act
      await route(deps, resolved(alarms[type]), { messageId: 'r1' });
      await route(deps, resolved(alarms[type]), { messageId: 'r1' }); // a redelivery
      await route(deps, resolved(alarms[type]), { messageId: 'r2' }); // a second resolve
      // Assess
      const issue = deps.tracker.issues[0]!;
      expect(issue.state).toBe('closed');
      expect(issue.comments.filter((c) => /Resolved at the source at \d{4}-/.test(c))).toHaveLength(1);
      expect(deps.events.of('Alarm Resolved')).toHaveLength(1);
      expect(deps.events.of('Alarm Resolved')[0]!.detail).toMatchObject({
        alarmType: type,
        issueUrl: issue.url,
      });
    },
  );

  it('high-priority: sends a PagerDuty resolve with the same dedup key and service, once', async () => {
    // Prepare
    const deps = fakeDeps();
    const report = await route(deps, parseAlarm(alarms['high-priority']), { messageId: 'm1' });
    // Act
    await route(deps, resolved(alarms['high-priority']), { messageId: 'r1' });
    await route(deps, resolved(alarms['high-priority']), { messageId: 'r2' });
    // Assess
    expect(deps.pager.resolved).toEqual([{ dedupKey: report.deliveries[0]!.key, service: 'PSEC' }]);
    expect(deps.events.of('Alarm Resolved')[0]!.detail.pagerDutyDedupKey).toBe(report.deliveries[0]!.key);
  });

  it('high-priority: a firing after the resolve pages again at once, and can be resolved again', async () => {
    // Prepare
    const deps = fakeDeps();
    await route(deps, parseAlarm(alarms['high-priority']), { messageId: 'm1' });
    await route(deps, resolved(alarms['high-priority']), { messageId: 'r1' });
    // Act
    const again = await route(deps, parseAlarm(alarms['high-priority']), { messageId: 'm2' });
    await route(deps, resolved(alarms['high-priority']), { messageId: 'r2' });
    // Assess
    expect(again.deliveries[0]!.suppressed).toBeUndefined();
    expect(deps.pager.pages).toHaveLength(2);
    expect(deps.pager.resolved).toHaveLength(2);
  });

  it('self-service: the unanswered prompt loses its buttons, its timers are cancelled, a late click changes nothing', async () => {
    // Prepare
    const deps = fakeDeps();
    const report = await route(deps, parseAlarm(alarms['self-service']), { messageId: 'm1' });
    const key = report.deliveries[0]!.key;
    const dm = [...deps.ledger.alarms.values()][0]!.prompt!.dm!;
    // Act
    await route(deps, resolved(alarms['self-service']), { messageId: 'r1' });
    const queued: unknown[] = [];
    const outcome = await triage(
      { ...deps, jobs: { enqueue: async (job) => void queued.push(job) }, config: { leaseMs: 60_000 } },
      {
        type: 'block_actions',
        user: { id: 'U1' },
        actions: [{ action_id: ACTION_YES, value: key }],
        container: { channel_id: dm.channel, message_ts: dm.ts },
        response_url: 'https://hooks.slack.com/actions/T0/1/x',
      },
    );
    // Assess
    const last = JSON.stringify(deps.chat.updates.at(-1)!.message.blocks);
    expect(last).toContain('Resolved at the source; no answer needed.');
    expect(last).not.toContain('dispatch_yes');
    expect(deps.timers.set_.size).toBe(0);
    expect(outcome).toBe('already-answered');
    expect(queued.filter((j) => (j as { kind: string }).kind === 'answer')).toEqual([]);
    expect(queued).toContainEqual(
      expect.objectContaining({
        kind: 'notice',
        text: expect.stringMatching(/resolved at the source at .*no answer is needed/),
      }),
    );
  });

  it('answers a resolve for an unknown key with success and does nothing', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    const report = await receiveAlarm(deps, {
      messageId: 'r1',
      body: JSON.stringify({ ...alarms.nag, status: 'resolved' }),
    });
    // Assess
    expect(report.deliveries[0]!.suppressed).toMatch(/no such alarm/);
    expect(deps.tracker.issues).toEqual([]);
    expect(deps.chat.posts).toEqual([]);
    expect(deps.events.published).toEqual([]);
    expect(deps.ledger.alarms.size).toBe(0);
  });

  it('starts a new occurrence when the alarm fires again after a resolve', async () => {
    // Prepare
    const deps = fakeDeps();
    await route(deps, parseAlarm(alarms['low-priority']), { messageId: 'm1' });
    await route(deps, resolved(alarms['low-priority']), { messageId: 'r1' });
    // Act
    const again = await route(deps, parseAlarm(alarms['low-priority']), { messageId: 'm2' });
    // Assess
    expect(again.deliveries[0]!.occurrence).toBe(2);
    expect(deps.tracker.issues).toHaveLength(2);
    expect(deps.tracker.issues[1]!.state).toBe('open');
  });

  it('does not finish a resolved occurrence when an old firing message is redelivered', async () => {
    // Prepare
    const deps = fakeDeps();
    await route(deps, parseAlarm(alarms.nag), { messageId: 'm1' });
    await route(deps, resolved(alarms.nag), { messageId: 'r1' });
    const dms = deps.chat.posts.length;
    // Act
    const redelivered = await route(deps, parseAlarm(alarms.nag), { messageId: 'm1' });
    // Assess
    expect(redelivered.deliveries[0]!.suppressed).toMatch(/resolved at the source/);
    expect(deps.chat.posts).toHaveLength(dms);
  });

  it('keeps `status` optional: old producers never send it, and a wrong value is named', () => {
    // Act / Assess
    expect(parseAlarm(alarms.nag).status).toBeUndefined();
    expect(() => parseAlarm({ ...alarms.nag, status: 'ok' })).toThrow(
      'status: expected "firing" (the default) or "resolved"',
    );
  });
});
