import { describe, expect, it } from 'vitest';
import { DynamoLedger } from '../../lambdas/adapters/dynamodb-ledger.ts';
import type { Ledger } from '../../lambdas/core/ports.ts';
import { FakeClock } from '../fakes/clock.ts';
import { MemoryLedger } from '../fakes/memory-ledger.ts';
import { freshTable, useDynalite } from '../helpers/dynalite.ts';

const dynamo = useDynalite();

const implementations: [string, (clock: FakeClock) => Promise<Ledger>][] = [
  ['memory', async (clock) => new MemoryLedger(clock)],
  [
    'dynamodb (dynalite)',
    async (clock) => new DynamoLedger(dynamo().client, clock, { table: await freshTable(dynamo()) }),
  ],
];

describe.each(implementations)('ledger contract: %s', (_name, make) => {
  it('starts occurrence 1 on first sight and remembers the message', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    // Act
    const before = await ledger.lookup('k', 'm1');
    const record = await ledger.join('k', 'm1');
    const after = await ledger.lookup('k', 'm1');
    // Assess
    expect(before).toEqual({ record: undefined, seenIn: undefined });
    expect(record).toMatchObject({ key: 'k', occurrence: 1, firstMessageId: 'm1' });
    expect(after.seenIn).toBe(1);
  });

  it('lets exactly one of many concurrent claims win a step', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    // Act
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => ledger.claim('k', 'o1:issue', 60_000, `owner-${i}`)),
    );
    // Assess
    expect(claims.filter((c) => c.status === 'won')).toEqual([{ status: 'won', reconcile: false }]);
    expect(claims.filter((c) => c.status === 'held')).toHaveLength(7);
  });

  it('returns the result of a done step to later claims', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.claim('k', 's', 60_000, 'owner-a');
    await ledger.complete('k', 's', { number: 7, url: 'https://x/7' });
    // Act
    const claim = await ledger.claim('k', 's', 60_000, 'owner-a');
    // Assess
    expect(claim).toEqual({ status: 'done', result: { number: 7, url: 'https://x/7' } });
  });

  it('lets a released step be claimed again, asking for reconciliation', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.claim('k', 's', 60_000, 'owner-a');
    await ledger.release('k', 's', 'github: 502');
    // Act
    const claim = await ledger.claim('k', 's', 60_000, 'owner-a');
    // Assess
    expect(claim).toEqual({ status: 'won', reconcile: true });
  });

  it('holds a claimed step until its lease expires, then lets another attempt take it over', async () => {
    // Prepare
    const clock = new FakeClock();
    const ledger = await make(clock);
    await ledger.claim('k', 's', 60_000, 'owner-a');
    // Act
    const during = await ledger.claim('k', 's', 60_000, 'owner-b');
    clock.advance(60_001);
    const after = await ledger.claim('k', 's', 60_000, 'owner-b');
    // Assess
    expect(during.status).toBe('held');
    expect(after).toEqual({ status: 'won', reconcile: true });
  });

  it('lets the same owner claim again (a retried write whose answer was lost), and nobody else', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.claim('k', 's', 60_000, 'owner-a');
    // Act
    const same = await ledger.claim('k', 's', 60_000, 'owner-a');
    const other = await ledger.claim('k', 's', 60_000, 'owner-b');
    // Assess
    expect(same).toEqual({ status: 'won', reconcile: false });
    expect(other.status).toBe('held');
  });

  it('tells whether a step is done without claiming it', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.claim('k', 'claimed', 60_000, 'owner-a');
    await ledger.claim('k', 'finished', 60_000, 'owner-a');
    await ledger.complete('k', 'finished', {});
    // Act
    const states = await Promise.all(['never', 'claimed', 'finished'].map((s) => ledger.isDone('k', s)));
    // Assess
    expect(states).toEqual([false, false, true]);
    expect((await ledger.claim('k', 'never', 60_000, 'owner-b')).status).toBe('won');
  });

  it('gives a time slot to one owner per window, and back to the same owner on a retry', async () => {
    // Prepare
    const clock = new FakeClock();
    const ledger = await make(clock);
    // Act
    const first = await ledger.takeSlot('k', 'notify', 60_000, 'm1');
    const again = await ledger.takeSlot('k', 'notify', 60_000, 'm1');
    const other = await ledger.takeSlot('k', 'notify', 60_000, 'm2');
    clock.advance(60_001);
    const later = await ledger.takeSlot('k', 'notify', 60_000, 'm2');
    // Assess
    expect([first, again, other, later]).toEqual([true, true, false, true]);
  });

  it('counts, and counts below a limit only', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    // Act
    const counts = [await ledger.increment('k', 'seen'), await ledger.increment('k', 'seen')];
    const capped = [];
    for (let i = 0; i < 4; i++) capped.push(await ledger.incrementBelow('u', 'dms', 3));
    // Assess
    expect(counts).toEqual([1, 2]);
    expect(capped).toEqual([true, true, true, false]);
  });

  it('appends to a list, keeping the first entries, and reports the total', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    // Act
    const totals = [];
    for (const e of ['a', 'b', 'c']) totals.push(await ledger.append('u', 'held', e, 2));
    // Assess
    expect(totals).toEqual([1, 2, 3]);
    expect(await ledger.readList('u', 'held')).toEqual(['a', 'b']);
    expect(await ledger.readList('u', 'none')).toEqual([]);
  });

  it('never lets a release undo a completed step', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.claim('k', 's', 60_000, 'owner-a');
    await ledger.complete('k', 's', { ok: true });
    // Act
    await ledger.release('k', 's', 'late failure');
    // Assess
    expect(await ledger.claim('k', 's', 60_000, 'owner-a')).toEqual({ status: 'done', result: { ok: true } });
  });

  it('starts the next occurrence once, however many attempts ask', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.join('k', 'm1');
    // Act
    const [a, b] = await Promise.all([
      ledger.join('k', 'm2', { from: 1 }),
      ledger.join('k', 'm3', { from: 1 }),
    ]);
    const record = await ledger.get('k');
    // Assess
    expect(record?.occurrence).toBe(2);
    expect([a.occurrence, b.occurrence]).toEqual([2, 2]);
    expect((await ledger.lookup('k', 'm3')).seenIn).toBe(2);
  });

  it('keeps annotations per occurrence and drops them for the next', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.join('k', 'm1');
    const issue = { owner: 'o', repo: 'r', number: 1, url: 'https://github.com/o/r/issues/1' };
    // Act
    await ledger.annotate('k', 1, { issue });
    await ledger.annotate('k', 99, { issue: { ...issue, number: 99 } });
    const first = await ledger.get('k');
    await ledger.join('k', 'm2', { from: 1 });
    const second = await ledger.get('k');
    // Assess
    expect(first?.issue).toEqual(issue);
    expect(second?.issue).toBeUndefined();
  });

  it('records where a prompt went inside it, keeping what parallel annotations set, and only once it exists', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    const prompt = {
      slackUserId: 'U1',
      severity: 'critical' as const,
      summary: 's',
      message: 'm',
      yesLabel: 'y',
      noLabel: 'n',
    };
    const dm = { channel: 'D1', ts: '1700000000.000100' };
    const copy = { channel: 'C0SECURITY', ts: '1700000000.000200' };
    await ledger.begin('k', 'm1', { prompt });
    await ledger.begin('bare', 'm1', {});
    // Act
    await Promise.all([
      ledger.annotate('k', 1, { posted: { dm } }),
      ledger.annotate('k', 1, { posted: { copy } }),
      ledger.annotate('bare', 1, { posted: { copy } }),
    ]);
    // Assess
    expect((await ledger.get('k'))?.prompt).toEqual({ ...prompt, dm, copy });
    expect((await ledger.get('bare'))?.prompt).toBeUndefined();
  });
});

describe.each(implementations)('ledger contract, one-round-trip writes (issue 14): %s', (_name, make) => {
  it('begins occurrence 1 of a new key with its prompt and remembers the message', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    const prompt = {
      slackUserId: 'U1',
      severity: 'critical' as const,
      summary: 's',
      message: 'm',
      yesLabel: 'y',
      noLabel: 'n',
    };
    // Act
    const outcome = await ledger.begin('k', 'm1', { prompt });
    const after = await ledger.lookup('k', 'm1');
    // Assess
    expect(outcome).toBe('created');
    expect(after.record).toMatchObject({ key: 'k', occurrence: 1, firstMessageId: 'm1', prompt });
    expect(after.seenIn).toBe(1);
  });

  it('lets exactly one of many concurrent beginnings create the record; the first facts stay', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    // Act
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => ledger.begin('k', `m${i}`, {})));
    // Assess
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    const record = await ledger.get('k');
    expect(record?.occurrence).toBe(1);
    expect(outcomes[Number(record!.firstMessageId.slice(1))]).toBe('created');
    for (let i = 0; i < 6; i++) expect((await ledger.lookup('k', `m${i}`)).seenIn).toBe(1);
  });

  it('remembers a repeat without touching the record, and keeps the first occurrence a message joined', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.begin('k', 'm1', {});
    await ledger.annotate('k', 1, { finished: true });
    // Act
    await ledger.remember('k', 'm2', 1);
    await ledger.remember('k', 'm2', 2);
    // Assess
    expect((await ledger.lookup('k', 'm2')).seenIn).toBe(1);
    expect(await ledger.get('k')).toMatchObject({ firstMessageId: 'm1', finished: true });
  });

  it('forgets that an occurrence was finished when the next one starts', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.begin('k', 'm1', {});
    await ledger.annotate('k', 1, { finished: true });
    // Act
    const next = await ledger.join('k', 'm2', { from: 1 });
    // Assess
    expect(next.occurrence).toBe(2);
    expect(next.finished).toBeFalsy();
  });

  it('settles a step in one write: the first result wins, the same owner’s repeat still wins', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    // Act
    const results = await Promise.all(
      ['a', 'b', 'c'].map((owner) => ledger.settle('k', 'o1:answer', { answer: owner }, owner)),
    );
    const winner = ['a', 'b', 'c'][results.findIndex((r) => r.status === 'won')]!;
    const again = await ledger.settle('k', 'o1:answer', { answer: winner }, winner);
    const claim = await ledger.claim('k', 'o1:answer', 60_000, 'd');
    // Assess
    expect(results.filter((r) => r.status === 'won')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'done')).toEqual([
      { status: 'done', result: { answer: winner } },
      { status: 'done', result: { answer: winner } },
    ]);
    expect(again.status).toBe('won');
    expect(claim).toEqual({ status: 'done', result: { answer: winner } });
  });

  it('does not settle a step another attempt holds', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.claim('k', 's', 60_000, 'a');
    // Act
    const settled = await ledger.settle('k', 's', { x: 1 }, 'b');
    // Assess
    expect(settled.status).toBe('held');
  });

  it('undoes a count', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.increment('k', 'c');
    await ledger.increment('k', 'c');
    // Act
    const value = await ledger.increment('k', 'c', -1);
    // Assess
    expect(value).toBe(1);
  });
});

describe.each(implementations)('ledger contract, resolve at the source (issue 15): %s', (_name, make) => {
  it('lets one resolve message win an occurrence; its redelivery still wins, another message does not', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.begin('k', 'm1', {});
    // Act
    const first = await ledger.markResolved('k', 1, 'r1');
    const again = await ledger.markResolved('k', 1, 'r1');
    const other = await ledger.markResolved('k', 1, 'r2');
    const stale = await ledger.markResolved('k', 2, 'r3');
    // Assess
    expect([first, again, other, stale]).toEqual(['won', 'won', 'already', 'already']);
    expect(await ledger.get('k')).toMatchObject({ resolvedBy: 'r1', resolved: expect.any(Number) });
  });

  it('forgets the resolve when the next occurrence starts', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.begin('k', 'm1', {});
    await ledger.markResolved('k', 1, 'r1');
    // Act
    const next = await ledger.join('k', 'm2', { from: 1 });
    // Assess
    expect(next.resolved).toBeUndefined();
    expect(next.occurrence).toBe(2);
  });

  it('records a high-priority firing and clears its resolve, without a read', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.fired('k', 'm1');
    await ledger.markResolved('k', 1, 'r1');
    // Act
    await ledger.fired('k', 'm2');
    // Assess
    const record = await ledger.get('k');
    expect(record).toMatchObject({ occurrence: 1, firstMessageId: 'm1' });
    expect(record?.resolved).toBeUndefined();
  });

  it('frees a storm slot', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.takeSlot('k', 'page', 300_000, 'm1');
    // Act
    await ledger.freeSlot('k', 'page');
    // Assess
    expect(await ledger.takeSlot('k', 'page', 300_000, 'm2')).toBe(true);
  });

  it('remembers a person found by email, whatever the case, until the day is over (issue 16)', async () => {
    // Prepare
    const clock = new FakeClock();
    const ledger = await make(clock);
    const day = 24 * 60 * 60_000;
    const until = clock.now() + day;
    // Act
    const before = await ledger.person('alice@example.com');
    await ledger.rememberPerson('Alice@Example.com', 'U0ALICE01', until);
    const during = await ledger.person('alice@example.com');
    clock.advance(day - 1);
    const lastMoment = await ledger.person('ALICE@example.com');
    clock.advance(1);
    const after = await ledger.person('alice@example.com');
    // Assess
    expect(before).toBeUndefined();
    expect(during).toEqual({ slackId: 'U0ALICE01', until });
    expect(lastMoment?.slackId).toBe('U0ALICE01');
    expect(after).toBeUndefined();
  });

  it('keeps a person apart from an alarm whose key spells the same (issue 16)', async () => {
    // Prepare
    const clock = new FakeClock();
    const ledger = await make(clock);
    await ledger.begin('person#alice@example.com', 'm1', {});
    // Act
    await ledger.rememberPerson('alice@example.com', 'U0ALICE01', clock.now() + 60_000);
    // Assess
    expect((await ledger.get('person#alice@example.com'))?.occurrence).toBe(1);
    expect((await ledger.person('alice@example.com'))?.slackId).toBe('U0ALICE01');
  });
});

describe.each(implementations)('ledger contract, a claim given back unused (issue 14): %s', (_name, make) => {
  it('lets the next claim win without reconciling; only the owner can give it back', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    await ledger.claim('k', 's', 60_000, 'a');
    // Act
    await ledger.unclaim('k', 's', 'b');
    const stillHeld = await ledger.claim('k', 's', 60_000, 'c');
    await ledger.unclaim('k', 's', 'a');
    const next = await ledger.claim('k', 's', 60_000, 'd');
    // Assess
    expect(stillHeld.status).toBe('held');
    expect(next).toEqual({ status: 'won', reconcile: false });
  });
});

describe.each(implementations)('ledger contract, completions in batches (issue 14): %s', (_name, make) => {
  it('records many steps done at once, each as complete would, beyond one batch of 25', async () => {
    // Prepare
    const ledger = await make(new FakeClock());
    const steps = Array.from({ length: 30 }, (_, i) => ({
      key: 'k',
      step: `o1:dm:U${i}`,
      result: { ts: `${i}` },
    }));
    await Promise.all(steps.map((s) => ledger.claim(s.key, s.step, 60_000, 'owner')));
    // Act
    await ledger.completeAll(steps.slice(0, 25));
    await ledger.completeAll(steps.slice(25));
    // Assess
    for (const s of steps) {
      expect(await ledger.claim(s.key, s.step, 60_000, 'other')).toEqual({
        status: 'done',
        result: s.result,
      });
    }
  });
});
