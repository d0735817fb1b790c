/** A setting given as JSON (an environment variable, or cdk.json through one), checked by its zod schema. */
import type { z } from 'zod';

/**
 * Parses `raw` as JSON and checks it against `schema`. An unset or blank value is checked as `undefined` (the
 * schema's defaults). Problems are named by path, and a value that is not JSON gets the `example` to follow.
 */
export function parseJsonSetting<T extends z.ZodType>(
  schema: T,
  raw: string | undefined,
  example: string,
): { value: z.output<T> } | { problems: string[] } {
  let json: unknown;
  if (raw !== undefined && raw.trim() !== '') {
    try {
      json = JSON.parse(raw);
    } catch {
      return { problems: [`is not JSON: expected ${example}`] };
    }
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { value: parsed.data };
  return {
    problems: parsed.error.issues.map((i) =>
      i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message,
    ),
  };
}
