/**
 * How the ledger's DynamoDB calls fail (dynamodb-ledger.ts, dynamodb-snoozes.ts): a conditional write whose condition
 * failed is an answer, not an error; anything else becomes a retryable `dynamodb` VendorError naming the SDK's error.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { VendorError } from '../core/errors.ts';

export function ledgerError(error: unknown): Error {
  if (error instanceof VendorError) return error;
  const name = (error as { name?: string }).name ?? 'Error';
  return new VendorError('dynamodb', `ledger ${name}: ${(error as Error).message}`, {
    cause: error,
    retryable: true,
  });
}

/** Sends a conditional write: its answer, or undefined when its condition failed; anything else is a ledger error. */
export async function conditional<T>(send: () => Promise<T>): Promise<T | undefined> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw ledgerError(error);
  }
}

/** Sends a call; any failure is a ledger error. */
export async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw ledgerError(error);
  }
}
