/** The ledger table's key schema, shared by the CDK stack's description and the local/embedded store. */
import { CreateTableCommand, ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const LEDGER_KEY = { partition: 'pk', sort: 'sk', ttl: 'expiresAt' } as const;

/** Creates the table on a local DynamoDB-compatible store (tests, `dispatch local`); a no-op when it exists. */
export async function createLedgerTable(client: DynamoDBClient, table: string): Promise<void> {
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
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}
