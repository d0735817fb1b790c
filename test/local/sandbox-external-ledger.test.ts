/**
 * `npm start` with AWS_ENDPOINT_URL_DYNAMODB: the ledger lives in that DynamoDB-compatible store (issue 14), so the
 * same runner can be measured against a slower or shared ledger. Here the store is a dynalite started by the test,
 * creating tables as slowly as its default (0.5 s), and the endpoint reaches the runner only through its settings.
 */
import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox.ts';
import { createLedgerTable } from '../../lambdas/adapters/ledger-table.ts';

let server: Server;
let endpoint: string;
let store: DynamoDBClient;
const started: Sandbox[] = [];

beforeAll(async () => {
  server = dynalite({});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  store = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  for (const sandbox of started) await sandbox.close();
  store.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function start(source: Record<string, string>) {
  const sandbox = await startSandbox({ port: 0, source });
  started.push(sandbox);
  return sandbox;
}

async function send(sandbox: Sandbox, alarm: unknown) {
  const res = await fetch(`${sandbox.url}/alarms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alarm),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { deliveries: { key: string }[] };
}

async function ledgerTables() {
  const { TableNames = [] } = await store.send(new ListTablesCommand({}));
  return TableNames.filter((t) => t.startsWith('dispatch-local-ledger'));
}

async function itemsOf(key: string) {
  const found = [];
  for (const table of await ledgerTables()) {
    const { Items = [] } = await store.send(new ScanCommand({ TableName: table }));
    found.push(...Items.filter((i) => i.pk?.S === key));
  }
  return found;
}

const lowPriority = (title: string) => ({ type: 'low-priority', body: { github: { title, body: 'b' } } });

describe('npm start with AWS_ENDPOINT_URL_DYNAMODB', () => {
  it("creates the ledger table in that store and keeps an alarm's record there", async () => {
    // Prepare
    expect(await ledgerTables()).toEqual([]);
    const sandbox = await start({ AWS_ENDPOINT_URL_DYNAMODB: endpoint });
    // Act
    const { deliveries } = await send(sandbox, lowPriority('disk almost full'));
    // Assess
    expect(await ledgerTables()).toHaveLength(1);
    expect(await itemsOf(deliveries[0]!.key)).not.toEqual([]);
  });

  it('uses the table a previous run created, keeping what it recorded', async () => {
    // Prepare
    const first = started.shift()!;
    const { deliveries } = await send(first, lowPriority('certificate expires'));
    await first.close();
    const tables = await ledgerTables();
    // Act
    const again = await start({ AWS_ENDPOINT_URL_DYNAMODB: endpoint });
    const next = await send(again, lowPriority('backup failed'));
    // Assess
    expect(await ledgerTables()).toEqual(tables);
    expect(await itemsOf(deliveries[0]!.key)).not.toEqual([]);
    expect(await itemsOf(next.deliveries[0]!.key)).not.toEqual([]);
  });

  it('names the endpoint when the store cannot be reached', async () => {
    await expect(
      startSandbox({ port: 0, source: { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1' } }),
    ).rejects.toThrow(/cannot reach the ledger store at AWS_ENDPOINT_URL_DYNAMODB=http:\/\/127\.0\.0\.1:1/);
  });
});

describe('createLedgerTable', () => {
  it('waits until a new table is ACTIVE, and accepts it when it exists', async () => {
    // Act
    await createLedgerTable(store, 'ledger-twice');
    await createLedgerTable(store, 'ledger-twice');
    // Assess
    expect((await store.send(new ListTablesCommand({}))).TableNames).toContain('ledger-twice');
  });
});
