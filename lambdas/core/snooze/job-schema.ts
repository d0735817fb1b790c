/**
 * The snooze jobs the triage worker receives (from the triage function, `dispatch snooze`/`unsnooze`, and the
 * expiry timer).
 *
 * @example {"kind":"snoozed","key":"nag:3fa1…","id":"0b6c…","until":1795428000000,"by":"U024BE7LH","via":"slack"}
 * @example {"kind":"snooze-ended","key":"nag:3fa1…","id":"0b6c…","until":1795428000000,"by":"U024BE7LH","via":"slack"}
 */
import { z } from 'zod';

const period = {
  key: z.string().min(1),
  id: z.string().min(1),
  until: z.number(),
  by: z.string().min(1),
  via: z.enum(['slack', 'cli']),
};

export const SnoozedJobSchema = z.object({
  kind: z.literal('snoozed'),
  ...period,
  reason: z.string().max(1000).optional(),
  extended: z.boolean().optional(),
  dm: z
    .object({
      channel: z.string(),
      ts: z.string(),
      text: z.string(),
      blocks: z.array(z.record(z.string(), z.unknown())).max(50),
    })
    .optional(),
});

export const SnoozeEndedJobSchema = z.object({ kind: z.literal('snooze-ended'), ...period });
