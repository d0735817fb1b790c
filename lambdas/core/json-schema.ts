/** The JSON Schema of an alarm as producers send it, generated from the zod schemas in message.ts. */
import { z } from 'zod';
import { AlarmInputSchema } from './message.ts';

export const SCHEMA_PATH = 'schema/alarm.schema.json';

export function alarmJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(AlarmInputSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    ...schema,
    $id: 'https://github.com/dispatch-router/dispatch/schema/alarm.schema.json',
    title: 'Dispatch alarm',
    description:
      'An alarm published to the Dispatch SNS topic. Generated from lambdas/core/message.ts by `npm run schema`; see MESSAGE-SPEC.md.',
  };
}

export function alarmJsonSchemaText(): string {
  return `${JSON.stringify(alarmJsonSchema(), null, 2)}\n`;
}
