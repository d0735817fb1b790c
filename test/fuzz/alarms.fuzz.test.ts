/**
 * Property-based tests over alarm JSON: arbitrary input never crashes the parser or the incoming handler, and is
 * either a valid alarm or one clear error naming where the problem is.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlarmValidationError, DispatchError } from '../../lambdas/core/errors.ts';
import { ALARM_TYPES } from '../../lambdas/core/message.ts';
import { parseAlarmJson } from '../../lambdas/core/parse-alarm.ts';
import { createHandler } from '../../lambdas/incoming/handler.ts';
import { originalExamples } from '../fixtures/alarms/original-readme.ts';
import { fakeDeps } from '../fakes/route-deps.ts';

const RUNS = { numRuns: 300, seed: 20261123 };

/** Valid alarms with a random part removed, replaced by junk, or extra keys added. */
const mutatedAlarm = fc
  .tuple(
    fc.constantFrom(
      ...Object.values(originalExamples).map((raw) => JSON.parse(raw) as Record<string, unknown>),
    ),
    fc.array(fc.tuple(fc.constantFrom('drop', 'junk', 'extra'), fc.nat(), fc.jsonValue()), { maxLength: 4 }),
  )
  .map(([alarm, edits]) => {
    const copy = structuredClone(alarm);
    for (const [edit, pick, value] of edits) {
      const paths: { parent: Record<string, unknown>; key: string }[] = [];
      const walk = (node: unknown) => {
        if (node && typeof node === 'object') {
          for (const key of Object.keys(node)) {
            paths.push({ parent: node as Record<string, unknown>, key });
            walk((node as Record<string, unknown>)[key]);
          }
        }
      };
      walk(copy);
      const at = paths[pick % Math.max(paths.length, 1)];
      if (!at) continue;
      if (edit === 'drop') delete at.parent[at.key];
      if (edit === 'junk') at.parent[at.key] = value;
      if (edit === 'extra') at.parent[`x${pick}`] = value;
    }
    return copy;
  });

function expectClearOutcome(raw: string) {
  try {
    const alarm = parseAlarmJson(raw);
    expect(ALARM_TYPES).toContain(alarm.type);
  } catch (error) {
    expect(error).toBeInstanceOf(AlarmValidationError);
    const issues = (error as AlarmValidationError).issues;
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(5);
    expect((error as Error).message).toMatch(/^alarm rejected/);
  }
}

describe('alarm parser under arbitrary input', () => {
  it('any JSON value: a valid alarm or a clear error, never a crash', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => expectClearOutcome(JSON.stringify(value) ?? 'null')),
      RUNS,
    );
  });

  it('any string: a valid alarm or a clear error, never a crash', () => {
    fc.assert(fc.property(fc.string({ maxLength: 500 }), expectClearOutcome), RUNS);
  });

  it('mutated real alarms: valid, or rejected with the path of the problem', () => {
    fc.assert(
      fc.property(mutatedAlarm, (alarm) => {
        expectClearOutcome(JSON.stringify(alarm));
      }),
      RUNS,
    );
  });

  it('unknown keys anywhere never make a valid alarm invalid', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(originalExamples)),
        fc.dictionary(
          fc
            .string({ minLength: 1, maxLength: 8 })
            .filter(
              (k) =>
                !/^(type|body|users|requestId|githubRepo|gitHubRepo|pagerDutyServiceId|retrigger|dedupeKey|severity|links|__proto__|constructor)$/.test(
                  k,
                ),
            ),
          fc.jsonValue(),
          { maxKeys: 4 },
        ),
        (raw, extra) => {
          expect(() => parseAlarmJson(JSON.stringify({ ...JSON.parse(raw), ...extra }))).not.toThrow();
        },
      ),
      RUNS,
    );
  });
});

describe('incoming handler under arbitrary events', () => {
  it('rejects anything that is not a valid alarm with a typed error, and delivers nothing for it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), mutatedAlarm), async (body) => {
        // Prepare
        const deps = fakeDeps();
        const handler = createHandler(() => deps);
        // Act
        const outcome = await handler({
          Records: [{ Sns: { MessageId: 'fuzz', Message: JSON.stringify(body) ?? 'null' } }],
        }).then(
          () => 'delivered',
          (error: unknown) => error,
        );
        // Assess
        if (outcome !== 'delivered') {
          expect(outcome).toBeInstanceOf(DispatchError);
          expect(deps.tracker.issues.length + deps.chat.posts.length + deps.pager.pages.length).toBe(0);
        }
      }),
      { ...RUNS, numRuns: 200 },
    );
  });

  it('refuses arbitrary non-SNS events with EVENT_INVALID', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (event) => {
        const handler = createHandler(() => fakeDeps());
        await expect(handler(event)).rejects.toMatchObject({ code: 'EVENT_INVALID' });
      }),
      { ...RUNS, numRuns: 100 },
    );
  });
});
