/**
 * Which occurrence of an alarm a message belongs to, in as few sequential ledger round trips as exactly-once
 * allows:
 * - one read (the alarm record and whether this message was seen);
 * - a key never seen can only start occurrence 1: its record (with the prompt) and the message are written while
 *   the first steps are already being claimed (`begun`); claims stay conditional, so a concurrent duplicate loses;
 * - a repeat of an occurrence whose issue exists is remembered, counted, and asks for the once-a-minute GitHub
 *   check and note slot, all in one parallel round trip.
 */
import { VendorError } from './errors.ts';
import type { AlarmRecord, IssueTracker, Ledger, PromptRecord, Clock } from './ports.ts';
import { holdWhileSnoozed, type Snoozed } from './snooze/hold.ts';

/** How often repeats of an alarm may ask GitHub whether its issue is still open. */
const STATE_CHECK_EVERY_MS = 60_000;
/** How often repeats may edit the issue's running note. */
export const NOTE_EVERY_MS = 60_000;

export interface Occurrence {
  record: AlarmRecord;
  /** Not the message that started the occurrence: a re-publish or a concurrent duplicate. */
  repeat: boolean;
  /** This very message was seen before (an SNS redelivery or a Lambda retry). */
  redelivery?: boolean;
  /** Why nothing new is sent; the occurrence's missing steps are still finished. */
  suppressed?: string;
  /** Nothing at all is to be done (`retrigger: false` and the issue was closed). */
  stop?: boolean;
  /**
   * A key never seen: its record is being written alongside the first steps. Whatever must follow the record (the
   * DM a click must be able to match, an annotation) waits for it.
   */
  begun?: Promise<unknown>;
  /** A repeat of an occurrence with an issue: how often it was seen in all, and whether it may update the note. */
  repeats?: { seen: number; mayNote: boolean };
  /** The key is snoozed: this repeat was counted (`stop` is set); see lambdas/core/snooze/hold.ts. */
  snoozed?: Snoozed;
}

export interface OccurrenceDeps {
  ledger: Ledger;
  tracker: IssueTracker;
  clock: Clock;
}

/**
 * A redelivery stays in its occurrence; a new publish joins the current one while its issue is open (or not yet
 * made); after the issue was closed it starts the next occurrence, unless `retrigger` is false. `first` holds the
 * facts a new occurrence records at once (the prompt: who may answer).
 */
export async function occurrenceFor(
  deps: OccurrenceDeps,
  key: string,
  messageId: string,
  retrigger: boolean,
  first: { prompt?: PromptRecord | undefined; snoozable?: boolean } = {},
): Promise<Occurrence> {
  const lookup = await deps.ledger.lookup(key, messageId);
  // A snooze is read with the record: a key that is not snoozed pays nothing for it.
  const held = first.snoozable ? await holdWhileSnoozed(deps, key, messageId, lookup) : undefined;
  if (held) return held;
  const { record: existing, seenIn } = lookup;
  if (existing === undefined) {
    const begun = deps.ledger.begin(key, messageId, first.prompt ? { prompt: first.prompt } : {});
    begun.catch(() => undefined);
    const record: AlarmRecord = {
      key,
      occurrence: 1,
      firstMessageId: messageId,
      updatedAt: deps.clock.now(),
      ...(first.prompt ? { prompt: first.prompt } : {}),
    };
    return { record, repeat: false, begun };
  }
  if (seenIn !== undefined) {
    // A redelivery: finish its occurrence, unless a later occurrence has already replaced it or it was resolved.
    if (seenIn === existing.occurrence && existing.resolved !== undefined) {
      return {
        record: existing,
        repeat: true,
        redelivery: true,
        stop: true,
        suppressed: 'redelivery of an alarm resolved at the source since',
      };
    }
    if (seenIn === existing.occurrence) {
      return { record: existing, repeat: existing.firstMessageId !== messageId, redelivery: true };
    }
    return {
      record: existing,
      repeat: true,
      redelivery: true,
      stop: true,
      suppressed: `redelivery of an earlier occurrence (${seenIn})`,
    };
  }
  if (existing.resolved !== undefined) {
    // Firing again after the producer resolved it: a new occurrence.
    const record = await deps.ledger.join(key, messageId, { from: existing.occurrence });
    return { record, repeat: record.firstMessageId !== messageId };
  }
  if (existing.issue === undefined) {
    await deps.ledger.remember(key, messageId, existing.occurrence);
    return { record: existing, repeat: true };
  }
  // In a storm, GitHub is asked at most once a minute whether the issue is still open; in between it counts as open.
  const o = `o${existing.occurrence}`;
  const [ask, , count, mayNote] = await Promise.all([
    deps.ledger.takeSlot(key, `${o}:state`, STATE_CHECK_EVERY_MS, messageId),
    deps.ledger.remember(key, messageId, existing.occurrence),
    deps.ledger.increment(key, `${o}:repeats`),
    deps.ledger.takeSlot(key, `${o}:note`, NOTE_EVERY_MS, messageId),
  ]);
  const repeats = { seen: 1 + count, mayNote };
  const state = !ask
    ? 'open'
    : await deps.tracker.state(existing.issue).catch((error: unknown) => {
        // A deleted or transferred issue counts as closed; anything else is retried.
        if (error instanceof VendorError && (error.status === 404 || error.status === 410))
          return 'closed' as const;
        throw error;
      });
  if (state === 'open') {
    return {
      record: existing,
      repeat: true,
      suppressed: `issue #${existing.issue.number} for this alarm is still open`,
      repeats,
    };
  }
  if (!retrigger) {
    return {
      record: existing,
      repeat: true,
      stop: true,
      suppressed: `issue #${existing.issue.number} for this alarm was closed and retrigger is false`,
    };
  }
  const record = await deps.ledger.join(key, messageId, { from: existing.occurrence });
  return { record, repeat: record.firstMessageId !== messageId };
}
