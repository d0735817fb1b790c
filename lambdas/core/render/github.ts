/** What GitHub shows: issue bodies, the hidden markers Dispatch writes, mentions. Pure functions of the alarm. */
import type { Alarm } from '../message.ts';

/** The hidden line that lets a retry find an issue an earlier attempt created. */
export function issueMarker(marker: string): string {
  return `<!-- dispatch:${marker} -->`;
}

export interface IssueFooter {
  key: string;
  marker: string;
  requestId: string;
  /** Lines added under the producer's body: mentions, who was told, fallbacks. */
  lines: string[];
}

export function issueBody(
  alarm: Alarm & { type: Exclude<Alarm['type'], 'high-priority'> },
  footer: IssueFooter,
) {
  const links = (alarm.links ?? []).map((l) => `- [${l.text ?? l.href}](${l.href})`);
  return [
    alarm.body.github.body ?? '',
    '',
    ...footer.lines,
    ...(links.length ? ['', '**Links**', ...links] : []),
    '',
    '---',
    `<sub>Dispatch ${alarm.type} alarm · key \`${footer.key}\` · request \`${footer.requestId}\`</sub>`,
    issueMarker(footer.marker),
  ].join('\n');
}

/** `@alice`, or the default user or team when the alarm has no handle. */
export function mention(handle: string | undefined, fallback: string): string {
  return `@${(handle || fallback).replace(/^@/, '')}`;
}
