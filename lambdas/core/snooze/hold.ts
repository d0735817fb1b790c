/**
 * While a key is snoozed, its repeats send no DM, page or comment: each is counted (once per SNS message) and
 * nothing else happens. The snooze is read with what the route reads anyway, so an alarm that is not snoozed pays
 * no extra round trip: nag, broadcast and low-priority find it on the record `occurrenceFor`'s one lookup returns;
 * high-priority reads the record in parallel with its storm slot and page claim.
 */
import type { Occurrence } from '../occurrence.ts';
import type { AlarmLookup, Clock, Ledger, Log, SnoozeRecord, StepClaim } from '../ports.ts';
import type { Delivery } from '../route-types.ts';

/** What a route reports for a repeat held by a snooze. */
export interface Snoozed {
  by: string;
  until: number;
  /** Repeats counted in this snooze so far (this one included); undefined for a redelivery, not counted again. */
  repeats?: number | undefined;
}

/** The snooze when it runs at `now`: not ended, and its end still ahead. */
export function activeSnooze(snooze: SnoozeRecord | undefined, now: number): SnoozeRecord | undefined {
  return snooze && snooze.endedAt === undefined && snooze.until > now ? snooze : undefined;
}

/** The counter of one snooze period's repeats (on the alarm's key). */
export const repeatsCounter = (id: string) => `snooze:${id}`;

function why(snooze: SnoozeRecord): string {
  return `snoozed by ${snooze.by} until ${new Date(snooze.until).toISOString()}`;
}

/**
 * For occurrenceFor: undefined when the key is not snoozed (nothing was done); otherwise the message is remembered
 * and counted in one parallel round trip, and the occurrence says to stop.
 */
export async function holdWhileSnoozed(
  deps: { ledger: Ledger; clock: Clock },
  key: string,
  messageId: string,
  lookup: AlarmLookup,
): Promise<Occurrence | undefined> {
  const record = lookup.record;
  const snooze = activeSnooze(record?.snooze, deps.clock.now());
  if (!record || !snooze) return undefined;
  const held = { record, repeat: true, stop: true, suppressed: why(snooze) };
  if (lookup.seenIn !== undefined) {
    return { ...held, redelivery: true, snoozed: { by: snooze.by, until: snooze.until } };
  }
  const [, repeats] = await Promise.all([
    deps.ledger.remember(key, messageId, record.occurrence),
    deps.ledger.increment(key, repeatsCounter(snooze.id)),
  ]);
  return { ...held, snoozed: { by: snooze.by, until: snooze.until, repeats } };
}

/** A route's delivery for a held repeat. */
export function heldDelivery(key: string, occ: Occurrence & { snoozed: Snoozed }): Delivery {
  return {
    key,
    occurrence: occ.record.occurrence,
    dms: [],
    suppressed: occ.suppressed,
    snoozed: occ.snoozed,
  };
}

/**
 * high-priority, snoozed: the page step this message claimed is settled as "not paged" (a redelivery finds it
 * done), the repeat is counted, and the storm slot it took is given back, so the first page after the snooze is
 * not held by a repeat that was never paged.
 */
export async function holdPage(
  deps: { ledger: Ledger; log: Log },
  key: string,
  page: { step: string; claim: StepClaim; tookSlot: boolean; slot: string },
  snooze: SnoozeRecord,
): Promise<Delivery> {
  const { step, claim, tookSlot, slot } = page;
  const [repeats] = await Promise.all([
    claim.status === 'won' ? deps.ledger.increment(key, repeatsCounter(snooze.id)) : undefined,
    claim.status === 'won' ? deps.ledger.complete(key, step, { suppressed: true, snoozed: true }) : undefined,
    tookSlot ? deps.ledger.freeSlot(key, slot) : undefined,
  ]);
  deps.log.info('high-priority repeat while snoozed: counted, not paged', { alarmKey: key, repeats });
  return {
    key,
    dms: [],
    suppressed: why(snooze),
    snoozed: { by: snooze.by, until: snooze.until, repeats },
  };
}
