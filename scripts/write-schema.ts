/** Regenerates schema/alarm.schema.json from the zod schemas (`npm run schema`). */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SCHEMA_PATH, alarmJsonSchemaText } from '../lambdas/core/json-schema.ts';

mkdirSync(dirname(SCHEMA_PATH), { recursive: true });
writeFileSync(SCHEMA_PATH, alarmJsonSchemaText());
console.log(`wrote ${SCHEMA_PATH}`);
