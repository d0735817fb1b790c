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
        Sns: z.object({
          MessageId: z.string().min(1),
          /** Which producer sent it: the alarm topic or a named producer's own topic. */
          TopicArn: z.string().optional(),
          Message: z.string(),
          Subject: z.string().nullish(),
        }),
      }),
    )
    .min(1),
});
export type SnsEvent = z.infer<typeof SnsEventSchema>;
