/**
 * What GitHub shows: issue bodies, the hidden markers Dispatch writes, mentions. Pure functions of the alarm.
 *
 * Text is data until Dispatch says otherwise (GitHub Flavored Markdown, a CommonMark superset:
 * https://github.github.com/gfm/):
 * - A marker is trusted only as the last line of what Dispatch itself wrote; producer text can never carry one,
 *   because every `<!--` in it is written `&lt;!--` (an HTML comment cannot start: GFM 4.6, 6.6).
 * - What Dispatch interpolates (request IDs, keys, Slack IDs, names, labels, reasons) goes in a code span or a
 *   fence longer than any backtick run inside it (GFM 6.1, 4.5), on one line, so it cannot close early, and
 *   GitHub does not turn `@name` in code into a mention.
 * - The only mention Dispatch writes is the user's validated `github` handle, or the configured default.
 */
import { GITHUB_HANDLE, type Alarm } from '../message.ts';

/** Characters a marker keeps as they are; anything else (`>`, whitespace, `%`…) is percent-encoded. */
const MARKER_SAFE = /[^A-Za-z0-9:#/._~+=@-]/gu;

/**
 * The hidden line that lets a retry find what an earlier attempt created. Keys made of safe characters (every
 * derived key) read as they are; any other character is percent-encoded, so a producer's `dedupeKey` cannot end
 * the comment early or break the line.
 */
export function issueMarker(marker: string): string {
  return `<!-- dispatch:${marker.replace(MARKER_SAFE, percentEncoded)} -->`;
}

/** UTF-8 percent-encoding; a lone surrogate becomes U+FFFD instead of throwing. */
function percentEncoded(c: string): string {
  return [...new TextEncoder().encode(c)]
    .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}

/** Whether `body` ends with the marker of `marker`: its last non-empty line is exactly that marker. */
export function carriesMarker(body: string | null | undefined, marker: string): boolean {
  const lines = (body ?? '').split(/\r\n|\r|\n/);
  const last = lines.findLast((line) => line.trim() !== '');
  return last?.trim() === issueMarker(marker);
}

/** Producer text with every HTML comment opener written as text, so it can neither hide content nor a marker. */
export function neutralise(text: string): string {
  return text.replaceAll('<!--', '&lt;!--');
}

/** GFM line endings; a code span or a list of names must stay on one line. */
const LINE_ENDING = /\r\n|\r|\n/g;

function longestRun(text: string, char: '`' | '~'): number {
  let longest = 0;
  for (const run of text.match(char === '`' ? /`+/g : /~+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/**
 * `text` as one inline code span that cannot be closed early: delimited by a backtick run longer than any inside,
 * padded with a space when the text starts or ends with a backtick or a space (GFM 6.1 strips one space each side).
 * Line endings become spaces (a blank line would end the paragraph, and the span with it).
 */
export function code(text: string): string {
  const flat = neutralise(text).replace(LINE_ENDING, ' ') || ' ';
  const ticks = '`'.repeat(longestRun(flat, '`') + 1);
  const pad = /^[` ]|[` ]$/.test(flat) && flat.trim() !== '' ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** `text` as a fenced code block whose fence is longer than any backtick run inside it (GFM 4.5). */
export function fence(text: string): string {
  const ticks = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return `${ticks}text\n${neutralise(text)}\n${ticks}`;
}

/** Link text that stays text: GFM punctuation backslash-escaped, `<` as an entity, on one line (GFM 2.4, 6.3). */
function linkText(text: string): string {
  return text
    .replace(LINE_ENDING, ' ')
    .replace(/[\\`*_{}[\]()#+\-.!|~"'&=:;,?@>^$%]/g, '\\$&')
    .replaceAll('<', '&lt;');
}

/** A link destination in angle brackets, so `(`, `)` and spaces cannot end it (GFM 6.3). */
function linkHref(href: string): string {
  return `<${href.replace(/[<>\s]/g, encodeURIComponent)}>`;
}

/**
 * A producer's Markdown, made safe to write above Dispatch's footer: markers neutralised, and a fence the producer
 * left open closed, so the footer and the mentions after it are not swallowed into a code block.
 */
export function producerMarkdown(text: string): string {
  let open: { char: string; length: number } | undefined;
  for (const line of text.split(LINE_ENDING)) {
    const fenceLine = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (!fenceLine) continue;
    const run = fenceLine[1]!;
    const rest = fenceLine[2]!;
    if (open) {
      if (run[0] === open.char && run.length >= open.length && rest.trim() === '') open = undefined;
    } else if (!(run[0] === '`' && rest.includes('`'))) {
      open = { char: run[0]!, length: run.length };
    }
  }
  const safe = neutralise(text);
  return open ? `${safe}\n${open.char.repeat(open.length)}` : safe;
}

/**
 * Splits `items` into consecutive parts whose joined form (with `separator`) is at most `budget` characters; the
 * first part may have its own, smaller budget. An item longer than a budget gets a part of its own (callers keep
 * items far shorter than any budget).
 */
export function partsToFit(
  items: string[],
  separator: string,
  budget: number,
  firstBudget = budget,
): string[][] {
  const parts: string[][] = [];
  let part: string[] = [];
  let size = 0;
  for (const item of items) {
    const limit = parts.length === 0 ? firstBudget : budget;
    const added = (part.length ? separator.length : 0) + item.length;
    if (part.length && size + added > limit) {
      parts.push(part);
      part = [];
      size = 0;
    }
    size += (part.length ? separator.length : 0) + item.length;
    part.push(item);
  }
  if (part.length || parts.length === 0) parts.push(part);
  return parts;
}

export interface IssueFooter {
  key: string;
  marker: string;
  requestId: string;
  /** Lines added under the producer's body: mentions, who was told, fallbacks. Written by Dispatch (see `code`). */
  lines: string[];
}

export function issueBody(
  alarm: Alarm & { type: Exclude<Alarm['type'], 'high-priority'> },
  footer: IssueFooter,
) {
  const links = (alarm.links ?? []).map((l) => `- [${linkText(l.text ?? l.href)}](${linkHref(l.href)})`);
  return [
    producerMarkdown(alarm.body.github.body ?? ''),
    '',
    ...footer.lines,
    ...(links.length ? ['', '**Links**', ...links] : []),
    '',
    '---',
    `<sub>Dispatch ${alarm.type} alarm · key ${code(footer.key)} · request ${code(footer.requestId)}</sub>`,
    issueMarker(footer.marker),
  ].join('\n');
}

/**
 * `@alice` or `@acme/security`: the user's handle, or the default user or team when the alarm has none. A handle
 * that is not a GitHub login or team (the schema refuses those; this is the last line) is written as code.
 */
export function mention(handle: string | undefined, fallback: string): string {
  const name = handle || fallback;
  return GITHUB_HANDLE.test(name) ? `@${name.replace(/^@/, '')}` : code(name);
}
