/** Turning the settled results of parallel steps into one error, after every step has had its chance. */
import { DispatchError } from '../errors.ts';
import { errorText, isRetryable } from '../steps.ts';

/** Distinct reasons named in a DeliveryError's message; the rest are counted (it becomes a log line and the DLQ reason). */
export const REASONS_SHOWN = 10;
const REASON_CHARS = 1_000;

/** `reason (×n)` for each distinct reason, the most frequent first, at most REASONS_SHOWN of them. */
function reasons(failures: unknown[]): string {
  const counts = new Map<string, number>();
  for (const failure of failures) {
    const full = errorText(failure);
    const text = full.length > REASON_CHARS ? `${full.slice(0, REASON_CHARS)}…` : full;
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, REASONS_SHOWN).map(([text, n]) => (n > 1 ? `${text} (×${n})` : text));
  const rest = sorted.length - shown.length;
  return shown.join('; ') + (rest > 0 ? `; and ${rest} other reasons` : '');
}

export class DeliveryError extends DispatchError {
  override name = 'DeliveryError';
  readonly failures: unknown[];
  constructor(failures: unknown[]) {
    const retryable = failures.some(isRetryable);
    const head = failures.length === 1 ? 'delivery failed' : `${failures.length} deliveries failed`;
    super(retryable ? 'VENDOR_FAILED' : 'VENDOR_REJECTED', `${head}: ${reasons(failures)}`, {
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
