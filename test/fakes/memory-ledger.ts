/** The ledger in memory, with the same conditional semantics as the DynamoDB ledger (see ledger-contract). */
import type {
  AlarmLookup,
  AlarmRecord,
  Clock,
  Ledger,
  SnoozeOutcome,
  PersonRecord,
  SnoozeRecord,
  StepClaim,
} from '../../lambdas/core/ports.ts';

interface Step {
  state: 'claimed' | 'done' | 'released' | 'free';
  leaseUntil?: number;
  owner?: string;
  attempts?: number;
  result?: object;
  reason?: string;
}

export class MemoryLedger implements Ledger {
  readonly alarms = new Map<string, AlarmRecord>();
  readonly messages = new Map<string, number>();
  readonly steps = new Map<string, Step>();
  /** People found by email, by lower-cased email. */
  readonly people = new Map<string, PersonRecord>();

  constructor(private readonly clock: Clock) {}

  async lookup(key: string, messageId: string): Promise<AlarmLookup> {
    return { record: this.copy(this.alarms.get(key)), seenIn: this.messages.get(`${key}|${messageId}`) };
  }

  async get(key: string): Promise<AlarmRecord | undefined> {
    return this.copy(this.alarms.get(key));
  }

  async join(key: string, messageId: string, startNext?: { from: number }): Promise<AlarmRecord> {
    const now = this.clock.now();
    let record = this.alarms.get(key);
    if (record && startNext && record.occurrence === startNext.from) {
      record = { key, occurrence: startNext.from + 1, firstMessageId: messageId, updatedAt: now };
    } else if (!record) {
      record = { key, occurrence: 1, firstMessageId: messageId, updatedAt: now };
    } else {
      record = { ...record, updatedAt: now };
    }
    this.alarms.set(key, record);
    const m = `${key}|${messageId}`;
    if (!this.messages.has(m) || startNext) this.messages.set(m, record.occurrence);
    return this.copy(record)!;
  }

  async begin(
    key: string,
    messageId: string,
    fields: Partial<Pick<AlarmRecord, 'prompt'>>,
  ): Promise<'created' | 'exists'> {
    await this.remember(key, messageId, 1);
    if (this.alarms.has(key)) return 'exists';
    this.alarms.set(key, {
      key,
      occurrence: 1,
      firstMessageId: messageId,
      updatedAt: this.clock.now(),
      ...structuredClone(fields),
    });
    return 'created';
  }

  async markResolved(key: string, occurrence: number, messageId: string): Promise<'won' | 'already'> {
    const record = this.alarms.get(key);
    if (!record || record.occurrence !== occurrence) return 'already';
    if (record.resolved !== undefined && record.resolvedBy !== messageId) return 'already';
    this.alarms.set(key, {
      ...record,
      resolved: record.resolved ?? this.clock.now(),
      resolvedBy: messageId,
    });
    return 'won';
  }

  async fired(key: string, messageId: string): Promise<void> {
    const record = this.alarms.get(key);
    const base = record ?? { key, occurrence: 1, firstMessageId: messageId, updatedAt: this.clock.now() };
    const { resolved: _r, resolvedBy: _b, ...rest } = base;
    this.alarms.set(key, { ...rest, updatedAt: this.clock.now() });
  }

  async freeSlot(key: string, slot: string): Promise<void> {
    this.slots.delete(`${key}|${slot}`);
  }

  async remember(key: string, messageId: string, occurrence: number): Promise<void> {
    const m = `${key}|${messageId}`;
    if (!this.messages.has(m)) this.messages.set(m, occurrence);
  }

  async annotate(key: string, occurrence: number, { posted, ...fields }: Parameters<Ledger['annotate']>[2]) {
    const record = this.alarms.get(key);
    if (record?.occurrence !== occurrence) return;
    const next = { ...record, ...structuredClone(fields) };
    // As the DynamoDB ledger: set inside the recorded prompt only, field by field.
    const known = Object.fromEntries(Object.entries(posted ?? {}).filter(([, v]) => v !== undefined));
    if (Object.keys(known).length) {
      if (!next.prompt) return;
      next.prompt = { ...next.prompt, ...structuredClone(known) };
    }
    this.alarms.set(key, next);
  }

  async unclaim(key: string, step: string, owner: string): Promise<void> {
    const id = `${key}|${step}`;
    const existing = this.steps.get(id);
    if (existing?.state === 'claimed' && existing.owner === owner)
      this.steps.set(id, { state: 'free', attempts: existing.attempts });
  }

  async claim(key: string, step: string, leaseMs: number, owner: string): Promise<StepClaim> {
    const id = `${key}|${step}`;
    const now = this.clock.now();
    const existing = this.steps.get(id);
    if (existing?.state === 'done') return { status: 'done', result: structuredClone(existing.result!) };
    if (existing?.state === 'claimed' && existing.owner === owner)
      return { status: 'won', reconcile: existing.attempts! > 1 };
    if (existing?.state === 'claimed' && existing.leaseUntil! > now)
      return { status: 'held', until: existing.leaseUntil! };
    this.steps.set(id, {
      state: 'claimed',
      leaseUntil: now + leaseMs,
      owner,
      attempts: (existing?.attempts ?? 0) + 1,
    });
    return { status: 'won', reconcile: existing !== undefined && existing.state !== 'free' };
  }

  async settle(key: string, step: string, result: object, owner: string): Promise<StepClaim> {
    const id = `${key}|${step}`;
    const existing = this.steps.get(id);
    if (existing?.state === 'done') {
      return existing.owner === owner
        ? { status: 'won', reconcile: false }
        : { status: 'done', result: structuredClone(existing.result!) };
    }
    if (existing?.state === 'claimed' && existing.leaseUntil! > this.clock.now())
      return { status: 'held', until: existing.leaseUntil! };
    this.steps.set(id, { state: 'done', result: structuredClone(result), owner });
    return { status: 'won', reconcile: false };
  }

  async completeAll(steps: { key: string; step: string; result: object }[]): Promise<void> {
    for (const s of steps) await this.complete(s.key, s.step, s.result);
  }

  async complete(key: string, step: string, result: object): Promise<void> {
    this.steps.set(`${key}|${step}`, { state: 'done', result: structuredClone(result) });
  }

  readonly slots = new Map<string, { owner: string; at: number }>();
  readonly counters = new Map<string, number>();
  readonly lists = new Map<string, { entries: string[]; total: number }>();

  async takeSlot(key: string, slot: string, windowMs: number, owner: string): Promise<boolean> {
    const id = `${key}|${slot}`;
    const now = this.clock.now();
    const held = this.slots.get(id);
    if (held && held.owner !== owner && held.at > now - windowMs) return false;
    if (!held || held.owner !== owner) this.slots.set(id, { owner, at: now });
    return true;
  }

  async increment(key: string, counter: string, by = 1): Promise<number> {
    const id = `${key}|${counter}`;
    const value = (this.counters.get(id) ?? 0) + by;
    this.counters.set(id, value);
    return value;
  }

  async incrementBelow(key: string, counter: string, limit: number): Promise<boolean> {
    const id = `${key}|${counter}`;
    const value = this.counters.get(id) ?? 0;
    if (value >= limit) return false;
    this.counters.set(id, value + 1);
    return true;
  }

  async append(key: string, list: string, entry: string, max: number): Promise<number> {
    const id = `${key}|${list}`;
    const current = this.lists.get(id) ?? { entries: [], total: 0 };
    const next = {
      entries: current.entries.length < max ? [...current.entries, entry] : current.entries,
      total: current.total + 1,
    };
    this.lists.set(id, next);
    return next.total;
  }

  async readList(key: string, list: string): Promise<string[]> {
    return [...(this.lists.get(`${key}|${list}`)?.entries ?? [])];
  }

  async isDone(key: string, step: string): Promise<boolean> {
    return this.steps.get(`${key}|${step}`)?.state === 'done';
  }

  async release(key: string, step: string, reason: string): Promise<void> {
    const id = `${key}|${step}`;
    const existing = this.steps.get(id);
    if (existing?.state === 'claimed')
      this.steps.set(id, { state: 'released', reason, attempts: existing.attempts });
  }

  async stepResult(key: string, step: string): Promise<object | undefined> {
    const found = this.steps.get(`${key}|${step}`);
    return found?.state === 'done' ? structuredClone(found.result ?? {}) : undefined;
  }

  /** Same rules as lambdas/adapters/dynamodb-snoozes.ts. */
  async snooze(
    key: string,
    request: Omit<SnoozeRecord, 'extendedBy' | 'endedAt' | 'endedBy'>,
  ): Promise<SnoozeOutcome> {
    const record = this.alarms.get(key);
    if (!record || record.prompt) return { status: 'unknown' };
    const now = this.clock.now();
    const running = record.snooze && record.snooze.until > now && record.snooze.endedAt === undefined;
    if (!running) {
      const snooze = structuredClone(request);
      this.alarms.set(key, { ...record, snooze });
      return { status: 'snoozed', snooze: structuredClone(snooze) };
    }
    if (record.snooze!.until < request.until) {
      const snooze = {
        ...record.snooze!,
        until: request.until,
        extendedBy: request.by,
        ...(request.reason ? { reason: request.reason } : {}),
      };
      this.alarms.set(key, { ...record, snooze });
      return { status: 'extended', snooze: structuredClone(snooze) };
    }
    return { status: 'kept', snooze: structuredClone(record.snooze!) };
  }

  async person(email: string): Promise<PersonRecord | undefined> {
    const found = this.people.get(email.toLowerCase());
    return found && found.until > this.clock.now() ? { ...found } : undefined;
  }

  async rememberPerson(email: string, slackId: string, untilMs: number): Promise<void> {
    this.people.set(email.toLowerCase(), { slackId, until: untilMs });
  }

  private copy(record: AlarmRecord | undefined): AlarmRecord | undefined {
    return record && structuredClone(record);
  }
}
