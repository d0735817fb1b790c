/** How long a snooze lasts: the choices a DM offers, and the `--for` of `dispatch snooze` (`30m`, `2h`, `1d`). */

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The longest snooze: a forgotten one should not silence an alarm for good. */
export const MAX_SNOOZE_MS = 30 * UNIT_MS.d;

/** The choices a nag or broadcast DM offers; the value is what `parseDuration` reads. */
export const SNOOZE_CHOICES = [
  { label: '1 hour', value: '1h' },
  { label: '4 hours', value: '4h' },
  { label: '1 day', value: '1d' },
] as const;

export class DurationError extends Error {
  override name = 'DurationError';
}

/** `30m`, `2h`, `1d` (a whole number and a unit) in milliseconds; a DurationError says what is wrong. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d{1,6})\s*([mhd])\s*$/i.exec(text);
  if (!m) {
    throw new DurationError(
      `"${text}" is not a duration: give a whole number and m (minutes), h (hours) or d (days), e.g. 30m, 2h, 1d`,
    );
  }
  const ms = Number(m[1]) * UNIT_MS[m[2]!.toLowerCase() as keyof typeof UNIT_MS];
  if (ms < UNIT_MS.m) throw new DurationError(`"${text}" is too short: snooze for at least 1m`);
  if (ms > MAX_SNOOZE_MS) throw new DurationError(`"${text}" is too long: snooze for at most 30d`);
  return ms;
}

/** `1h 30m`, `2d 4h`, `45m`: what is left of a snooze, rounded down to the minute. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / UNIT_MS.m));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = [d && `${d}d`, h && `${h}h`, (m || (!d && !h)) && `${m}m`].filter(Boolean);
  return parts.join(' ');
}
