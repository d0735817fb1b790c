/** Just enough CommonMark to tell what GitHub shows as code and whom it would notify. */
/** Text outside fenced code blocks and code spans, per CommonMark 0.31 (4.5 fenced code blocks, 6.1 code spans). */
export function outsideCode(markdown: string): string {
  const kept: string[] = [];
  let open: { char: string; length: number } | undefined;
  for (const line of markdown.split('\n')) {
    const fenceLine = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (open) {
      if (
        fenceLine &&
        fenceLine[1]![0] === open.char &&
        fenceLine[1]!.length >= open.length &&
        !fenceLine[2]!.trim()
      )
        open = undefined;
      continue;
    }
    if (fenceLine && !(fenceLine[1]![0] === '`' && fenceLine[2]!.includes('`'))) {
      open = { char: fenceLine[1]![0]!, length: fenceLine[1]!.length };
      continue;
    }
    kept.push(line);
  }
  // Code spans: a backtick run opens one, the next run of exactly the same length closes it.
  const text = kept.join('\n');
  let out = '';
  for (let i = 0; i < text.length;) {
    if (text[i] !== '`') {
      out += text[i++];
      continue;
    }
    const run = /^`+/.exec(text.slice(i))![0];
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
    close.lastIndex = i + run.length;
    const end = close.exec(text);
    if (!end) {
      out += run;
      i += run.length;
      continue;
    }
    out += ' ';
    i = end.index + run.length;
  }
  return out;
}

/** Handles GitHub would notify for this text (mentions outside code). */
export function mentions(markdown: string): string[] {
  return [...outsideCode(markdown).matchAll(/(?:^|[^\w`])@([A-Za-z0-9][\w-]*(?:\/[\w-]+)?)/g)].map(
    (m) => m[1]!,
  );
}
