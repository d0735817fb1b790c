/** The delivery ledger: on demand, TTL on `expiresAt`, point-in-time recovery, kept when the stack is deleted. */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LEDGER_KEY } from '../../lambdas/adapters/ledger-table.ts';

/**
 * The ledger's item operations (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB.html);
 * a function is granted those its code performs (test/infra/iam-as-used.test.ts checks it).
 */
export type LedgerOperation = 'GetItem' | 'BatchGetItem' | 'BatchWriteItem' | 'PutItem' | 'UpdateItem';

export class Ledger extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: LEDGER_KEY.partition, type: dynamodb.AttributeType.STRING },
      sortKey: { name: LEDGER_KEY.sort, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: LEDGER_KEY.ttl,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** The given item operations on the table, and nothing else (no scans, no deletes). */
  grantLedger(role: iam.IRole, operations: readonly LedgerOperation[]): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'Ledger',
        actions: operations.map((o) => `dynamodb:${o}`),
        resources: [this.table.tableArn],
      }),
    );
  }
}
