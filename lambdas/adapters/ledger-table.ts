/** The ledger table's key schema, shared by the CDK stack's description and the local/embedded store. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';

export const LEDGER_KEY = { partition: 'pk', sort: 'sk', ttl: 'expiresAt' } as const;

export interface CreateLedgerTableOptions {
  /** How long to wait for a table being created to become ACTIVE (DynamoDB takes seconds; dynalite 0.5 s). */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Creates the table on a DynamoDB-compatible store (tests, `dispatch local`, a DynamoDB Local or LocalStack given
 * by AWS_ENDPOINT_URL_DYNAMODB) and waits until it is ACTIVE. A table that exists is used as it is, once its key
 * schema is the ledger's. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
 */
export async function createLedgerTable(
  client: DynamoDBClient,
  table: string,
  options: CreateLedgerTableOptions = {},
): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: LEDGER_KEY.partition, AttributeType: 'S' },
          { AttributeName: LEDGER_KEY.sort, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: LEDGER_KEY.partition, KeyType: 'HASH' },
          { AttributeName: LEDGER_KEY.sort, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    // It exists already (an earlier run against the same store, or another process creating it just now).
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const giveUpAt = Date.now() + (options.waitMs ?? 60_000);
  for (let delay = 10; ; delay = Math.min(delay * 2, 1_000)) {
    const { Table: described } = await client.send(new DescribeTableCommand({ TableName: table }));
    checkKeys(table, described);
    if (described?.TableStatus === 'ACTIVE') return;
    if (Date.now() >= giveUpAt) {
      throw new Error(
        `ledger table ${table} is still ${described?.TableStatus ?? 'unknown'} after ${options.waitMs ?? 60_000} ms`,
      );
    }
    await sleep(delay);
  }
}

function checkKeys(table: string, described: TableDescription | undefined): void {
  const keys = described?.KeySchema ?? [];
  const hash = keys.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const range = keys.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  if (hash !== LEDGER_KEY.partition || range !== LEDGER_KEY.sort || keys.length !== 2) {
    throw new Error(
      `table ${table} exists with another key schema (${keys.map((k) => `${k.AttributeName} ${k.KeyType}`).join(', ') || 'none'}); ` +
        `the ledger needs ${LEDGER_KEY.partition} HASH, ${LEDGER_KEY.sort} RANGE`,
    );
  }
}
