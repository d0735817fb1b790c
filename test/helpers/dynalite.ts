/** A DynamoDB-compatible server on 127.0.0.1 for ledger tests. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll } from 'vitest';
import type { AddressInfo } from 'node:net';
import { createLedgerTable } from '../../lambdas/adapters/ledger-table.ts';

export interface LocalDynamo {
  client: DynamoDBClient;
  endpoint: string;
  close(): Promise<void>;
}

export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 3,
  });
  return {
    client,
    endpoint,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let tables = 0;
/** A fresh table per test keeps tests independent on one server. */
export async function freshTable(local: LocalDynamo): Promise<string> {
  const name = `ledger-${process.pid}-${++tables}`;
  await createLedgerTable(local.client, name);
  return name;
}

/** One local DynamoDB for the test file, started before its tests and closed after them. */
export function useDynalite(): () => LocalDynamo {
  let local: LocalDynamo | undefined;
  beforeAll(async () => {
    local = await startDynalite();
  });
  afterAll(async () => {
    await local?.close();
  });
  return () => local!;
}
