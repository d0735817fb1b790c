/**
 * Storm control: a burst of the same alarm, or of alarms for the same person, must not become a burst of pages,
 * DMs and GitHub writes.
 * - Repeats of an alarm while its issue is open update one running note on the issue ("seen 37 times, last at …"),
 *   edited at most once a minute, instead of notifying again.
 * - A high-priority alarm pages at most once per storm window. A nag DMs on every repeat, as the original Dispatch
 *   did, unless the environment opts into a nag window (`nagWindowMs`).
 * - Each user gets at most `userDmCap` broadcast/nag DMs per window; the rest wait for one digest at the window's
 *   end. Self-service prompts are never held: they must stay answerable.
 */
import { createHash } from 'node:crypto';
import type { IssueRef } from './ports.ts';
import type { RouteDeps } from './route-types.ts';
import { noteOnIssue } from './steps.ts';

export const DIGEST_MAX = 50;

/**
 * Keeps the issue's note current for a repeat the occurrence already counted (see occurrenceFor): edited at most
 * once a minute. Returns how often the alarm was seen in all.
 */
export async function noteRepeat(
  deps: RouteDeps,
  key: string,
  occurrence: number,
  issue: IssueRef,
  repeats: { seen: number; mayNote: boolean },
): Promise<number> {
  if (repeats.mayNote) {
    const when = new Date(deps.clock.now()).toISOString();
    await noteOnIssue(
      deps,
      key,
      `o${occurrence}:note`,
      issue,
      `:repeat: Seen ${repeats.seen} times, last at ${when}. Repeats while this issue is open update this note instead of notifying again.`,
    );
  }
  return repeats.seen;
}

/** Whether this message may notify, or falls inside the window (the storm window by default) of an earlier one. */
export async function mayNotify(
  deps: RouteDeps,
  key: string,
  slot: string,
  messageId: string,
  windowMs: number = deps.config.stormWindowMs,
): Promise<boolean> {
  if (windowMs === 0) return true;
  return deps.ledger.takeSlot(key, slot, windowMs, messageId);
}

/**
 * Counts a DM against the user's cap, started beside the DM's claim. `within` is false once the cap is reached;
 * `undo` takes the count back when the DM is not sent after all (its claim was lost, or sending failed); `hold`
 * lists a DM over the cap for the digest of the window it was counted in.
 */
export function countAgainstCap(
  deps: RouteDeps,
  user: string,
): { within: Promise<boolean>; undo: () => Promise<void>; hold: (summary: string) => Promise<void> } {
  const { userDmCap: cap, userDmWindowMs: windowMs } = deps.config;
  const window = Math.floor(deps.clock.now() / windowMs) * windowMs;
  const within = deps.ledger.incrementBelow(`user#${user}`, `dms:${window}`, cap);
  within.catch(() => undefined);
  return {
    within,
    undo: async () => {
      if (await within.catch(() => false)) await deps.ledger.increment(`user#${user}`, `dms:${window}`, -1);
    },
    hold: (summary) => holdForDigest(deps, user, window, summary),
  };
}

/** A DM over the cap: listed for the digest; the digest timer is set when the first one is held. */
async function holdForDigest(deps: RouteDeps, user: string, window: number, summary: string): Promise<void> {
  const { userDmWindowMs: windowMs } = deps.config;
  const held = await deps.ledger.append(`user#${user}`, `held:${window}`, summary, DIGEST_MAX);
  if (held === 1) {
    const id = createHash('sha256').update(`${user}#${window}`).digest('hex').slice(0, 40);
    await deps.timers.set(`digest-${id}`, window + windowMs, { kind: 'digest', user, window });
  }
  deps.log.warn('DM held back by the per-user cap; it goes into the digest', { user, held });
}
