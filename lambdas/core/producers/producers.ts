/**
 * Producers: who sent an alarm, known from the SNS topic it arrived on. The alarm topic is the default producer
 * (every type, keys as they always were); each named producer has its own topic, its own publishers and the types
 * it may send, and its alarm keys carry its name, so it can never suppress, join or answer another's alarm.
 */
import { z } from 'zod';
import { AlarmValidationError } from '../errors.ts';
import { ALARM_TYPES, type AlarmType } from '../message.ts';

/** Lower-case letters, digits and dashes: the name is part of alarm keys, topic names and stack outputs. */
export const PRODUCER_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** One named producer as the functions see it (cdk.json adds `publishers`, which only the stack uses). */
export const ProducerSchema = z.object({
  types: z
    .array(z.enum(ALARM_TYPES, { error: `expected alarm types: ${ALARM_TYPES.join(', ')}` }))
    .min(1, { error: 'name at least one alarm type the producer may send' }),
  /** The producer's own topic (set by the stack; the local runner makes one up). */
  topicArn: z.string().startsWith('arn:', { error: 'must be an SNS topic ARN' }).optional(),
});
export type Producer = z.infer<typeof ProducerSchema>;

export const ProducersSchema = z.record(z.string(), ProducerSchema).superRefine(checkProducerNames);

/** Names are part of keys, topics and stack outputs; "default" is the alarm topic itself. */
export function checkProducerNames(map: Record<string, unknown>, ctx: z.RefinementCtx): void {
  for (const name of Object.keys(map)) {
    const message =
      name === 'default'
        ? '"default" is the alarm topic itself; give named producers other names'
        : PRODUCER_NAME.test(name)
          ? undefined
          : 'producer names are lower-case letters, digits and dashes, starting with a letter (at most 40)';
    if (message) ctx.addIssue({ code: 'custom', path: [name], message });
  }
}
export type Producers = z.infer<typeof ProducersSchema>;

/** The named producer whose topic an alarm arrived on; undefined for the alarm topic (the default producer). */
export function producerForTopic(producers: Producers, topicArn: string | undefined): string | undefined {
  if (topicArn === undefined) return undefined;
  return Object.entries(producers).find(([, p]) => p.topicArn === topicArn)?.[0];
}

/** Refuses an alarm type the producer may not send: a producer's mistake, dead-lettered, never retried. */
export function checkProducerType(producers: Producers, name: string | undefined, type: AlarmType): void {
  if (name === undefined) return;
  const allowed = producers[name]?.types ?? [];
  if (allowed.includes(type)) return;
  throw new AlarmValidationError(
    [
      {
        path: 'type',
        message: `producer "${name}" may not send ${type} alarms; it may send: ${allowed.join(', ') || '(none)'} (cdk.json producers.${name}.types)`,
      },
    ],
    'ALARM_TYPE_NOT_ALLOWED',
  );
}
