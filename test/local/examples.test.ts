/**
 * examples/ (the sandbox's buttons, `npm start -- --send`, `dispatch validate`): realistic alarms (issue 17) that a
 * producer of the original mapbox/dispatch could send unchanged, so they use only the fields it read. The original
 * README's own examples stay as fixtures (test/fixtures/alarms/original-readme.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAlarmJson } from '../../lambdas/core/parse-alarm.ts';
import { detectShape } from '../../lambdas/core/sources/detect.ts';
import { parseMessage } from '../../lambdas/core/sources/translate.ts';

/** The fields of the original's message specification. */
const ORIGINAL_FIELDS = new Set([
  'type',
  'requestId',
  'githubRepo',
  'pagerDutyServiceId',
  'retrigger',
  'users',
  'users[].slackId',
  'users[].github',
  'body',
  'body.github',
  'body.github.title',
  'body.github.body',
  'body.github.labels',
  'body.slack',
  'body.slack.message',
  'body.slack.prompt',
  'body.slack.actions',
  'body.slack.actions.yes',
  'body.slack.actions.no',
  'body.pagerduty',
  'body.pagerduty.service',
  'body.pagerduty.title',
  'body.pagerduty.body',
]);

function paths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => paths(v, `${prefix}[]`));
  if (typeof value !== 'object' || value === null || prefix === 'body.github.labels') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return [path, ...paths(v, path)];
  });
}

const files = readdirSync('examples')
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, readFileSync(`examples/${f}`, 'utf8')] as const);
/** AWS events as AWS sends them (issue 16), translated by the incoming function; the rest are Dispatch alarms. */
const isNative = (raw: string) => detectShape(JSON.parse(raw)).kind === 'native';
const examples = files.filter(([, raw]) => !isNative(raw));
const nativeExamples = files.filter(([, raw]) => isNative(raw));

describe('examples/', () => {
  it('has one example of each type at least, and the scenarios of issue 17', () => {
    const types = examples.map(([, raw]) => (JSON.parse(raw) as { type: string }).type);
    expect(new Set(types)).toEqual(
      new Set(['self-service', 'broadcast', 'nag', 'low-priority', 'high-priority']),
    );
    const text = examples.map(([, raw]) => raw).join('\n');
    for (const scenario of [/two-factor/i, /SSH key/, /root user/, /backup/i]) expect(text).toMatch(scenario);
    expect(text).not.toMatch(/testSlackMessage|testYesAction|self-service title/);
  });

  it.each(examples)('%s is valid and uses only fields the original Dispatch read', (_file, raw) => {
    expect(() => parseAlarmJson(raw)).not.toThrow();
    const extra = paths(JSON.parse(raw)).filter((p) => !ORIGINAL_FIELDS.has(p));
    expect(extra).toEqual([]);
  });

  it('has one native AWS event of each shape Dispatch translates (issue 16), each valid and translated', () => {
    // Act
    const shapes = nativeExamples.map(([, raw]) => {
      const shape = detectShape(JSON.parse(raw));
      return shape.kind === 'native' ? `${shape.source}/${shape.form}` : shape.kind;
    });
    // Assess
    expect(shapes.sort()).toEqual([
      'cloudwatch/event',
      'cloudwatch/notification',
      'guardduty/event',
      'rootSignIn/event',
      'securityHub/event',
    ]);
    for (const [, raw] of nativeExamples) expect(parseMessage(raw).alarms).toHaveLength(1);
  });
});
