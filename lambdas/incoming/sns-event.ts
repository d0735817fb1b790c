/**
 * The SNS event shape the incoming function accepts (only what it reads).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 *
 * @example {"Records":[{"EventSource":"aws:sns","Sns":{"MessageId":"95df01b4-…","Message":"{\"type\":\"nag\",…}"}}]}
 */
import { z } from 'zod';

export const SnsEventSchema = z.object({
  Records: z
    .array(
      z.object({
        EventSource: z.string().optional(),
        /** Kept, with Type and Timestamp, in the record a rejected alarm is dead-lettered with (dead-letter.ts). */
        EventSubscriptionArn: z.string().optional(),
        Sns: z.object({
          Type: z.string().optional(),
          MessageId: z.string().min(1),
          /** Which producer sent it: the alarm topic or a named producer's own topic. */
          TopicArn: z.string().optional(),
          Message: z.string(),
          Subject: z.string().nullish(),
          Timestamp: z.string().optional(),
        }),
      }),
    )
    .min(1),
});
export type SnsEvent = z.infer<typeof SnsEventSchema>;
export type SnsRecord = SnsEvent['Records'][number];
