/** Storm control: a per-user DM cap with a digest, and switches that turn storm control off. */
import { describe, expect, it } from 'vitest';
import { parseAlarm, parseAlarmJson } from '../../lambdas/core/parse-alarm.ts';
import { route } from '../../lambdas/core/route.ts';
import { runTriageJob } from '../../lambdas/core/triage-work.ts';
import { routerConfig } from '../../lambdas/shared/env.ts';
import { EnvironmentConfigSchema } from '../../lib/config.ts';
import { originalExamples } from '../fixtures/alarms/original-readme.ts';
import { testEnv } from '../helpers/env.ts';
import { fakeDeps } from '../fakes/route-deps.ts';
import type { FakeTimers } from '../fakes/vendors.ts';

function deps(config: Partial<ReturnType<typeof fakeDeps>['config']> = {}) {
  const d = fakeDeps();
  Object.assign(d, { config: { ...d.config, userDmCap: 3, ...config } });
  return d;
}

const broadcast = (n: number, users = [{ slackId: 'U1' }]) =>
  parseAlarm({
    type: 'broadcast',
    users,
    body: { github: { title: `Broadcast ${n}` }, slack: { message: `News ${n}` } },
  });

describe('per-user DM cap', () => {
  it('holds back DMs over the cap and sends one digest of them at the end of the window', async () => {
    // Prepare
    const d = deps();
    // Act
    for (let i = 1; i <= 5; i++) await route(d, broadcast(i), { messageId: `m${i}` });
    const timers = d.timers as FakeTimers;
    const digest = timers.job('digest')!;
    d.clock.advance(600_000);
    await runTriageJob(d, digest);
    await runTriageJob(d, digest);
    // Assess
    const toUser = d.chat.posts.filter((p) => p.to === 'U1');
    expect(toUser.map((p) => p.message.text)).toEqual([
      'News 1',
      'News 2',
      'News 3',
      expect.stringMatching(
        /^:inbox_tray: To spare you a flood, Dispatch held back 2 messages to you in the last 10 minutes:\n• broadcast: Broadcast 4\n• broadcast: Broadcast 5$/,
      ),
    ]);
    expect([...timers.set_.keys()].filter((k) => k.startsWith('digest-'))).toHaveLength(1);
    expect(d.tracker.issues).toHaveLength(5);
  });

  it('counts each user on their own', async () => {
    // Prepare
    const d = deps();
    // Act
    for (let i = 1; i <= 4; i++) await route(d, broadcast(i, [{ slackId: 'U1' }]), { messageId: `a${i}` });
    await route(d, broadcast(9, [{ slackId: 'U2' }]), { messageId: 'b1' });
    // Assess
    expect(d.chat.posts.filter((p) => p.to === 'U1')).toHaveLength(3);
    expect(d.chat.posts.filter((p) => p.to === 'U2')).toHaveLength(1);
  });

  it('never holds a self-service prompt back: it must stay answerable', async () => {
    // Prepare
    const d = deps({ userDmCap: 1 });
    await route(d, broadcast(1), { messageId: 'm1' });
    // Act
    await route(
      d,
      parseAlarm({
        type: 'self-service',
        users: [{ slackId: 'U1' }],
        body: {
          github: { title: 'Prompt' },
          slack: { message: 'Was it you?', prompt: 'p', actions: { yes: 'y', no: 'n' } },
        },
      }),
      { messageId: 'm2' },
    );
    // Assess
    expect(d.chat.posts.filter((p) => p.to === 'U1').map((p) => p.message.text)).toEqual([
      'News 1',
      'Was it you?',
    ]);
  });

  it('starts over in the next window', async () => {
    // Prepare
    const d = deps({ userDmCap: 1 });
    await route(d, broadcast(1), { messageId: 'm1' });
    d.clock.advance(600_000);
    // Act
    await route(d, broadcast(2), { messageId: 'm2' });
    // Assess
    expect(d.chat.posts.map((p) => p.message.text)).toEqual(['News 1', 'News 2']);
  });
});

describe('storm control switched off', () => {
  it('nags on every publish with a storm window of 0 and no cap', async () => {
    // Prepare
    const d = deps({ stormWindowMs: 0, userDmCap: 0 });
    const nag = parseAlarm({
      type: 'nag',
      users: [{ slackId: 'U1' }],
      body: { github: { title: 'Disk' }, slack: { message: 'Encrypt it' } },
    });
    // Act
    for (let i = 1; i <= 5; i++) await route(d, nag, { messageId: `m${i}` });
    // Assess
    expect(d.chat.posts).toHaveLength(5);
  });
});

describe('nag storm window (issue 13 item 4: a re-sent nag was silent)', () => {
  /** Router settings as a deployed function gets them from its environment. */
  function deployed(extra: Record<string, string> = {}) {
    const d = fakeDeps();
    Object.assign(d, { config: routerConfig(testEnv({ DISPATCH_LEDGER_TABLE: 'ledger', ...extra })) });
    return d;
  }

  it('DMs every time by default, as the original did: the README nag re-sent within 300 s DMs twice', async () => {
    // Prepare
    const d = deployed();
    const nag = parseAlarmJson(originalExamples.nag!);
    await route(d, nag, { messageId: 'm1' });
    d.clock.advance(60_000);
    // Act
    await route(d, nag, { messageId: 'm2' });
    // Assess
    expect(d.config.nagWindowMs).toBe(0);
    expect(d.chat.postsTo('C0DEFAULT')).toHaveLength(2);
    expect(d.tracker.issues).toHaveLength(1);
  });

  it('DMs once per window when DISPATCH_STORM_NAG_WINDOW_SECONDS opts in', async () => {
    // Prepare
    const d = deployed({ DISPATCH_STORM_NAG_WINDOW_SECONDS: '300' });
    const nag = parseAlarmJson(originalExamples.nag!);
    await route(d, nag, { messageId: 'm1' });
    d.clock.advance(60_000);
    // Act
    const report = await route(d, nag, { messageId: 'm2' });
    // Assess
    expect(d.chat.postsTo('C0DEFAULT')).toHaveLength(1);
    expect(report.deliveries[0]!.suppressed).toMatch(/nag window/);
  });

  it('keeps the per-user DM cap as the flood guard', async () => {
    // Prepare
    const d = deployed({ DISPATCH_USER_DM_CAP: '3' });
    const nag = parseAlarm({
      type: 'nag',
      users: [{ slackId: 'U1' }],
      body: { github: { title: 'Disk' }, slack: { message: 'Encrypt it' } },
    });
    // Act
    for (let i = 1; i <= 5; i++) await route(d, nag, { messageId: `m${i}` });
    // Assess
    expect(d.chat.postsTo('U1')).toHaveLength(3);
    expect((d.timers as FakeTimers).job('digest')).toMatchObject({ kind: 'digest', user: 'U1' });
  });

  it('is a stack setting, storm.nagWindowSeconds, off unless set', () => {
    // Act
    const storm = (s: unknown) =>
      EnvironmentConfigSchema.parse({
        github: { owner: 'acme', defaultRepo: 'alarms', defaultUser: 'acme/security' },
        slack: { defaultChannel: 'C0123456789' },
        ...(s === undefined ? {} : { storm: s }),
      }).storm;
    // Assess
    expect(storm(undefined).nagWindowSeconds).toBe(0);
    expect(storm({}).nagWindowSeconds).toBe(0);
    expect(storm({ nagWindowSeconds: 300 }).nagWindowSeconds).toBe(300);
  });
});

describe('a nag repeat is delivered, not suppressed', () => {
  it('reports a repeated nag that sent its DM as delivered while its issue is open', async () => {
    // Prepare
    const { fakeDeps } = await import('../fakes/route-deps.ts');
    const { route } = await import('../../lambdas/core/route.ts');
    const { parseAlarm } = await import('../../lambdas/core/parse-alarm.ts');
    const deps = fakeDeps();
    const nag = parseAlarm({
      type: 'nag',
      users: [{ slackId: 'U1' }],
      body: { github: { title: 'Laptop not encrypted' }, slack: { message: 'Please enable FileVault' } },
    });
    await route(deps, nag, { messageId: 'm1' });
    // Act
    const repeat = await route(deps, nag, { messageId: 'm2' });
    // Assess
    expect(deps.chat.postsTo('U1')).toHaveLength(2);
    expect(repeat.deliveries[0]!.suppressed).toBeUndefined();
  });
});
