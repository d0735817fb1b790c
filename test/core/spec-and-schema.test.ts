import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { SCHEMA_PATH, alarmJsonSchemaText } from '../../lambdas/core/json-schema.ts';
import { ALARM_TYPES } from '../../lambdas/core/message.ts';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import { originalExamples } from '../fixtures/alarms/original-readme.ts';

const spec = readFileSync('MESSAGE-SPEC.md', 'utf8');
const committedSchema = readFileSync(SCHEMA_PATH, 'utf8');

/** Every ```json block of a `## <type>` section, with the section it sits in. */
function specExamples(): { section: string; json: unknown }[] {
  const out: { section: string; json: unknown }[] = [];
  let section = '';
  const fence = /^## (.+)$|^```json\n([\s\S]*?)^```$/gm;
  for (const match of spec.matchAll(fence)) {
    if (match[1] !== undefined) section = match[1].trim();
    else out.push({ section, json: JSON.parse(match[2]!) });
  }
  return out;
}

const validateWithSchema = new Ajv2020({ allErrors: true, strict: false, validateFormats: false }).compile(
  JSON.parse(committedSchema),
);

describe('schema/alarm.schema.json', () => {
  it('is what the zod schemas generate (run `npm run schema` after changing message.ts)', () => {
    expect(committedSchema).toBe(alarmJsonSchemaText());
  });

  it.each(Object.entries(originalExamples))('accepts the original %s example', (_type, raw) => {
    expect(validateWithSchema(JSON.parse(raw)), JSON.stringify(validateWithSchema.errors)).toBe(true);
  });

  it('rejects an unknown type', () => {
    expect(validateWithSchema({ type: 'critical', body: {} })).toBe(false);
  });
});

describe('MESSAGE-SPEC.md', () => {
  const examples = specExamples().filter((e) => (ALARM_TYPES as readonly string[]).includes(e.section));

  it('has a complete example for every alarm type', () => {
    expect(new Set(examples.map((e) => e.section))).toEqual(new Set(ALARM_TYPES));
  });

  it.each(examples.map((e) => [e.section, e.json] as const))(
    'the %s example is valid, of its type, by zod and by the JSON Schema',
    (section, json) => {
      // Act
      const alarm = parseAlarm(json);
      // Assess
      expect(alarm.type).toBe(section);
      expect(validateWithSchema(json), JSON.stringify(validateWithSchema.errors)).toBe(true);
    },
  );

  it('documents every limit the code enforces', () => {
    for (const limit of ['256 characters', '60,000', '40,000', '3,000', '75 characters', '1,024', '≤ 255']) {
      expect(spec).toContain(limit);
    }
  });
});
