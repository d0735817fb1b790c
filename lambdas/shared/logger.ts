/**
 * Structured JSON logs, one object per line, with fixed fields (alarm id, message id) on every line.
 * Anything shaped like a Slack, GitHub or PagerDuty credential is redacted before it is written.
 */
import type { Log, Metrics } from '../core/ports.ts';

const SECRET_SHAPES = [
  /xox[abposr]-[A-Za-z0-9-]+/g,
  /xapp-[A-Za-z0-9-]+/g,
  /gh[pousr]_[A-Za-z0-9]{20,}/g,
  /github_pat_[A-Za-z0-9_]{20,}/g,
  /Token token=[^"\s]+/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

export function redact(text: string): string {
  return SECRET_SHAPES.reduce((t, shape) => t.replace(shape, '[redacted]'), text);
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

export function jsonLogger(fields: Record<string, unknown> = {}, write: Write = stdout): Log {
  const emit = (level: string, message: string, extra?: Record<string, unknown>) => {
    const line = { level, time: new Date().toISOString(), message, ...fields, ...extra };
    write(redact(JSON.stringify(line, (_k, v: unknown) => serialise(v))));
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
