import { describe, expect, it } from 'vitest';
import { parseAlarm, parseAlarmJson } from '../../lambdas/core/parse-alarm.ts';
import { route } from '../../lambdas/core/route.ts';
import { ACTION_NO, ACTION_YES } from '../../lambdas/core/render/slack.ts';
import { originalExamples } from '../fixtures/alarms/original-readme.ts';
import { fakeDeps } from '../fakes/route-deps.ts';
import { slackRefused, transient } from '../fakes/vendors.ts';

const selfService = (overrides: Record<string, unknown> = {}) =>
  parseAlarm({
    type: 'self-service',
    users: [{ slackId: 'U1', github: 'alice' }],
    body: {
      github: { title: '2FA disabled', body: 'It was disabled.', labels: ['2fa'] },
      slack: { message: 'Your 2FA was disabled', prompt: 'Was this you?', actions: { yes: 'Yes', no: 'No' } },
    },
    ...overrides,
  });

function buttons(message: { blocks: Record<string, unknown>[] }) {
  const actions = message.blocks.find((b) => b.type === 'actions') as
    { elements: Record<string, unknown>[] } | undefined;
  // The snooze choice of nag and broadcast DMs is a select, not a button.
  return (actions?.elements ?? []).filter((e) => e.type === 'button');
}

describe('self-service', () => {
  it('opens one issue tagging the user and sends one interactive DM that gains the issue link', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    const report = await route(deps, parseAlarmJson(originalExamples['self-service']!), { messageId: 'm1' });
    // Assess
    expect(deps.tracker.issues).toHaveLength(1);
    const issue = deps.tracker.issues[0]!;
    expect(issue).toMatchObject({ owner: 'acme', repo: 'alarms', title: 'self-service title', labels: [] });
    expect(issue.body).toContain('self-service body');
    expect(issue.body).toContain('@U024BE7LH');
    expect(deps.chat.posts.map((p) => p.to)).toEqual(['U024BE7LH']);
    const dm = deps.chat.posts[0]!.message;
    expect(buttons(dm).map((b) => [b.action_id, (b.text as { text: string }).text])).toEqual([
      [ACTION_YES, 'testYesAction'],
      [ACTION_NO, 'testNoAction'],
    ]);
    expect(buttons(dm).every((b) => b.value === report.deliveries[0]!.key)).toBe(true);
    expect(deps.chat.updates).toHaveLength(1);
    expect(JSON.stringify(deps.chat.updates[0]!.message.blocks)).toContain(issue.url);
    expect(report.deliveries[0]).toMatchObject({ issue: { number: 1 }, dms: [{ to: 'U024BE7LH' }] });
  });

  it('records who may answer the prompt before the DM goes out', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    const report = await route(deps, selfService(), { messageId: 'm1' });
    // Assess
    const record = await deps.ledger.get(report.deliveries[0]!.key);
    expect(record?.prompt).toMatchObject({
      slackUserId: 'U1',
      summary: '2FA disabled',
      dm: { channel: 'D1' },
    });
    expect(record?.issue?.number).toBe(1);
  });

  it.each([
    ['acme/other', 'acme', 'other'],
    ['other', 'acme', 'other'],
    ['partner/alarms', 'partner', 'alarms'],
  ])('honours githubRepo %s', async (githubRepo, owner, repo) => {
    // Prepare
    const deps = fakeDeps();
    // Act
    await route(deps, selfService({ githubRepo }), { messageId: 'm1' });
    // Assess
    expect(deps.tracker.issues[0]).toMatchObject({ owner, repo });
  });

  it('gives each user their own issue and prompt', async () => {
    // Prepare
    const deps = fakeDeps();
    const alarm = selfService({
      users: [
        { slackId: 'U1', github: 'alice' },
        { slackId: 'U2', github: 'bob' },
      ],
    });
    // Act
    const report = await route(deps, alarm, { messageId: 'm1' });
    // Assess
    expect(deps.tracker.issues.map((i) => i.body.includes('@alice') || i.body.includes('@bob'))).toEqual([
      true,
      true,
    ]);
    expect(deps.chat.posts.map((p) => p.to).sort()).toEqual(['U1', 'U2']);
    expect(new Set(report.deliveries.map((d) => d.key)).size).toBe(2);
  });

  it('sends to the default channel, without buttons, when the user has no Slack ID', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    const report = await route(deps, selfService({ users: [{ github: 'alice' }] }), { messageId: 'm1' });
    // Assess
    expect(deps.chat.posts.map((p) => p.to)).toEqual(['C0DEFAULT']);
    expect(buttons(deps.chat.posts[0]!.message)).toEqual([]);
    expect(JSON.stringify(deps.chat.posts[0]!.message.blocks)).toContain('No Slack ID');
    expect(deps.tracker.issues[0]!.body).toContain('No Slack ID');
    expect(report.deliveries[0]!.dms[0]!.fallback).toMatch(/No Slack ID/);
    expect((await deps.ledger.get(report.deliveries[0]!.key))?.prompt).toBeUndefined();
  });

  it('posts to a channel named as the user without buttons: nobody there may answer for someone else', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    const report = await route(deps, selfService({ users: [{ slackId: 'C0TEAM', github: 'alice' }] }), {
      messageId: 'm1',
    });
    // Assess
    expect(deps.chat.posts.map((p) => p.to)).toEqual(['C0TEAM']);
    expect(buttons(deps.chat.posts[0]!.message)).toEqual([]);
    expect(JSON.stringify(deps.chat.posts[0]!.message.blocks)).toContain('not a person');
    expect((await deps.ledger.get(report.deliveries[0]!.key))?.prompt).toBeUndefined();
    expect(deps.timers.set_.size).toBe(0);
  });

  it('tags the default user or team when the user has no GitHub handle', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    await route(deps, selfService({ users: [{ slackId: 'U1' }] }), { messageId: 'm1' });
    // Assess
    expect(deps.tracker.issues[0]!.body).toContain('@acme/security');
  });

  it('reaches the default channel when users is empty', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    await route(deps, selfService({ users: [] }), { messageId: 'm1' });
    // Assess
    expect(deps.chat.posts.map((p) => p.to)).toEqual(['C0DEFAULT']);
    expect(deps.tracker.issues).toHaveLength(1);
  });

  it('reports a DM Slack refuses to the default channel and on the issue, and does not fail', async () => {
    // Prepare
    const deps = fakeDeps();
    deps.chat.failPost = (to) => (to === 'U1' ? slackRefused('user_not_found') : undefined);
    // Act
    const report = await route(deps, selfService(), { messageId: 'm1' });
    // Assess
    expect(deps.chat.posts.map((p) => p.to)).toEqual(['C0DEFAULT']);
    expect(deps.chat.posts[0]!.message.text).toContain('could not DM `U1`');
    expect(deps.tracker.issues[0]!.comments[0]).toContain('user_not_found');
    expect(report.deliveries[0]!.dms[0]!.failed).toContain('user_not_found');
  });

  it('does nothing new on an SNS redelivery of the same message', async () => {
    // Prepare
    const deps = fakeDeps();
    await route(deps, selfService(), { messageId: 'm1' });
    // Act
    await route(deps, selfService(), { messageId: 'm1' });
    // Assess
    expect(deps.tracker.issues).toHaveLength(1);
    expect(deps.chat.posts).toHaveLength(1);
    expect(deps.chat.updates).toHaveLength(1);
  });

  it('suppresses an identical re-publish while the issue is open, counting it on the issue (no listing)', async () => {
    // Prepare
    const deps = fakeDeps();
    await route(deps, selfService(), { messageId: 'm1' });
    // Act
    const report = await route(deps, selfService(), { messageId: 'm2' });
    // Assess
    expect(deps.tracker.issues).toHaveLength(1);
    expect(deps.chat.posts).toHaveLength(1);
    expect(report.deliveries[0]).toMatchObject({
      suppressed: 'issue #1 for this alarm is still open',
      seen: 2,
    });
    expect(deps.tracker.calls).toEqual(['create acme/alarms', 'state #1', 'comment #1']);
    expect(deps.tracker.issues[0]!.comments[0]).toMatch(
      /^:repeat: Seen 2 times, last at 2026-11-23T09:00:00.000Z/,
    );
  });

  it('alerts again after the issue was closed (retrigger defaults to true)', async () => {
    // Prepare
    const deps = fakeDeps();
    await route(deps, selfService(), { messageId: 'm1' });
    deps.tracker.issues[0]!.state = 'closed';
    // Act
    const report = await route(deps, selfService(), { messageId: 'm2' });
    // Assess
    expect(deps.tracker.issues).toHaveLength(2);
    expect(deps.chat.posts).toHaveLength(2);
    expect(report.deliveries[0]!.occurrence).toBe(2);
  });

  it('stays silent after the issue was closed when retrigger is false', async () => {
    // Prepare
    const deps = fakeDeps();
    await route(deps, selfService({ retrigger: false }), { messageId: 'm1' });
    deps.tracker.issues[0]!.state = 'closed';
    // Act
    const report = await route(deps, selfService({ retrigger: false }), { messageId: 'm2' });
    // Assess
    expect(deps.tracker.issues).toHaveLength(1);
    expect(deps.chat.posts).toHaveLength(1);
    expect(report.deliveries[0]!.suppressed).toMatch(/closed and retrigger is false/);
  });

  it('finishes the missing DM on retry after a partial failure, without a second issue', async () => {
    // Prepare
    const deps = fakeDeps();
    let slackDown = true;
    deps.chat.failPost = () => (slackDown ? transient('slack') : undefined);
    await expect(route(deps, selfService(), { messageId: 'm1' })).rejects.toThrow(/slack: answered HTTP 503/);
    slackDown = false;
    // Act
    await route(deps, selfService(), { messageId: 'm1' });
    // Assess
    expect(deps.tracker.issues).toHaveLength(1);
    expect(deps.chat.posts.map((p) => p.to)).toEqual(['U1']);
    expect(JSON.stringify(deps.chat.updates[0]!.message.blocks)).toContain(deps.tracker.issues[0]!.url);
  });

  it('finishes the missing issue on retry when GitHub failed and the DM went out', async () => {
    // Prepare
    const deps = fakeDeps();
    let githubDown = true;
    deps.tracker.failCreate = () => (githubDown ? transient('github') : undefined);
    await expect(route(deps, selfService(), { messageId: 'm1' })).rejects.toThrow(/github/);
    githubDown = false;
    // Act
    await route(deps, selfService(), { messageId: 'm1' });
    // Assess
    expect(deps.tracker.issues).toHaveLength(1);
    expect(deps.chat.posts).toHaveLength(1);
    expect(deps.chat.updates).toHaveLength(1);
  });

  it('finds the issue an attempt created but whose answer was lost, instead of creating a second', async () => {
    // Prepare
    const deps = fakeDeps();
    deps.tracker.loseCreateAnswer = true;
    // Act
    const report = await route(deps, selfService(), { messageId: 'm1' });
    // Assess
    expect(deps.tracker.issues).toHaveLength(1);
    expect(deps.tracker.calls.filter((c) => c.startsWith('create'))).toHaveLength(1);
    expect(deps.tracker.calls.filter((c) => c.startsWith('find'))).toHaveLength(1);
    expect(report.deliveries[0]!.issue?.number).toBe(1);
  });

  it('creates one issue and one DM for two identical alarms arriving together', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    const reports = await Promise.all([
      route(deps, selfService(), { messageId: 'm1' }),
      route(deps, selfService(), { messageId: 'm2' }),
    ]);
    // Assess
    expect(deps.tracker.issues).toHaveLength(1);
    expect(deps.chat.posts).toHaveLength(1);
    expect(reports[0]!.deliveries[0]!.key).toBe(reports[1]!.deliveries[0]!.key);
  });

  it('uses the producer dedupeKey, per user', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    const report = await route(deps, selfService({ dedupeKey: 'gd-1' }), { messageId: 'm1' });
    // Assess
    expect(report.deliveries[0]!.key).toBe('gd-1/U1');
  });
});

describe('broadcast', () => {
  const broadcast = (users: Record<string, unknown>[]) =>
    parseAlarm({
      type: 'broadcast',
      users,
      body: { github: { title: 'Phishing', body: 'Beware' }, slack: { message: 'Do not click' } },
    });

  it('DMs every user and opens one issue listing who was told', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    await route(deps, parseAlarmJson(originalExamples.broadcast!), { messageId: 'm1' });
    // Assess
    expect(deps.chat.posts.map((p) => p.to).sort()).toEqual(['U024BE7LH', 'U0G9QF9C6']);
    expect(deps.chat.posts.every((p) => buttons(p.message).length === 0)).toBe(true);
    expect(deps.tracker.issues).toHaveLength(1);
    expect(deps.tracker.issues[0]!.body).toContain('U024BE7LH, U0G9QF9C6');
    expect(deps.tracker.issues[0]!.labels).toEqual(['broadcast']);
  });

  it('lists Slack display names when given', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    await route(deps, broadcast([{ slackId: 'U1', slack: 'alice' }, { slackId: 'U2' }]), { messageId: 'm1' });
    // Assess
    expect(deps.tracker.issues[0]!.body).toContain('alice, U2');
  });

  it('keeps going when one DM is refused, and records it on the issue and in the default channel', async () => {
    // Prepare
    const deps = fakeDeps();
    deps.chat.failPost = (to) => (to === 'U2' ? slackRefused('user_disabled') : undefined);
    // Act
    const report = await route(deps, broadcast([{ slackId: 'U1' }, { slackId: 'U2' }, { slackId: 'U3' }]), {
      messageId: 'm1',
    });
    // Assess
    expect(deps.chat.posts.map((p) => p.to).sort()).toEqual(['C0DEFAULT', 'U1', 'U3']);
    expect(deps.tracker.issues[0]!.comments).toEqual([
      expect.stringContaining('`U2`: `slack: chat.postMessage failed: user_disabled`'),
    ]);
    expect(report.deliveries[0]!.dms.filter((d) => d.failed)).toHaveLength(1);
  });

  it('sends only the missing DMs on retry after a transient failure', async () => {
    // Prepare
    const deps = fakeDeps();
    let failing = true;
    deps.chat.failPost = (to) => (to === 'U2' && failing ? transient('slack') : undefined);
    const alarm = broadcast([{ slackId: 'U1' }, { slackId: 'U2' }, { slackId: 'U3' }]);
    await expect(route(deps, alarm, { messageId: 'm1' })).rejects.toThrow(/503/);
    failing = false;
    // Act
    await route(deps, alarm, { messageId: 'm1' });
    // Assess
    expect(deps.chat.posts.map((p) => p.to).sort()).toEqual(['U1', 'U2', 'U3']);
    expect(deps.tracker.issues).toHaveLength(1);
  });

  it('DMs a user listed twice once', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    await route(deps, broadcast([{ slackId: 'U1' }, { slackId: 'U1' }]), { messageId: 'm1' });
    // Assess
    expect(deps.chat.posts).toHaveLength(1);
  });

  it('fans out with bounded concurrency', async () => {
    // Prepare
    const deps = fakeDeps();
    let inFlight = 0;
    let peak = 0;
    const post = deps.chat.post.bind(deps.chat);
    deps.chat.post = async (to, message) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return post(to, message);
    };
    const users = Array.from({ length: 20 }, (_, i) => ({ slackId: `U${i}` }));
    // Act
    await route(deps, broadcast(users), { messageId: 'm1' });
    // Assess
    expect(deps.chat.posts).toHaveLength(20);
    expect(peak).toBe(deps.config.broadcastConcurrency);
  });
});

describe('nag', () => {
  const nag = (overrides: Record<string, unknown> = {}) =>
    parseAlarm({
      type: 'nag',
      users: [{ slackId: 'U1', github: 'alice' }],
      body: {
        github: { title: 'Disk not encrypted', body: 'FileVault off' },
        slack: { message: 'Turn on FileVault' },
      },
      ...overrides,
    });

  it('DMs on every publish outside the storm window and keeps one running note on the open issue', async () => {
    // Prepare
    const deps = fakeDeps();
    await route(deps, nag(), { messageId: 'm1' });
    // Act
    deps.clock.advance(301_000);
    await route(deps, nag(), { messageId: 'm2' });
    deps.clock.advance(301_000);
    await route(deps, nag(), { messageId: 'm3' });
    // Assess
    expect(deps.tracker.issues).toHaveLength(1);
    expect(deps.chat.posts.map((p) => p.to)).toEqual(['U1', 'U1', 'U1']);
    expect(deps.tracker.issues[0]!.comments).toHaveLength(1);
    expect(deps.tracker.issues[0]!.comments[0]).toMatch(
      /^:repeat: Seen 3 times, last at 2026-11-23T09:10:02.000Z/,
    );
    expect(JSON.stringify(deps.chat.posts[1]!.message.blocks)).toContain(deps.tracker.issues[0]!.url);
  });

  it('with the opt-in nag window, does not nag again inside it: counts instead (regression: alarm storms)', async () => {
    // Prepare
    const deps = fakeDeps();
    Object.assign(deps, { config: { ...deps.config, nagWindowMs: 300_000 } });
    await route(deps, nag(), { messageId: 'm1' });
    // Act
    const reports = [];
    for (let i = 2; i <= 40; i++) reports.push(await route(deps, nag(), { messageId: `m${i}` }));
    // Assess
    expect(deps.chat.posts).toHaveLength(1);
    expect(reports.at(-1)!.deliveries[0]).toMatchObject({
      seen: 40,
      suppressed: expect.stringMatching(/nag window/),
    });
    // The note is written once a minute at most: one comment, not 39.
    expect(deps.tracker.calls.filter((c) => c.startsWith('comment') || c.startsWith('edit'))).toHaveLength(1);
    // And GitHub is asked whether the issue is open once a minute at most: once, not 39 times.
    expect(deps.tracker.calls.filter((c) => c.startsWith('state'))).toHaveLength(1);
  });

  it('does not nag twice for a redelivery', async () => {
    // Prepare
    const deps = fakeDeps();
    await route(deps, nag(), { messageId: 'm1' });
    // Act
    await route(deps, nag(), { messageId: 'm1' });
    // Assess
    expect(deps.chat.posts).toHaveLength(1);
    expect(deps.tracker.issues[0]!.comments).toHaveLength(0);
  });

  it('delivers the original README example (no users, no Slack text) to the default channel', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    await route(deps, parseAlarmJson(originalExamples.nag!), { messageId: 'm1' });
    // Assess
    expect(deps.tracker.issues[0]).toMatchObject({
      repo: 'alarms',
      title: 'nag title',
      labels: ['low_priority'],
    });
    expect(deps.chat.posts.map((p) => p.to)).toEqual(['C0DEFAULT']);
    expect(deps.chat.posts[0]!.message.text).toBe('nag title');
  });

  it('opens a new issue once the old one was closed', async () => {
    // Prepare
    const deps = fakeDeps();
    await route(deps, nag(), { messageId: 'm1' });
    deps.tracker.issues[0]!.state = 'closed';
    // Act
    await route(deps, nag(), { messageId: 'm2' });
    // Assess
    expect(deps.tracker.issues).toHaveLength(2);
    expect(deps.chat.posts).toHaveLength(2);
  });
});

describe('low-priority', () => {
  it('opens an issue only, in the alarm repository, tagging the first user', async () => {
    // Prepare
    const deps = fakeDeps();
    const alarm = parseAlarm({
      type: 'low-priority',
      githubRepo: 'infra',
      users: [{ github: 'carol' }, { github: 'dave' }],
      body: { github: { title: 'Unused key', body: 'Rotate it' } },
    });
    // Act
    await route(deps, alarm, { messageId: 'm1' });
    // Assess
    expect(deps.tracker.issues).toHaveLength(1);
    expect(deps.tracker.issues[0]).toMatchObject({ repo: 'infra' });
    expect(deps.tracker.issues[0]!.body).toContain('@carol');
    expect(deps.tracker.issues[0]!.body).not.toContain('@dave');
    expect(deps.chat.posts).toHaveLength(0);
    expect(deps.pager.pages).toHaveLength(0);
  });

  it('tags the default user for the original example without users', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    await route(deps, parseAlarmJson(originalExamples['low-priority']!), { messageId: 'm1' });
    // Assess
    expect(deps.tracker.issues[0]!.body).toContain('@acme/security');
  });
});

describe('high-priority', () => {
  it('pages PagerDuty with the alarm key as dedup key and the requested service', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    const report = await route(deps, parseAlarmJson(originalExamples['high-priority']!), { messageId: 'm1' });
    // Assess
    expect(deps.pager.pages).toEqual([
      expect.objectContaining({
        dedupKey: report.deliveries[0]!.key,
        summary: 'testAlert',
        severity: 'critical',
        service: 'PABC123',
        details: expect.objectContaining({ body: 'testAlert' }),
      }),
    ]);
    expect(deps.tracker.issues).toHaveLength(0);
  });

  it('falls back on pagerDutyServiceId, and pages without a service when neither is given', async () => {
    // Prepare
    const deps = fakeDeps();
    const base = { type: 'high-priority', body: { pagerduty: { title: 'x' } } };
    // Act
    await route(deps, parseAlarm({ ...base, pagerDutyServiceId: 'PSVC' }), { messageId: 'm1' });
    await route(deps, parseAlarm({ ...base, requestId: 'other' }), { messageId: 'm2' });
    // Assess
    expect(deps.pager.pages.map((p) => p.service)).toEqual(['PSVC', undefined]);
  });

  it('never pages twice for a redelivery', async () => {
    // Prepare
    const deps = fakeDeps();
    const alarm = parseAlarmJson(originalExamples['high-priority']!);
    await route(deps, alarm, { messageId: 'm1' });
    // Act
    await route(deps, alarm, { messageId: 'm1' });
    // Assess
    expect(deps.pager.pages).toHaveLength(1);
  });

  it('counts a re-publish inside the storm window instead of paging again', async () => {
    // Prepare
    const deps = fakeDeps();
    const alarm = parseAlarmJson(originalExamples['high-priority']!);
    await route(deps, alarm, { messageId: 'm1' });
    // Act
    const report = await route(deps, alarm, { messageId: 'm2' });
    // Assess
    expect(deps.pager.pages).toHaveLength(1);
    expect(report.deliveries[0]).toMatchObject({
      seen: 2,
      suppressed: expect.stringMatching(/storm window/),
    });
  });

  it('sends a later re-publish with the same dedup key, so PagerDuty folds it into the open incident', async () => {
    // Prepare
    const deps = fakeDeps();
    const alarm = parseAlarmJson(originalExamples['high-priority']!);
    await route(deps, alarm, { messageId: 'm1' });
    deps.clock.advance(301_000);
    // Act
    const report = await route(deps, alarm, { messageId: 'm2' });
    // Assess
    expect(deps.pager.pages.map((p) => p.dedupKey)).toEqual([
      report.deliveries[0]!.key,
      report.deliveries[0]!.key,
    ]);
    expect(report.deliveries[0]!.page?.deduplicated).toBe(true);
  });

  it('throws a retryable error when PagerDuty is down, and pages once it is back', async () => {
    // Prepare
    const deps = fakeDeps();
    let down = true;
    deps.pager.failTrigger = () => (down ? transient('pagerduty') : undefined);
    const alarm = parseAlarmJson(originalExamples['high-priority']!);
    await expect(route(deps, alarm, { messageId: 'm1' })).rejects.toMatchObject({ retryable: true });
    down = false;
    // Act
    await route(deps, alarm, { messageId: 'm1' });
    // Assess
    expect(deps.pager.pages).toHaveLength(1);
  });
});
