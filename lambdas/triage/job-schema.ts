/**
 * The event the triage worker receives: one TriageJob, as the triage function queued it.
 *
 * @example {"kind":"answer","key":"self-service:3fa1…","occurrence":1,"answer":"no","userId":"U024BE7LH","at":1795424400000}
 */
import { z } from 'zod';
import { SnoozedJobSchema, SnoozeEndedJobSchema } from '../core/snooze/job-schema.ts';
import { REASON_MAX } from '../core/answer/reason-modal.ts';
import type { TriageJob } from '../core/ports.ts';

const Posted = z.object({ channel: z.string(), ts: z.string() });

export const TriageJobSchema: z.ZodType<TriageJob> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('answer'),
    key: z.string().min(1),
    occurrence: z.number().int().min(1),
    answer: z.enum(['yes', 'no']),
    userId: z.string().min(1),
    at: z.number(),
    onBehalfOf: z.string().min(1).optional(),
    // REASON_MAX characters, each at most two UTF-16 units.
    reason: z
      .string()
      .max(REASON_MAX * 2)
      .optional(),
    dm: Posted.optional(),
  }),
  z.object({ kind: z.literal('notice'), responseUrl: z.url(), text: z.string() }),
  z.object({ kind: z.literal('deadline'), key: z.string().min(1), occurrence: z.number().int().min(1) }),
  z.object({ kind: z.literal('reminder'), key: z.string().min(1), occurrence: z.number().int().min(1) }),
  z.object({ kind: z.literal('digest'), user: z.string().min(1), window: z.number() }),
  SnoozedJobSchema,
  SnoozeEndedJobSchema,
]);
