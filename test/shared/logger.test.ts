import { describe, expect, it } from 'vitest';
import { emfMetrics, jsonLogger } from '../../lambdas/shared/logger.ts';

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
