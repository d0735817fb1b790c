/** Names of a prompt's timers: unique per alarm occurrence, within EventBridge Scheduler's 64-character limit. */
import { createHash } from 'node:crypto';

export type TimerKind = 'deadline' | 'reminder';

export function timerName(kind: TimerKind, key: string, occurrence: number): string {
  const id = createHash('sha256').update(`${key}#${occurrence}`).digest('hex').slice(0, 40);
  return `${kind}-${id}`;
}
