/**
 * What the log says about an alarm's deliveries: counts by outcome, the first few deliveries in full and every
 * failure up to a bound. A broadcast to thousands must not become one log line of hundreds of kilobytes (CloudWatch
 * Logs takes 256 KB per event); the full report stays in the handler's return value.
 */
import type { Delivery, DmOutcome } from './route-types.ts';

/** Deliveries, and DMs within each, logged in full. */
export const SUMMARY_FIRST = 20;
/** Failed DMs logged in full (the rest are counted). */
export const SUMMARY_FAILURES = 50;

export interface DmCounts {
  total: number;
  sent: number;
  fallback: number;
  failed: number;
  held: number;
}

export interface DeliverySummary {
  counts: { deliveries: number; issues: number; pages: number; suppressed: number; dms: DmCounts };
  /** The first SUMMARY_FIRST deliveries, each with its first SUMMARY_FIRST DMs. */
  first: (Omit<Delivery, 'dms'> & { dms: DmOutcome[]; moreDms?: number })[];
  moreDeliveries?: number;
  /** Failed DMs in full, up to SUMMARY_FAILURES. */
  failedDms: DmOutcome[];
  moreFailedDms?: number;
}

function outcome(dm: DmOutcome): Exclude<keyof DmCounts, 'total'> {
  if (dm.failed !== undefined) return 'failed';
  if (dm.held) return 'held';
  if (dm.fallback !== undefined) return 'fallback';
  return 'sent';
}

export function summariseDeliveries(deliveries: Delivery[]): DeliverySummary {
  const dms: DmCounts = { total: 0, sent: 0, fallback: 0, failed: 0, held: 0 };
  const failedDms: DmOutcome[] = [];
  let failedTotal = 0;
  for (const delivery of deliveries) {
    for (const dm of delivery.dms) {
      const o = outcome(dm);
      dms.total++;
      dms[o]++;
      if (o === 'failed' && ++failedTotal <= SUMMARY_FAILURES) failedDms.push(dm);
    }
  }
  const first = deliveries.slice(0, SUMMARY_FIRST).map(({ dms: all, ...rest }) => ({
    ...rest,
    dms: all.slice(0, SUMMARY_FIRST),
    ...(all.length > SUMMARY_FIRST ? { moreDms: all.length - SUMMARY_FIRST } : {}),
  }));
  return {
    counts: {
      deliveries: deliveries.length,
      issues: deliveries.filter((d) => d.issue).length,
      pages: deliveries.filter((d) => d.page).length,
      suppressed: deliveries.filter((d) => d.suppressed).length,
      dms,
    },
    first,
    ...(deliveries.length > SUMMARY_FIRST ? { moreDeliveries: deliveries.length - SUMMARY_FIRST } : {}),
    failedDms,
    ...(failedTotal > SUMMARY_FAILURES ? { moreFailedDms: failedTotal - SUMMARY_FAILURES } : {}),
  };
}
