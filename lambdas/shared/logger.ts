/**
 * Structured JSON logs, one object per line, with fixed fields (alarm id, message id) on every line.
 * Anything shaped like a Slack, GitHub or PagerDuty credential or a PEM private key is redacted before it is
 * written, in time linear in the line. No line exceeds MAX_LINE_BYTES: an oversized one is shortened, with a note.
 */
import type { Log, Metrics } from '../core/ports.ts';

/**
 * CloudWatch Logs accepts at most 256 KB per log event (the message plus 26 bytes); a longer line is split or cut
 * by the Lambda runtime. Dispatch keeps every line well under it.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html
 */
export const MAX_LINE_BYTES = 200_000;
/** In a shortened line: strings keep this many characters, arrays this many items, objects this many keys. */
const SHORT = { chars: 2_000, items: 50, keys: 100 } as const;
/** In the last-resort line: this many characters of the original (redacted) line. */
const HEAD_CHARS = 16_000;

/**
 * Token shapes. Each starts with a fixed prefix and has no nested quantifier, so the regex engine does linear
 * work: a failed attempt stops within a bounded distance of where it started.
 */
const TOKEN_SHAPES = [
  /xox[abposr]-[A-Za-z0-9-]+/g,
  /xapp-[A-Za-z0-9-]+/g,
  /gh[pousr]_[A-Za-z0-9]{20,}/g,
  /github_pat_[A-Za-z0-9_]{20,}/g,
  /Token token=[^"\s]+/g,
];

export function redact(text: string): string {
  return redactPrivateKeys(TOKEN_SHAPES.reduce((t, shape) => t.replace(shape, '[redacted]'), text));
}

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const LABEL_TAIL = 'PRIVATE KEY';
const DASHES = '-----';

/** Where the label `[A-Z ]*PRIVATE KEY-----` that starts at `from` ends (past the dashes), or -1. */
function privateKeyLabel(text: string, from: number): number {
  let i = from;
  for (let c = text.charCodeAt(i); (c >= 65 && c <= 90) || c === 32; c = text.charCodeAt(++i));
  // The run of capitals and spaces must end in "PRIVATE KEY" and be followed by the dashes.
  const ok = i - from >= LABEL_TAIL.length && text.startsWith(LABEL_TAIL, i - LABEL_TAIL.length);
  return ok && text.startsWith(DASHES, i) ? i + DASHES.length : -1;
}

/** Where the JSON string containing `from` ends: its closing quote (escaped characters skipped), or the end. */
function endOfString(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) return i;
  }
  return text.length;
}

/**
 * Replaces every `-----BEGIN … PRIVATE KEY-----` … `-----END … PRIVATE KEY-----` block, and a BEGIN whose END is
 * missing (a key cut short) up to the end of the string it is in. One forward pass with indexOf: the search for an
 * END only ever moves forward, and once none is found after some point none is looked for again, so the work is
 * linear in the text. (A lazy regex from each BEGIN to the first END was quadratic: 5 s for 253 KB of BEGINs.)
 */
export function redactPrivateKeys(text: string): string {
  let begin = text.indexOf(BEGIN);
  if (begin === -1) return text;
  let out = '';
  let copied = 0;
  let noEndFrom = Infinity;
  while (begin !== -1) {
    const body = privateKeyLabel(text, begin + BEGIN.length);
    if (body === -1) {
      begin = text.indexOf(BEGIN, begin + 1);
      continue;
    }
    let stop = -1;
    for (let end = body < noEndFrom ? text.indexOf(END, body) : -1; end !== -1;) {
      stop = privateKeyLabel(text, end + END.length);
      if (stop !== -1) break;
      end = text.indexOf(END, end + 1);
    }
    if (stop === -1) {
      noEndFrom = Math.min(noEndFrom, body);
      stop = endOfString(text, body);
    }
    out += `${text.slice(copied, begin)}[redacted]`;
    copied = stop;
    begin = text.indexOf(BEGIN, stop);
  }
  return out + text.slice(copied);
}

type Write = (line: string) => void;
const stdout: Write = (line) => process.stdout.write(`${line}\n`);

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    const e = value as Error & { code?: string; issues?: unknown };
    return { name: e.name, message: e.message, code: e.code, issues: e.issues };
  }
  return value;
}

const bytes = (text: string) => (text.length * 3 <= MAX_LINE_BYTES ? text.length : Buffer.byteLength(text));

/** A value cut down for a shortened line: long strings (redacted first, so no cut leaves half a token), arrays and objects. */
function shorten(value: unknown): unknown {
  if (typeof value === 'string') {
    if (value.length <= SHORT.chars) return value;
    const clean = redact(value);
    return clean.length <= SHORT.chars
      ? clean
      : `${clean.slice(0, SHORT.chars)}… [${clean.length - SHORT.chars} more characters not logged]`;
  }
  if (Array.isArray(value)) {
    return value.length <= SHORT.items
      ? value
      : [...value.slice(0, SHORT.items), `… [${value.length - SHORT.items} more items not logged]`];
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length <= SHORT.keys) return value;
    const kept = Object.fromEntries(
      keys.slice(0, SHORT.keys).map((k) => [k, (value as Record<string, unknown>)[k]]),
    );
    return { ...kept, '…': `[${keys.length - SHORT.keys} more keys not logged]` };
  }
  return value;
}

/**
 * The last resort for a line over MAX_LINE_BYTES: first every field shortened (long strings, arrays and objects
 * cut, with a note of what is missing); if that is still too long, the fixed fields, the message and the start of
 * the line. Either way the line says it was shortened and how long it was.
 */
function boundedLine(line: Record<string, unknown>, fixed: Record<string, unknown>, full: string): string {
  const truncated = `this line had ${bytes(full)} bytes; fields were shortened to stay under CloudWatch Logs' event limit`;
  const shortened = redact(JSON.stringify({ ...line, truncated }, (_k, v: unknown) => shorten(serialise(v))));
  if (bytes(shortened) <= MAX_LINE_BYTES) return shortened;
  const { level, time, message } = line;
  const head = `,"head":${JSON.stringify(full.slice(0, HEAD_CHARS))}}`;
  for (const kept of [{ message, ...fixed }, { message }]) {
    const minimal = redact(
      JSON.stringify({ level, time, ...kept, truncated }, (_k, v: unknown) => shorten(serialise(v))),
    );
    if (bytes(minimal) + bytes(head) <= MAX_LINE_BYTES) return minimal.slice(0, -1) + head;
  }
  return JSON.stringify({ level, time, truncated });
}

export function jsonLogger(fields: Record<string, unknown> = {}, write: Write = stdout): Log {
  const emit = (level: string, message: string, extra?: Record<string, unknown>) => {
    const line = { level, time: new Date().toISOString(), message, ...fields, ...extra };
    const text = redact(JSON.stringify(line, (_k, v: unknown) => serialise(v)));
    write(bytes(text) <= MAX_LINE_BYTES ? text : boundedLine(line, fields, text));
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    with: (more) => jsonLogger({ ...fields, ...more }, write),
  };
}

/** CloudWatch metrics in the Embedded Metric Format: a log line CloudWatch turns into a metric, no API call. */
export function emfMetrics(namespace: string, write: Write = stdout): Metrics {
  return {
    count(name, dimensions, value = 1) {
      write(
        JSON.stringify({
          _aws: {
            Timestamp: Date.now(),
            CloudWatchMetrics: [
              {
                Namespace: namespace,
                Dimensions: [Object.keys(dimensions)],
                Metrics: [{ Name: name, Unit: 'Count' }],
              },
            ],
          },
          ...dimensions,
          [name]: value,
        }),
      );
    },
  };
}

export const systemClock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};
