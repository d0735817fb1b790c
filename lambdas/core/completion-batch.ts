/**
 * Steps' completions recorded 25 to a write instead of one write each (a broadcast's DMs; an answer's page, comment
 * and events): the next piece of work does not wait for a completion, and every completion is written before the
 * invocation ends (Lambda freezes what runs after the handler). A crash before a batch is written is a crash after
 * the vendor call: the retry reconciles by the marker (DMs, comments), folds into the incident (the page's dedup
 * key), or publishes again with the same eventId (events), as for any step.
 */
import type { Ledger, StepDone } from './ports.ts';

const BATCH = 25;

export function completionBatch(ledger: Pick<Ledger, 'completeAll'>) {
  const pending: StepDone[] = [];
  const writes: Promise<void>[] = [];
  const flush = () => {
    while (pending.length > 0) {
      const write = ledger.completeAll(pending.splice(0, BATCH));
      write.catch(() => undefined);
      writes.push(write);
    }
  };
  return {
    collect(done: StepDone): void {
      pending.push(done);
      if (pending.length >= BATCH) flush();
    },
    /** Writes what is pending and waits for every write; settled results, for `throwIfAnyFailed`. */
    async settle(): Promise<PromiseSettledResult<void>[]> {
      flush();
      return Promise.allSettled(writes);
    },
  };
}
