/**
 * The ledger as DynamoDB would serve it: a delay added to every ledger call in the DynamoDB client's own middleware
 * stack (the client the real wiring is given, so whatever the Ledger adapter does goes through it), and every call
 * recorded with its start, end and what it asked for.
 * https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/middleware-stack.html
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Call } from './chains.ts';

export interface LedgerProbe {
  /** Added to every ledger call (each attempt), in milliseconds; may be changed between runs. */
  latencyMs: number;
  /** Where calls are recorded; undefined records nothing (CPU runs). */
  calls: Call[] | undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function probeLedger(client: DynamoDBClient, probe: LedgerProbe): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const start = performance.now();
      if (probe.latencyMs > 0) await sleep(probe.latencyMs);
      try {
        return await next(args);
      } finally {
        if (probe.calls) {
          const request = args.request as { headers?: Record<string, string>; body?: unknown };
          const text = bodyText(request.body);
          probe.calls.push({
            kind: 'ledger',
            label: describe(request.headers, text),
            start,
            end: performance.now(),
            text,
          });
        }
      }
    },
    { step: 'finalizeRequest', name: 'benchLedgerProbe' },
  );
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array)
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return '';
}

/**
 * `UpdateItem step#o1:issue {state,owner} if`: the operation, the sort keys it touches (items of a user marked
 * `user:`), the attributes it names, and whether it is conditional.
 */
function describe(headers: Record<string, string> | undefined, body: string): string {
  const target = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'x-amz-target')?.[1] ?? '';
  const op = target.split('.').pop() || 'call';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return op;
  }
  const keys: string[] = [];
  const visit = (v: unknown) => {
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, { S?: string } | undefined>;
    if (o.pk?.S !== undefined && o.sk?.S !== undefined) {
      keys.push(`${o.pk.S.startsWith('user#') ? 'user:' : ''}${o.sk.S}`);
      return;
    }
    for (const child of Object.values(o)) visit(child);
  };
  visit(parsed);
  // The attributes an update names tell a claim (state, owner) from a completion (state, result).
  const names = Object.values(
    (parsed as { ExpressionAttributeNames?: Record<string, string> }).ExpressionAttributeNames ?? {},
  );
  const fields = names.length ? ` {${names.join(',')}}` : '';
  const conditional = body.includes('"ConditionExpression"') ? ' if' : '';
  return `${op} ${[...new Set(keys)].join(',')}${fields}${conditional}`.trim();
}
