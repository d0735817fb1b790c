/**
 * Regression, issue 13 item 7: a 40,000-level `body.pagerduty.body` (it fits in an SNS message, and JSON.parse
 * and zod handle it) overflowed the stack in JSON.stringify on the way to PagerDuty, and "Maximum call stack size
 * exceeded" was retried as if transient. A producer's mistake is a validation error naming the field; and any
 * RangeError while routing a producer's alarm is one too, never a retryable fault.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlarmValidationError } from '../../lambdas/core/errors.ts';
import { MAX_JSON_DEPTH } from '../../lambdas/core/json-depth.ts';
import { parseAlarmJson } from '../../lambdas/core/parse-alarm.ts';
import { receiveAlarm } from '../../lambdas/core/receive.ts';
import { fakeDeps } from '../fakes/route-deps.ts';

const nested = (depth: number, open = '{"a":', close = '}') => `${open.repeat(depth)}1${close.repeat(depth)}`;
const highPriority = (body: string) =>
  `{"type":"high-priority","requestId":"deep-1","body":{"pagerduty":{"title":"Deep","body":${body}}}}`;

describe('free-form JSON depth (issue 13 item 7)', () => {
  it('rejects a 40,000-level body.pagerduty.body with an error naming the field, not retryable', () => {
    // Prepare
    const raw = highPriority(nested(40_000));
    // Act / Assess
    expect(raw.length).toBeLessThan(262_144);
    expect(() => parseAlarmJson(raw)).toThrow(
      new AlarmValidationError([{ path: 'body.pagerduty.body', message: 'nested deeper than 32 levels' }]),
    );
    expect(() => parseAlarmJson(raw)).toThrow(
      expect.objectContaining({
        name: 'AlarmValidationError',
        code: 'ALARM_INVALID',
        retryable: false,
        message: 'alarm rejected: body.pagerduty.body: nested deeper than 32 levels',
      }),
    );
  });

  it.each([
    ['objects', '{"a":', '}'],
    ['arrays', '[', ']'],
  ])('accepts %s nested 32 levels and rejects 33', (_what, open, close) => {
    // Act / Assess
    expect(MAX_JSON_DEPTH).toBe(32);
    const ok = parseAlarmJson(highPriority(`{"x":${nested(31, open, close)}}`));
    expect(ok.type).toBe('high-priority');
    expect(() => parseAlarmJson(highPriority(`{"x":${nested(32, open, close)}}`))).toThrow(
      'body.pagerduty.body: nested deeper than 32 levels',
    );
  });

  it('rejects the deep alarm on receipt: no page, counted as rejected, not retried', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act / Assess
    await expect(
      receiveAlarm(deps, { messageId: 'm1', body: highPriority(nested(40_000)) }),
    ).rejects.toMatchObject({ name: 'AlarmValidationError', retryable: false });
    expect(deps.pager.pages).toEqual([]);
    expect(deps.metrics.counts).toEqual([
      { name: 'alarms', dimensions: { type: 'invalid', outcome: 'rejected' }, value: 1 },
    ]);
  });
});

/** One valid alarm of each type, every one reaching at least one vendor. */
const ALARMS = {
  'self-service': {
    users: [{ slackId: 'U1', github: 'alice' }],
    body: {
      github: { title: 'Login' },
      slack: { message: 'Was it you?', prompt: 'p', actions: { yes: 'y', no: 'n' } },
    },
  },
  broadcast: {
    users: [{ slackId: 'U1' }, { slackId: 'U2' }],
    body: { github: { title: 'News' }, slack: { message: 'Read it' } },
  },
  nag: { users: [{ slackId: 'U1' }], body: { github: { title: 'Encrypt' }, slack: { message: 'Now' } } },
  'low-priority': { body: { github: { title: 'Key unused' } } },
  'high-priority': { body: { pagerduty: { title: 'Root login' } } },
};

const RANGE_ERRORS = [
  () => new RangeError('Maximum call stack size exceeded'),
  () => new RangeError('Invalid string length'),
  () => new RangeError('Invalid array length'),
];

describe('a RangeError while routing is the alarm’s fault, not a transient one', () => {
  it('maps it to a non-retryable validation error naming the alarm, wherever it happens', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(ALARMS) as (keyof typeof ALARMS)[])),
        fc.constantFrom('slack', 'github', 'pagerduty'),
        fc.constantFrom(...RANGE_ERRORS),
        fc.stringMatching(/^[a-z0-9-]{1,20}$/),
        async (type, where, rangeError, requestId) => {
          // Prepare
          const deps = fakeDeps();
          deps.chat.failPost = () => (where === 'slack' ? rangeError() : undefined);
          deps.tracker.failCreate = () => (where === 'github' ? rangeError() : undefined);
          deps.pager.failTrigger = () => (where === 'pagerduty' ? rangeError() : undefined);
          const body = JSON.stringify({ type, requestId, ...ALARMS[type] });
          const reaches =
            where === 'pagerduty'
              ? type === 'high-priority'
              : where === 'github'
                ? type !== 'high-priority'
                : ['self-service', 'broadcast', 'nag'].includes(type);
          // Act
          const outcome = receiveAlarm(deps, { messageId: 'm1', body });
          // Assess
          if (!reaches) return void (await expect(outcome).resolves.toBeDefined());
          await expect(outcome).rejects.toMatchObject({
            name: 'AlarmValidationError',
            retryable: false,
            message: expect.stringContaining(
              `${type} alarm ${requestId} could not be processed (RangeError: `,
            ),
          });
          expect(deps.metrics.counts.at(-1)).toMatchObject({ dimensions: { type, outcome: 'rejected' } });
        },
      ),
      { numRuns: 60, seed: 20261201 },
    );
  });
});
