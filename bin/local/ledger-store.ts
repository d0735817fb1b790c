/**
 * Where the local runner keeps its ledger: the DynamoDB-compatible endpoint in AWS_ENDPOINT_URL_DYNAMODB (DynamoDB
 * Local, LocalStack, a dynalite of your own: a slower or shared store to measure against), else an embedded dynalite
 * on loopback that lives as long as the runner.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { credentialsFrom, endpointFrom, LOCAL_CREDENTIALS, regionFrom } from './aws-settings.ts';

export interface LedgerStore {
  client: DynamoDBClient;
  /** The external endpoint, or undefined for the embedded store. */
  external: string | undefined;
  /** Stops the embedded store (an external one is left running). */
  close(): Promise<void>;
}

/**
 * The endpoint is read from `source` (the runner's settings), never by the SDK from process.env, so the runner's
 * settings alone decide. Credentials and region come from `source` when given; a local store takes any.
 */
export async function startLedgerStore(source: Record<string, string | undefined>): Promise<LedgerStore> {
  const external = endpointFrom(source, 'AWS_ENDPOINT_URL_DYNAMODB', 'http://127.0.0.1:8000');
  if (external) {
    const client = new DynamoDBClient({
      endpoint: external,
      region: regionFrom(source, 'local'),
      credentials: credentialsFrom(source) ?? LOCAL_CREDENTIALS,
    });
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
    } catch (error) {
      client.destroy();
      throw new Error(
        `cannot reach the ledger store at AWS_ENDPOINT_URL_DYNAMODB=${external}: ${(error as Error).name}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return { client, external, close: async () => {} };
  }
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'local',
    credentials: LOCAL_CREDENTIALS,
  });
  return {
    client,
    external: undefined,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
