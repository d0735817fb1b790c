import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, emfMetrics, jsonLogger, redact } from '../../lambdas/shared/logger.ts';

describe('jsonLogger', () => {
  it('writes one JSON object per line with the fixed fields on every line', () => {
    // Prepare
    const lines: string[] = [];
    const log = jsonLogger({ service: 'dispatch-incoming' }, (l) => lines.push(l)).with({ alarmId: 'a1' });
    // Act
    log.info('routed', { issue: 3 });
    log.error('failed', { error: Object.assign(new Error('boom'), { code: 'VENDOR_FAILED' }) });
    // Assess
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed[0]).toMatchObject({
      level: 'info',
      message: 'routed',
      service: 'dispatch-incoming',
      alarmId: 'a1',
      issue: 3,
    });
    expect(parsed[1]).toMatchObject({
      level: 'error',
      alarmId: 'a1',
      error: { message: 'boom', code: 'VENDOR_FAILED' },
    });
  });

  it.each([
    ['a Slack bot token', 'xoxb-1234-5678-abcdefghijkl'],
    ['a GitHub token', 'ghp_abcdefghijklmnopqrstuvwxyz012345'],
    ['a fine-grained GitHub token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop'],
    ['a PagerDuty REST token header', 'Token token=y_NbAkKc66ryYTWUXYEu'],
  ])('redacts %s wherever it appears', (_what, secret) => {
    // Prepare
    const lines: string[] = [];
    const log = jsonLogger({}, (l) => lines.push(l));
    // Act
    log.warn(`request failed for ${secret}`, { nested: { header: secret } });
    // Assess
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).toContain('[redacted]');
  });
});

describe('private key redaction (issue 13 item 5: it was quadratic, 5 s on a 253 KB alarm)', () => {
  const KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7x\n-----END RSA PRIVATE KEY-----';

  it('redacts a whole key and keeps the text around it', () => {
    // Act
    const out = redact(`before ${KEY} between ${KEY.replace(/RSA /g, '')} after`);
    // Assess
    expect(out).toBe('before [redacted] between [redacted] after');
  });

  it('redacts a key cut short (no END line) up to the end of the JSON string it is in', () => {
    // Prepare
    const line = JSON.stringify({ error: `bad key ${KEY.slice(0, 50)}`, next: 'kept' });
    // Act
    const out = redact(line);
    // Assess
    expect(out).toBe('{"error":"bad key [redacted]","next":"kept"}');
    expect(JSON.parse(out)).toEqual({ error: 'bad key [redacted]', next: 'kept' });
  });

  it('leaves BEGIN lines of other things, and an END before any BEGIN, alone', () => {
    // Act / Assess
    expect(redact('-----BEGIN CERTIFICATE-----abc-----END CERTIFICATE-----')).toBe(
      '-----BEGIN CERTIFICATE-----abc-----END CERTIFICATE-----',
    );
    expect(redact('-----END PRIVATE KEY----- x')).toBe('-----END PRIVATE KEY----- x');
  });

  // The scan is one forward pass (indexOf from a position that only grows), so the work is linear; the bounds
  // below are generous (the quadratic regex took 0.6 s here and 5 s on a Lambda for the 253 KB case, 4x for 2x).
  it.each([
    ['BEGIN lines without an END', '-----BEGIN PRIVATE KEY-----'],
    ['BEGIN lines inside JSON strings', '"-----BEGIN PRIVATE KEY-----",'],
    ['BEGINs with long labels', `-----BEGIN ${'A'.repeat(500)} PRIVATE KEY-----`],
    ['END lines that are not private keys', '-----BEGIN PRIVATE KEY----------END CERTIFICATE-----'],
    ['token prefixes', 'ghp_abc xoxb- github_pat_ Token token= '],
  ])('redacts 253 KB and 506 KB of %s in well under 200 ms', (_what, unit) => {
    for (const bytes of [253 * 1024, 506 * 1024]) {
      // Prepare
      const text = unit.repeat(Math.ceil(bytes / unit.length));
      // Act
      const start = performance.now();
      redact(text);
      const ms = performance.now() - start;
      // Assess
      expect(ms).toBeLessThan(200);
    }
  });
});

describe('line size (issue 13 item 3)', () => {
  const within = (line: string) => Buffer.byteLength(line) <= MAX_LINE_BYTES;

  it('shortens an oversized field with a note and keeps the fixed fields', () => {
    // Prepare
    const lines: string[] = [];
    const log = jsonLogger({ alarmId: 'a1', messageId: 'm1' }, (l) => lines.push(l));
    // Act
    log.info('routed', { big: 'x'.repeat(300_000), list: Array.from({ length: 10_000 }, (_, i) => i) });
    // Assess
    expect(within(lines[0]!)).toBe(true);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ message: 'routed', alarmId: 'a1', messageId: 'm1' });
    expect(line.truncated).toMatch(/^this line had \d+ bytes/);
    expect(line.big).toMatch(/^x{2000}… \[298000 more characters not logged\]$/);
    expect(line.list).toHaveLength(51);
    expect(line.list.at(-1)).toBe('… [9950 more items not logged]');
  });

  it('falls back to the message, the fixed fields and the start of the line when shortening is not enough', () => {
    // Prepare
    const lines: string[] = [];
    const log = jsonLogger({ alarmId: 'a1' }, (l) => lines.push(l));
    const wide = Array.from({ length: 50 }, () => Array.from({ length: 50 }, () => 'y'.repeat(2_000)));
    // Act
    log.error('failed', { wide });
    // Assess
    expect(within(lines[0]!)).toBe(true);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 'error', message: 'failed', alarmId: 'a1' });
    expect(line.wide).toBeUndefined();
    expect(line.head).toMatch(/^\{"level":"error"/);
  });

  it('never leaves part of a token where a long string is cut', () => {
    // Prepare
    const lines: string[] = [];
    const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const log = jsonLogger({}, (l) => lines.push(l));
    // Act: the token straddles the point where the string is cut.
    log.warn('oops', { text: `${'z'.repeat(1_990)}${token}${'z'.repeat(300_000)}` });
    // Assess
    expect(within(lines[0]!)).toBe(true);
    expect(lines[0]).not.toContain('ghp_abc');
  });
});

describe('emfMetrics', () => {
  it('writes a CloudWatch Embedded Metric Format line per count', () => {
    // Prepare
    const lines: string[] = [];
    // Act
    emfMetrics('Dispatch', (l) => lines.push(l)).count('alarms', { type: 'nag', outcome: 'delivered' });
    // Assess
    expect(JSON.parse(lines[0]!)).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'Dispatch',
            Dimensions: [['type', 'outcome']],
            Metrics: [{ Name: 'alarms', Unit: 'Count' }],
          },
        ],
      },
      type: 'nag',
      outcome: 'delivered',
      alarms: 1,
    });
  });
});
