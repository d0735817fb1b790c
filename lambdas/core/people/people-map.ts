/**
 * The environment's `people` map: who a person is, by email. cdk.json `people` for the stack, the same JSON in
 * `DISPATCH_PEOPLE` for the functions and the local runner.
 *
 * - `github`: the GitHub login (or `org/team`) a user with this `email` is tagged with when the alarm gives none.
 * - `iamUsers`: IAM user names that are this person, so a finding's principal resolves to them.
 *
 * Emails are compared lower-cased; the map's keys are lower-cased when it is read.
 *
 * @example { "alice@example.com": { "github": "alice", "iamUsers": ["alice"] } }
 */
import { z } from 'zod';
import { GITHUB_HANDLE, LIMITS } from '../message.ts';

/** IAM user names: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html */
const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;

export const PersonSchema = z.object({
  github: z
    .string({ error: 'expected a GitHub login such as "alice" or a team such as "acme/security"' })
    .regex(GITHUB_HANDLE, {
      error: 'expected a GitHub login such as "alice" or a team such as "acme/security"',
    })
    .optional(),
  iamUsers: z
    .array(
      z.string().regex(IAM_USER_NAME, {
        error: 'expected an IAM user name (letters, digits and +=,.@_-, at most 64 characters)',
      }),
      { error: 'expected a list of IAM user names such as ["alice"]' },
    )
    .optional(),
});
export type Person = z.infer<typeof PersonSchema>;

export const PeopleSchema = z
  .record(z.email().max(LIMITS.email), PersonSchema, {
    error: (iss) =>
      iss.code === 'invalid_type'
        ? 'expected a map of people by email, e.g. {"alice@example.com": {"github": "alice"}}'
        : iss.code === 'invalid_key'
          ? `keys must be email addresses such as "alice@example.com" (at most ${LIMITS.email} characters)`
          : undefined,
  })
  .superRefine((map, ctx) => {
    const seen = new Map<string, string>();
    for (const email of Object.keys(map)) {
      const other = seen.get(email.toLowerCase());
      if (other !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [email],
          message: `is the same email as "${other}" (emails are compared lower-cased)`,
        });
      seen.set(email.toLowerCase(), email);
    }
  })
  .transform((map): People =>
    Object.fromEntries(Object.entries(map).map(([email, person]) => [email.toLowerCase(), person])),
  );
/** People by lower-cased email. */
export type People = Readonly<Record<string, Person>>;

/** The person an email names in the map, if any. */
export function personByEmail(people: People | undefined, email: string): Person | undefined {
  const key = email.toLowerCase();
  return people && Object.hasOwn(people, key) ? people[key] : undefined;
}
