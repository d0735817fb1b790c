/** Names of a prompt's timers: unique per alarm occurrence, within EventBridge Scheduler's 64-character limit. */
import { createHash } from 'node:crypto';
import type { Timers } from './ports.ts';

export type TimerKind = 'deadline' | 'reminder';

export function timerName(kind: TimerKind, key: string, occurrence: number): string {
  const id = createHash('sha256').update(`${key}#${occurrence}`).digest('hex').slice(0, 40);
  return `${kind}-${id}`;
}

/** Cancels a prompt's deadline and reminder, together (a timer that already fired or never existed is fine). */
export async function cancelPromptTimers(
  timers: Pick<Timers, 'cancel'>,
  key: string,
  occurrence: number,
): Promise<void> {
  await Promise.all([
    timers.cancel(timerName('deadline', key, occurrence)),
    timers.cancel(timerName('reminder', key, occurrence)),
  ]);
}
