/** Turning the settled results of parallel steps into one error, after every step has had its chance. */
import { DispatchError } from '../errors.ts';
import { errorText, isRetryable } from '../steps.ts';

export class DeliveryError extends DispatchError {
  override name = 'DeliveryError';
  readonly failures: unknown[];
  constructor(failures: unknown[]) {
    const retryable = failures.some(isRetryable);
    const head = failures.length === 1 ? 'delivery failed' : `${failures.length} deliveries failed`;
    super(retryable ? 'VENDOR_FAILED' : 'VENDOR_REJECTED', `${head}: ${failures.map(errorText).join('; ')}`, {
      cause: failures[0],
      retryable,
    });
    this.failures = failures;
  }
}

/** Throws one DeliveryError naming every rejected result; does nothing when all succeeded. */
export function throwIfAnyFailed(results: PromiseSettledResult<unknown>[]): void {
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length === 1 && failures[0] instanceof DispatchError) throw failures[0];
  if (failures.length > 0) throw new DeliveryError(failures);
}
