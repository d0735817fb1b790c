/** The page's Reset: the ledger emptied in place, so the table (possibly in an external store) stays as it is. */
import { BatchWriteItemCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LEDGER_KEY } from '../../lambdas/adapters/ledger-table.ts';

/** Deletes every item of `table`, 25 at a time (BatchWriteItem's limit), retrying what the store left unprocessed. */
export async function emptyTable(client: DynamoDBClient, table: string): Promise<void> {
  const keys = [LEDGER_KEY.partition, LEDGER_KEY.sort];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table,
        ProjectionExpression: '#p, #s',
        ExpressionAttributeNames: { '#p': keys[0]!, '#s': keys[1]! },
        ExclusiveStartKey: start as never,
      }),
    );
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      while (requests.length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
}
