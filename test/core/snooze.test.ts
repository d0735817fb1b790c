/**
 * Snooze (issue 15) through the use cases with fakes: the choice in nag and broadcast DMs, a click that snoozes,
 * repeats held and counted while snoozed (no DM, page or comment), the note at the end, and notifying again after.
 */
import { describe, expect, it } from 'vitest';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import type { Block, Ledger, TriageJob } from '../../lambdas/core/ports.ts';
import { route } from '../../lambdas/core/route.ts';
import { ACTION_SNOOZE } from '../../lambdas/core/snooze/render.ts';
import { triage } from '../../lambdas/core/triage.ts';
import { runTriageJob } from '../../lambdas/core/triage-work.ts';
import { fakeDeps } from '../fakes/route-deps.ts';

type Deps = ReturnType<typeof fakeDeps>;
const HOUR = 3_600_000;

const nag = parseAlarm({
  type: 'nag',
  users: [{ slackId: 'U1', github: 'alice' }],
  body: { github: { title: 'Laptop not encrypted' }, slack: { message: 'Please enable FileVault' } },
});
const broadcast = parseAlarm({
  type: 'broadcast',
  users: [{ slackId: 'U1' }, { slackId: 'U2' }],
  body: { github: { title: 'Phishing' }, slack: { message: 'Do not click' } },
});
const highPriority = parseAlarm({ type: 'high-priority', body: { pagerduty: { title: 'Root login' } } });
const selfService = parseAlarm({
  type: 'self-service',
  users: [{ slackId: 'U1' }],
  body: { github: { title: '2FA disabled' }, slack: { message: 'Your 2FA was disabled' } },
});

function selectIn(blocks: Block[]) {
  const block = blocks.find((b) => JSON.stringify(b).includes(ACTION_SNOOZE));
  const select = (block?.elements as Record<string, unknown>[] | undefined)?.[0];
  return block && { blockId: block.block_id as string, options: select!.options as { value: string }[] };
}

/** Snoozes through the triage as a Slack click on the latest DM to `user` would, then runs the queued work. */
async function clickSnooze(deps: Deps, user: string, choice = '1h', clicker = user) {
  const dm = deps.chat.postsTo(user).at(-1)!;
  const select = selectIn(dm.message.blocks)!;
  const queued: TriageJob[] = [];
  const jobs = { enqueue: async (job: TriageJob) => void queued.push(job) };
  const outcome = await triage(
    { ...deps, jobs },
    {
      type: 'block_actions',
      user: { id: clicker },
      actions: [
        {
          action_id: ACTION_SNOOZE,
          block_id: select.blockId,
          selected_option: { value: select.options.find((o) => o.value.startsWith(`${choice}|`))!.value },
        },
      ],
      container: { channel_id: dm.channel, message_ts: dm.ts },
      message: { text: dm.message.text, blocks: dm.message.blocks },
      response_url: 'https://hooks.slack.com/actions/T0/1/abc',
    },
  );
  for (const job of queued) await runTriageJob(deps, job);
  return { outcome, queued };
}

/** The job of the one snooze timer, as the scheduler delivers it. */
function expiryJob(deps: Deps): { at: number; job: TriageJob } {
  const timers = [...deps.timers.set_.entries()].filter(([name]) => name.startsWith('snooze-'));
  expect(timers).toHaveLength(1);
  return timers[0]![1];
}

describe('the snooze choice', () => {
  it('comes with every nag and broadcast DM and the default-channel fallback, naming the key and the DM', async () => {
    // Prepare
    const deps = fakeDeps();
    const nobody = parseAlarm({ type: 'nag', body: { github: { title: 'Unowned' } } });
    // Act
    const [n] = (await route(deps, nag, { messageId: 'm1' })).deliveries;
    const [b] = (await route(deps, broadcast, { messageId: 'm2' })).deliveries;
    await route(deps, nobody, { messageId: 'm3' });
    await route(deps, selfService, { messageId: 'm4' });
    // Assess
    const [nagDm, broadcastDm] = deps.chat.postsTo('U1');
    expect(selectIn(nagDm!.message.blocks)).toEqual({
      blockId: n!.key,
      options: ['1h', '4h', '1d'].map((d) => expect.objectContaining({ value: `${d}|o1:dm:m1:U1` })),
    });
    expect(selectIn(broadcastDm!.message.blocks)?.options[1]!.value).toBe('4h|o1:dm:U1');
    expect(selectIn(deps.chat.postsTo('U2')[0]!.message.blocks)?.blockId).toBe(b!.key);
    expect(selectIn(deps.chat.postsTo('C0DEFAULT')[0]!.message.blocks)?.options[0]!.value).toBe(
      '1h|o1:dm:m3:default',
    );
    // The self-service prompt is the last DM to U1: yes/no only.
    expect(selectIn(deps.chat.postsTo('U1').at(-1)!.message.blocks)).toBeUndefined();
  });
});

describe('while snoozed', () => {
  it('a nag repeat sends no DM and no comment, is counted, and the note at the end says how many', async () => {
    // Prepare
    const deps = fakeDeps();
    await route(deps, nag, { messageId: 'm1' });
    const snoozedAt = deps.clock.now();
    // Act: U1 snoozes for an hour from the DM, then the alarm fires twice more (one of them redelivered).
    const { outcome } = await clickSnooze(deps, 'U1', '1h');
    const dmsBefore = deps.chat.posts.length;
    const callsBefore = deps.tracker.calls.length;
    const r2 = await route(deps, nag, { messageId: 'm2' });
    deps.clock.advance(60_000);
    const r3 = await route(deps, nag, { messageId: 'm3' });
    await route(deps, nag, { messageId: 'm3' });
    // Assess: the snooze is recorded on the issue, the DM shows it, the timer is set for its end.
    expect(outcome).toBe('snoozed');
    const issue = deps.tracker.issues[0]!;
    const until = new Date(snoozedAt + HOUR).toISOString();
    expect(issue.comments[0]).toContain(`:zzz: Snoozed by Slack user \`U1\` until ${until}.`);
    const update = deps.chat.updates.at(-1)!;
    expect(selectIn(update.message.blocks)).toBeUndefined();
    expect(JSON.stringify(update.message.blocks)).toContain('Snoozed by <@U1> until <!date^');
    expect(JSON.stringify(update.message.blocks)).toContain('Please enable FileVault');
    const timer = expiryJob(deps);
    expect(timer.at).toBe(snoozedAt + HOUR);
    // Repeats: nothing sent, nothing written to GitHub, each counted once.
    expect(deps.chat.posts.length).toBe(dmsBefore);
    expect(deps.tracker.calls.length).toBe(callsBefore);
    expect(r2.deliveries[0]!.snoozed).toEqual({ by: 'U1', until: snoozedAt + HOUR, repeats: 1 });
    expect(r3.deliveries[0]!.snoozed?.repeats).toBe(2);

    // Act: the snooze ends; its timer fires (twice, as a retry would); then the alarm fires again.
    deps.clock.time = timer.at;
    await runTriageJob(deps, timer.job);
    await runTriageJob(deps, timer.job);
    const note = `:zzz: 2 repeats arrived while snoozed by \`<@U1>\` until ${until}.`;
    const runningNote = issue.comments.find((c) => c.includes('#o1:note -->'));
    deps.clock.advance(1);
    const after = await route(deps, nag, { messageId: 'm4' });
    // Assess: the running note says how many; the snooze's comment keeps it after later repeats update the note.
    expect(runningNote).toContain(note);
    expect(issue.comments.filter((c) => c.includes(note))).toEqual([
      expect.stringContaining(':zzz: Snoozed by'),
    ]);
    expect(after.deliveries[0]!.snoozed).toBeUndefined();
    expect(deps.chat.postsTo('U1')).toHaveLength(2);
  });

  it('a high-priority repeat pages nobody, is counted, and the first alarm after the snooze pages again', async () => {
    // Prepare: paged once; an operator snoozes the key for ten minutes.
    const deps = fakeDeps();
    const [first] = (await route(deps, highPriority, { messageId: 'm1' })).deliveries;
    const start = deps.clock.now();
    await snoozeInLedger(deps.ledger, first!.key, { by: 'alice', until: start + 10 * 60_000 });
    // Act: a repeat six minutes in (past the storm window of the first page), then one after the snooze.
    deps.clock.advance(6 * 60_000);
    const held = await route(deps, highPriority, { messageId: 'm2' });
    await route(deps, highPriority, { messageId: 'm2' });
    deps.clock.time = start + 10 * 60_000 + 1;
    const after = await route(deps, highPriority, { messageId: 'm3' });
    // Assess: m2 was held and counted once; m3 pages although m2 came less than a storm window before it.
    expect(held.deliveries[0]!.snoozed).toMatchObject({ by: 'alice', repeats: 1 });
    expect(deps.pager.pages).toHaveLength(2);
    expect(after.deliveries[0]!.page).toBeDefined();
    expect(await deps.ledger.increment(first!.key, 'snooze:s1', 0)).toBe(1);
  });

  it('a broadcast repeat sends nothing and is counted', async () => {
    // Prepare
    const deps = fakeDeps();
    const [b] = (await route(deps, broadcast, { messageId: 'm1' })).deliveries;
    await snoozeInLedger(deps.ledger, b!.key, { by: 'U2', until: deps.clock.now() + HOUR, via: 'slack' });
    const posts = deps.chat.posts.length;
    const calls = deps.tracker.calls.length;
    // Act
    const r = await route(deps, broadcast, { messageId: 'm2' });
    // Assess
    expect(r.deliveries[0]!.snoozed?.repeats).toBe(1);
    expect(deps.chat.posts.length).toBe(posts);
    expect(deps.tracker.calls.length).toBe(calls);
  });
});

describe('who may snooze', () => {
  it('a self-service key is refused and a DM of someone else refused; in the default channel anyone may', async () => {
    // Prepare
    const deps = fakeDeps();
    const nobody = parseAlarm({ type: 'nag', body: { github: { title: 'Unowned' } } });
    await route(deps, nag, { messageId: 'm1' });
    await route(deps, nobody, { messageId: 'm2' });
    // Act
    const stranger = await clickSnooze(deps, 'U1', '1h', 'U0STRANGER');
    const inChannel = await clickSnooze(deps, 'C0DEFAULT', '4h', 'U0ANYONE');
    // Assess
    expect(stranger.outcome).toBe('not-yours');
    expect(stranger.queued).toEqual([
      expect.objectContaining({ kind: 'notice', text: expect.stringContaining('only they can snooze it') }),
    ]);
    expect(inChannel.outcome).toBe('snoozed');
    expect([...deps.ledger.alarms.values()].map((r) => r.snooze?.by)).toEqual([undefined, 'U0ANYONE']);
  });

  it('a second snooze extends a shorter one and leaves a longer one as it is', async () => {
    // Prepare
    const deps = fakeDeps();
    await route(deps, broadcast, { messageId: 'm1' });
    const start = deps.clock.now();
    // Act
    const first = await clickSnooze(deps, 'U1', '4h');
    const shorter = await clickSnooze(deps, 'U2', '1h');
    const longer = await clickSnooze(deps, 'U2', '1d');
    // Assess
    expect([first.outcome, shorter.outcome, longer.outcome]).toEqual([
      'snoozed',
      'snooze-kept',
      'snooze-extended',
    ]);
    const record = [...deps.ledger.alarms.values()][0]!;
    expect(record.snooze).toMatchObject({ by: 'U1', extendedBy: 'U2', until: start + 24 * HOUR });
    expect(deps.tracker.issues[0]!.comments.map((c) => c.split('.')[0])).toEqual([
      expect.stringContaining(':zzz: Snoozed by Slack user `U1`'),
      expect.stringContaining(':zzz: Snooze extended by Slack user `U2`'),
    ]);
  });
});

describe('the common path pays nothing for snooze', () => {
  it('a new nag makes the same ledger calls before its first vendor call as before snooze existed', async () => {
    // Prepare: count ledger calls until Slack or GitHub is first called.
    const deps = fakeDeps();
    const calls: string[] = [];
    let vendorCalled = false;
    const spy = <T extends object>(port: T, onCall: (name: string) => void): T =>
      new Proxy(port, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            onCall(String(prop));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    const counted = {
      ...deps,
      ledger: spy(deps.ledger, (name) => void (vendorCalled || calls.push(name))),
      chat: spy(deps.chat, () => void (vendorCalled = true)),
      tracker: spy(deps.tracker, () => void (vendorCalled = true)),
    };
    // Act
    await route(counted, nag, { messageId: 'm1' });
    // Assess: the lookup, then the record written while the issue is claimed (the DM's claims follow in parallel).
    expect(calls.sort()).toEqual(['begin', 'claim', 'lookup']);
  });
});

/** A snooze as `dispatch snooze` records it (period id `s1`). */
async function snoozeInLedger(
  ledger: Ledger,
  key: string,
  s: { by: string; until: number; via?: 'slack' | 'cli' },
): Promise<void> {
  const outcome = await ledger.snooze(key, {
    id: 's1',
    by: s.by,
    via: s.via ?? 'cli',
    at: s.until - HOUR,
    until: s.until,
  });
  expect(outcome.status).toBe('snoozed');
}

describe('the snooze choice at Slack limits', () => {
  it('fits a 255-character key in the block_id, and leaves the choice out when a reference would not fit', async () => {
    // Prepare: the fake Slack refuses a block_id over 255 characters or an option value over 150.
    const deps = fakeDeps();
    const longKey = parseAlarm({ ...nag, dedupeKey: 'k'.repeat(255) });
    const longId = parseAlarm({ ...nag, users: [{ slackId: `U${'X'.repeat(140)}` }] });
    // Act
    await route(deps, longKey, { messageId: 'm1' });
    await route(deps, longId, { messageId: 'm2' });
    // Assess
    expect(selectIn(deps.chat.postsTo('U1')[0]!.message.blocks)?.blockId).toBe('k'.repeat(255));
    const [dm] = deps.chat.postsTo(`U${'X'.repeat(140)}`);
    expect(dm!.message.text).toBe('Please enable FileVault');
    expect(selectIn(dm!.message.blocks)).toBeUndefined();
  });
});
