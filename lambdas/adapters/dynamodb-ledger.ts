/**
 * The ledger in DynamoDB: one item per alarm (`sk = alarm`), one per SNS message seen (`sk = msg#<id>`) and one per
 * step (`sk = step#<name>`); one per person found by email (`sk = person`). Claims are conditional writes, so exactly one attempt wins a step.
 * Items expire through the table's TTL attribute `expiresAt`.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { VendorError } from '../core/errors.ts';
import type {
  AlarmLookup,
  AlarmRecord,
  Clock,
  Ledger,
  PersonRecord,
  SnoozeOutcome,
  StepClaim,
  StepDone,
} from '../core/ports.ts';
import { call, conditional } from './dynamodb-calls.ts';
import { setSnooze, type SnoozeRequest } from './dynamodb-snoozes.ts';

const ALARM = 'alarm';
/** BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE_MAX = 25;
const BATCH_ATTEMPTS = 4;
const DAY_S = 86_400;

export interface DynamoLedgerOptions {
  table: string;
  /** How long records are kept after their last change (TTL). */
  retentionDays?: number;
}

export class DynamoLedger implements Ledger {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly retentionS: number;

  constructor(
    client: DynamoDBClient,
    private readonly clock: Clock,
    options: DynamoLedgerOptions,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
    });
    this.table = options.table;
    this.retentionS = (options.retentionDays ?? 400) * DAY_S;
  }

  async lookup(key: string, messageId: string): Promise<AlarmLookup> {
    const out = await call(() =>
      this.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [this.table]: {
              Keys: [
                { pk: key, sk: ALARM },
                { pk: key, sk: `msg#${messageId}` },
              ],
              ConsistentRead: true,
            },
          },
        }),
      ),
    );
    const items = out.Responses?.[this.table] ?? [];
    const alarm = items.find((i) => i.sk === ALARM);
    const message = items.find((i) => i.sk !== ALARM);
    return { record: alarm && toRecord(alarm), seenIn: message?.occurrence as number | undefined };
  }

  async get(key: string): Promise<AlarmRecord | undefined> {
    const out = await call(() =>
      this.doc.send(
        new GetCommand({ TableName: this.table, Key: { pk: key, sk: ALARM }, ConsistentRead: true }),
      ),
    );
    return out.Item && toRecord(out.Item);
  }

  async join(key: string, messageId: string, startNext?: { from: number }): Promise<AlarmRecord> {
    let record: AlarmRecord | undefined;
    if (startNext) record = await this.advance(key, messageId, startNext.from);
    record ??= await this.touch(key, messageId);
    await call(() =>
      this.doc
        .send(
          new PutCommand({
            TableName: this.table,
            Item: {
              pk: key,
              sk: `msg#${messageId}`,
              occurrence: record.occurrence,
              expiresAt: this.expiresAt(),
            },
            // Starting the next occurrence moves the message there (a repeat may have remembered it in the last).
            ConditionExpression: startNext ? undefined : 'attribute_not_exists(pk)',
          }),
        )
        .catch(ignoreConditionFailed),
    );
    return record;
  }

  async begin(
    key: string,
    messageId: string,
    fields: Partial<Pick<AlarmRecord, 'prompt'>>,
  ): Promise<'created' | 'exists'> {
    const now = this.clock.now();
    const create = conditional(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: key,
            sk: ALARM,
            occurrence: 1,
            firstMessageId: messageId,
            updatedAt: now,
            expiresAt: this.expiresAt(),
            ...(fields.prompt ? { prompt: fields.prompt } : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).then((out) => (out ? ('created' as const) : ('exists' as const)));
    const [outcome] = await Promise.all([create, this.remember(key, messageId, 1)]);
    return outcome;
  }

  async remember(key: string, messageId: string, occurrence: number): Promise<void> {
    await call(() =>
      this.doc
        .send(
          new PutCommand({
            TableName: this.table,
            Item: { pk: key, sk: `msg#${messageId}`, occurrence, expiresAt: this.expiresAt() },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        )
        .catch(ignoreConditionFailed),
    );
  }

  async markResolved(key: string, occurrence: number, messageId: string): Promise<'won' | 'already'> {
    const applied = await conditional(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key, sk: ALARM },
          UpdateExpression:
            'SET resolved = if_not_exists(resolved, :now), resolvedBy = :mid, updatedAt = :now',
          ConditionExpression: 'occurrence = :occ AND (attribute_not_exists(resolved) OR resolvedBy = :mid)',
          ExpressionAttributeValues: { ':occ': occurrence, ':mid': messageId, ':now': this.clock.now() },
        }),
      ),
    );
    return applied ? 'won' : 'already';
  }

  async fired(key: string, messageId: string): Promise<void> {
    await call(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key, sk: ALARM },
          UpdateExpression:
            'SET occurrence = if_not_exists(occurrence, :one), firstMessageId = if_not_exists(firstMessageId, :mid), updatedAt = :now, expiresAt = :ttl REMOVE resolved, resolvedBy',
          ExpressionAttributeValues: {
            ':one': 1,
            ':mid': messageId,
            ':now': this.clock.now(),
            ':ttl': this.expiresAt(),
          },
        }),
      ),
    );
  }

  async freeSlot(key: string, slot: string): Promise<void> {
    await call(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key, sk: `slot#${slot}` },
          UpdateExpression: 'SET takenAt = :free, #owner = :nobody',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':free': 0, ':nobody': '' },
        }),
      ),
    );
  }

  async annotate(key: string, occurrence: number, { posted, ...fields }: Parameters<Ledger['annotate']>[2]) {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':occ': occurrence, ':now': this.clock.now() };
    const sets = ['updatedAt = :now'];
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    // Where the prompt's messages went: set inside the recorded prompt, one path each, so two such annotations in
    // parallel (the DM's, the responder copy's) keep both. The condition keeps the path valid: no prompt, no write.
    const postedSets = Object.entries(posted ?? {}).filter(([, value]) => value !== undefined);
    if (postedSets.length) values[':map'] = 'M';
    for (const [field, value] of postedSets) {
      names['#prompt'] = 'prompt';
      names[`#posted_${field}`] = field;
      values[`:posted_${field}`] = value;
      sets.push(`#prompt.#posted_${field} = :posted_${field}`);
    }
    await call(() =>
      this.doc
        .send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: key, sk: ALARM },
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: postedSets.length
              ? 'occurrence = :occ AND attribute_type(#prompt, :map)'
              : 'occurrence = :occ',
            ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
            ExpressionAttributeValues: values,
          }),
        )
        .catch(ignoreConditionFailed),
    );
  }

  async claim(key: string, step: string, leaseMs: number, owner: string): Promise<StepClaim> {
    const now = this.clock.now();
    const applied = await conditional(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key, sk: `step#${step}` },
          UpdateExpression:
            'SET #state = :claimed, leaseUntil = :until, #owner = :owner, expiresAt = :ttl ADD attempts :one',
          ConditionExpression:
            'attribute_not_exists(pk) OR #state IN (:released, :free) OR (#state = :claimed AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':claimed': 'claimed',
            ':released': 'released',
            ':free': 'free',
            ':owner': owner,
            ':until': now + leaseMs,
            ':now': now,
            ':one': 1,
            ':ttl': this.expiresAt(),
          },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    if (applied) {
      // A step given back unused never reached the vendor: nothing to look for.
      return {
        status: 'won',
        reconcile: applied.Attributes !== undefined && applied.Attributes.state !== 'free',
      };
    }
    const item = await this.stepItem(key, step);
    if (item?.state === 'done') return { status: 'done', result: (item.result as object | undefined) ?? {} };
    // Our own claim, applied by a write whose answer was lost and then retried by the SDK.
    if (item?.state === 'claimed' && item.owner === owner) {
      return { status: 'won', reconcile: ((item.attempts as number | undefined) ?? 1) > 1 };
    }
    // Claimed by someone else (or changed since): report it held; the caller polls and claims again.
    return { status: 'held', until: (item?.leaseUntil as number | undefined) ?? now };
  }

  async settle(key: string, step: string, result: object, owner: string): Promise<StepClaim> {
    const now = this.clock.now();
    const applied = await conditional(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key, sk: `step#${step}` },
          UpdateExpression:
            'SET #state = :done, #result = :result, #owner = :owner, expiresAt = :ttl REMOVE leaseUntil',
          ConditionExpression:
            'attribute_not_exists(pk) OR #state = :released OR (#state = :claimed AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner', '#result': 'result' },
          ExpressionAttributeValues: {
            ':done': 'done',
            ':claimed': 'claimed',
            ':released': 'released',
            ':result': result,
            ':owner': owner,
            ':now': now,
            ':ttl': this.expiresAt(),
          },
        }),
      ),
    );
    if (applied) {
      return { status: 'won', reconcile: false };
    }
    const item = await this.stepItem(key, step);
    // Our own write, applied once and then retried by the SDK after a lost answer.
    if (item?.state === 'done' && item.owner === owner) return { status: 'won', reconcile: false };
    if (item?.state === 'done') return { status: 'done', result: (item.result as object | undefined) ?? {} };
    return { status: 'held', until: (item?.leaseUntil as number | undefined) ?? now };
  }

  async unclaim(key: string, step: string, owner: string): Promise<void> {
    await call(() =>
      this.doc
        .send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: key, sk: `step#${step}` },
            UpdateExpression: 'SET #state = :free REMOVE leaseUntil',
            ConditionExpression: '#state = :claimed AND #owner = :owner',
            ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
            ExpressionAttributeValues: { ':free': 'free', ':claimed': 'claimed', ':owner': owner },
          }),
        )
        .catch(ignoreConditionFailed),
    );
  }

  async complete(key: string, step: string, result: object): Promise<void> {
    await call(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key, sk: `step#${step}` },
          UpdateExpression: 'SET #state = :done, #result = :result, expiresAt = :ttl REMOVE leaseUntil',
          ExpressionAttributeNames: { '#state': 'state', '#result': 'result' },
          ExpressionAttributeValues: { ':done': 'done', ':result': result, ':ttl': this.expiresAt() },
        }),
      ),
    );
  }

  /**
   * BatchWriteItem of the steps' final items (25 at most per call; unprocessed items are sent again a few times):
   * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
   */
  async completeAll(steps: StepDone[]): Promise<void> {
    const byItem = new Map(steps.map((s) => [`${s.key}\u0000${s.step}`, s]));
    let requests = [...byItem.values()].map((s) => ({
      PutRequest: {
        Item: {
          pk: s.key,
          sk: `step#${s.step}`,
          state: 'done',
          result: s.result,
          expiresAt: this.expiresAt(),
        },
      },
    }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt === BATCH_ATTEMPTS) {
        throw new VendorError('dynamodb', `ledger could not record ${requests.length} steps done`, {
          retryable: true,
        });
      }
      if (attempt > 0) await this.clock.sleep(50 * 2 ** attempt);
      const chunks = [];
      for (let i = 0; i < requests.length; i += BATCH_WRITE_MAX)
        chunks.push(requests.slice(i, i + BATCH_WRITE_MAX));
      const answers = await Promise.all(
        chunks.map((chunk) =>
          call(() => this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: chunk } }))),
        ),
      );
      requests = answers.flatMap(
        (a) => (a.UnprocessedItems?.[this.table] ?? []) as unknown as typeof requests,
      );
    }
  }

  async takeSlot(key: string, slot: string, windowMs: number, owner: string): Promise<boolean> {
    const now = this.clock.now();
    const applied = await conditional(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key, sk: `slot#${slot}` },
          UpdateExpression: 'SET #owner = :owner, takenAt = :now, expiresAt = :ttl',
          ConditionExpression: 'attribute_not_exists(pk) OR takenAt < :since OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':owner': owner,
            ':now': now,
            ':since': now - windowMs,
            ':ttl': this.expiresAt(),
          },
        }),
      ),
    );
    return applied ? true : false;
  }

  async increment(key: string, counter: string, by = 1): Promise<number> {
    const out = await call(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key, sk: `counter#${counter}` },
          UpdateExpression: 'ADD #value :by SET expiresAt = :ttl',
          ExpressionAttributeNames: { '#value': 'value' },
          ExpressionAttributeValues: { ':by': by, ':ttl': this.expiresAt() },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    return out.Attributes?.value as number;
  }

  async incrementBelow(key: string, counter: string, limit: number): Promise<boolean> {
    const applied = await conditional(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key, sk: `counter#${counter}` },
          UpdateExpression: 'ADD #value :one SET expiresAt = :ttl',
          ConditionExpression: 'attribute_not_exists(#value) OR #value < :limit',
          ExpressionAttributeNames: { '#value': 'value' },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': this.expiresAt() },
        }),
      ),
    );
    return applied ? true : false;
  }

  async append(key: string, list: string, entry: string, max: number): Promise<number> {
    const out = await call(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key, sk: `list#${list}` },
          UpdateExpression: 'ADD #total :one SET expiresAt = :ttl',
          ExpressionAttributeNames: { '#total': 'total' },
          ExpressionAttributeValues: { ':one': 1, ':ttl': this.expiresAt() },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    const total = out.Attributes?.total as number;
    if (total <= max) {
      // Entries are kept by position, so a list never outgrows its item.
      await call(() =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: key, sk: `list#${list}` },
            UpdateExpression: 'SET #entry = :entry',
            ExpressionAttributeNames: { '#entry': `e${total}` },
            ExpressionAttributeValues: { ':entry': entry },
          }),
        ),
      );
    }
    return total;
  }

  async readList(key: string, list: string): Promise<string[]> {
    const out = await call(() =>
      this.doc.send(
        new GetCommand({ TableName: this.table, Key: { pk: key, sk: `list#${list}` }, ConsistentRead: true }),
      ),
    );
    const item = out.Item ?? {};
    return Object.keys(item)
      .filter((k) => /^e\d+$/.test(k))
      .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
      .map((k) => item[k] as string);
  }

  async isDone(key: string, step: string): Promise<boolean> {
    return (await this.stepItem(key, step))?.state === 'done';
  }

  async release(key: string, step: string, reason: string): Promise<void> {
    await call(() =>
      this.doc
        .send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: key, sk: `step#${step}` },
            UpdateExpression: 'SET #state = :released, reason = :reason REMOVE leaseUntil',
            ConditionExpression: '#state = :claimed',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':released': 'released',
              ':claimed': 'claimed',
              ':reason': reason.slice(0, 1000),
            },
          }),
        )
        .catch(ignoreConditionFailed),
    );
  }

  async stepResult(key: string, step: string): Promise<object | undefined> {
    const item = await this.stepItem(key, step);
    return item?.state === 'done' ? ((item.result as object | undefined) ?? {}) : undefined;
  }

  async snooze(key: string, request: SnoozeRequest): Promise<SnoozeOutcome> {
    return setSnooze({ doc: this.doc, table: this.table, now: () => this.clock.now() }, key, request);
  }

  async person(email: string): Promise<PersonRecord | undefined> {
    const out = await call(() =>
      this.doc.send(new GetCommand({ TableName: this.table, Key: personKey(email) })),
    );
    const item = out.Item;
    // TTL deletes an item some time after it expires: the record's own end is what counts.
    if (typeof item?.slackId !== 'string' || typeof item.until !== 'number') return undefined;
    return item.until > this.clock.now() ? { slackId: item.slackId, until: item.until } : undefined;
  }

  async rememberPerson(email: string, slackId: string, untilMs: number): Promise<void> {
    await call(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...personKey(email), slackId, until: untilMs, expiresAt: Math.ceil(untilMs / 1000) },
        }),
      ),
    );
  }

  /** Starts occurrence `from + 1` if nobody has yet; undefined when another attempt did first. */
  private async advance(key: string, messageId: string, from: number): Promise<AlarmRecord | undefined> {
    const out = await conditional(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key, sk: ALARM },
          UpdateExpression:
            'SET occurrence = :next, firstMessageId = :mid, updatedAt = :now, expiresAt = :ttl REMOVE issue, prompt, finished, carriedOut, resolved, resolvedBy',
          ConditionExpression: 'occurrence = :from',
          ExpressionAttributeValues: {
            ':from': from,
            ':next': from + 1,
            ':mid': messageId,
            ':now': this.clock.now(),
            ':ttl': this.expiresAt(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return out && toRecord(out.Attributes!);
  }

  /** Creates the alarm record with occurrence 1, or refreshes it; returns it as stored. */
  private async touch(key: string, messageId: string): Promise<AlarmRecord> {
    const out = await call(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key, sk: ALARM },
          UpdateExpression:
            'SET occurrence = if_not_exists(occurrence, :one), firstMessageId = if_not_exists(firstMessageId, :mid), updatedAt = :now, expiresAt = :ttl',
          ExpressionAttributeValues: {
            ':one': 1,
            ':mid': messageId,
            ':now': this.clock.now(),
            ':ttl': this.expiresAt(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return toRecord(out.Attributes!);
  }

  /** A step's item as stored (a consistent read); undefined when the step was never claimed. */
  private async stepItem(key: string, step: string): Promise<Record<string, unknown> | undefined> {
    const out = await call(() =>
      this.doc.send(
        new GetCommand({ TableName: this.table, Key: { pk: key, sk: `step#${step}` }, ConsistentRead: true }),
      ),
    );
    return out.Item;
  }

  private expiresAt(): number {
    return Math.floor(this.clock.now() / 1000) + this.retentionS;
  }
}

/** One item per person found by email (`pk = person#<email>`, `sk = person`), apart from every alarm's items. */
function personKey(email: string): { pk: string; sk: string } {
  return { pk: `person#${email.toLowerCase()}`, sk: 'person' };
}

function toRecord(item: Record<string, unknown>): AlarmRecord {
  return {
    key: item.pk as string,
    occurrence: item.occurrence as number,
    firstMessageId: item.firstMessageId as string,
    issue: item.issue as AlarmRecord['issue'],
    prompt: item.prompt as AlarmRecord['prompt'],
    finished: item.finished as boolean | undefined,
    carriedOut: item.carriedOut as boolean | undefined,
    resolved: item.resolved as number | undefined,
    resolvedBy: item.resolvedBy as string | undefined,
    snooze: item.snooze as AlarmRecord['snooze'],
    updatedAt: item.updatedAt as number,
  };
}

function ignoreConditionFailed(error: unknown): undefined {
  if (error instanceof ConditionalCheckFailedException) return undefined;
  throw error;
}
