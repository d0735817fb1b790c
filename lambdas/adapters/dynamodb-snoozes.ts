/**
 * Snoozes in the ledger table. The truth is the `snooze` attribute of the alarm's own record (`pk = KEY, sk =
 * alarm`), so the incoming function's one lookup of the record reads it at no extra cost. A copy goes to one item
 * per key under `pk = snoozes, sk = snooze#KEY`, so `dispatch snoozes` is one Query, never a Scan; it expires by
 * TTL a month after the snooze ends. (`snooze#` keeps a key such as `alarm` apart from any alarm's own items.)
 *
 * A second snooze while one runs moves its end later (same period: one count, one note) and is otherwise kept as
 * it is: a snooze is shortened only by ending it (`dispatch unsnooze`).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SnoozeOutcome, SnoozeRecord } from '../core/ports.ts';
import { call, conditional } from './dynamodb-calls.ts';

export const SNOOZES_PK = 'snoozes';
export const snoozeSk = (key: string) => `snooze#${key}`;
/** How long a snooze stays listed (and readable by `dispatch snoozes --all`) after it ended. */
const LISTED_AFTER_END_S = 30 * 86_400;

export type SnoozeRequest = Omit<SnoozeRecord, 'extendedBy' | 'endedAt' | 'endedBy'>;

interface Table {
  doc: DynamoDBDocumentClient;
  table: string;
  now: () => number;
}

/**
 * See the top of this file: a new period, a later end, or kept; `unknown` for a key the ledger never saw or a
 * self-service prompt's (never snoozed).
 */
export async function setSnooze(t: Table, key: string, request: SnoozeRequest): Promise<SnoozeOutcome> {
  const names = { '#s': 'snooze', '#u': 'until', '#e': 'endedAt' };
  const now = t.now();
  const fresh: SnoozeRecord = clean({ ...request });
  // A new period: the record exists and no snooze runs.
  const started = await conditional(() =>
    t.doc.send(
      new UpdateCommand({
        TableName: t.table,
        Key: { pk: key, sk: 'alarm' },
        UpdateExpression: 'SET #s = :s',
        ConditionExpression:
          'attribute_exists(occurrence) AND attribute_not_exists(prompt) AND (attribute_not_exists(#s) OR #s.#u <= :now OR attribute_exists(#s.#e))',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':s': fresh, ':now': now },
      }),
    ),
  );
  if (started) {
    await list(t, key, fresh);
    return { status: 'snoozed', snooze: fresh };
  }
  // The running period ends later.
  const extended = await conditional(() =>
    t.doc.send(
      new UpdateCommand({
        TableName: t.table,
        Key: { pk: key, sk: 'alarm' },
        UpdateExpression: `SET #s.#u = :until, #s.extendedBy = :by${request.reason ? ', #s.reason = :reason' : ''}`,
        ConditionExpression: '#s.#u > :now AND attribute_not_exists(#s.#e) AND #s.#u < :until',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':until': request.until,
          ':by': request.by,
          ':now': now,
          ...(request.reason ? { ':reason': request.reason } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  if (extended) {
    const snooze = extended.Attributes?.snooze as SnoozeRecord;
    await list(t, key, snooze);
    return { status: 'extended', snooze };
  }
  const out = await call(() =>
    t.doc.send(new GetCommand({ TableName: t.table, Key: { pk: key, sk: 'alarm' }, ConsistentRead: true })),
  );
  const snooze = out.Item?.snooze as SnoozeRecord | undefined;
  // A self-service prompt is never snoozed: for a snooze, such a key is not a snoozable alarm.
  if (out.Item?.occurrence === undefined || out.Item.prompt || !snooze) return { status: 'unknown' };
  return { status: 'kept', snooze };
}

/** Ends the running snooze of `key` now; undefined when none runs. */
export async function endSnooze(t: Table, key: string, by: string): Promise<SnoozeRecord | undefined> {
  const now = t.now();
  const out = await conditional(() =>
    t.doc.send(
      new UpdateCommand({
        TableName: t.table,
        Key: { pk: key, sk: 'alarm' },
        UpdateExpression: 'SET #s.#e = :now, #s.endedBy = :by',
        ConditionExpression: '#s.#u > :now AND attribute_not_exists(#s.#e)',
        ExpressionAttributeNames: { '#s': 'snooze', '#u': 'until', '#e': 'endedAt' },
        ExpressionAttributeValues: { ':now': now, ':by': by },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  if (!out) return undefined;
  const snooze = out.Attributes?.snooze as SnoozeRecord;
  await list(t, key, snooze);
  return snooze;
}

/** Every listed snooze (running or ended within the last month), by key: one Query, paged. */
export async function listSnoozes(t: Table): Promise<(SnoozeRecord & { key: string })[]> {
  const found: (SnoozeRecord & { key: string })[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await call(() =>
      t.doc.send(
        new QueryCommand({
          TableName: t.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': SNOOZES_PK },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      ),
    );
    for (const item of out.Items ?? []) {
      if (item.snooze) found.push({ ...(item.snooze as SnoozeRecord), key: item.key as string });
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return found;
}

/** Writes the operators' copy (idempotent: the same values again change nothing). */
async function list(t: Table, key: string, snooze: SnoozeRecord): Promise<void> {
  const end = Math.ceil((snooze.endedAt ?? snooze.until) / 1000);
  await call(() =>
    t.doc.send(
      new UpdateCommand({
        TableName: t.table,
        Key: { pk: SNOOZES_PK, sk: snoozeSk(key) },
        UpdateExpression: 'SET #key = :key, snooze = :s, expiresAt = :ttl',
        ExpressionAttributeNames: { '#key': 'key' },
        ExpressionAttributeValues: { ':key': key, ':s': snooze, ':ttl': end + LISTED_AFTER_END_S },
      }),
    ),
  );
}

function clean(snooze: SnoozeRecord): SnoozeRecord {
  return Object.fromEntries(Object.entries(snooze).filter(([, v]) => v !== undefined)) as SnoozeRecord;
}
