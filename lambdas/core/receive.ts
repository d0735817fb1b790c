/**
 * One SNS message in: validate, route, log and count the outcome. Throws when the alarm is invalid or a delivery
 * failed. The incoming handler sends an error no retry can help (`retryable: false`) to the dead-letter queue at once;
 * anything else Lambda retries, then dead-letters with the error as its reason.
 */
import { summariseDeliveries } from './delivery-summary.ts';
import { AlarmValidationError } from './errors.ts';
import type { Alarm } from './message.ts';
import type { Log } from './ports.ts';
import { checkProducerType, producerForTopic } from './producers/producers.ts';
import { route, type RouteDeps, type RouteReport } from './route.ts';
import { isRetryable } from './steps.ts';
import { nativeReport, noteNative, parseMessage, type ParsedMessage } from './sources/translate.ts';

export interface InboundMessage {
  messageId: string;
  body: string;
  /** The SNS topic it arrived on: a named producer's topic, or the alarm topic (the default producer). */
  topicArn?: string | undefined;
}

export async function receiveAlarm(deps: RouteDeps, message: InboundMessage): Promise<RouteReport> {
  const producers = deps.config.producers ?? {};
  const producer = producerForTopic(producers, message.topicArn);
  const log = deps.log.with({ messageId: message.messageId, ...(producer ? { producer } : {}) });
  let parsed: ParsedMessage;
  try {
    // A native AWS event (lambdas/core/sources/) becomes the alarms it stands for; anything else is one alarm.
    parsed = parseMessage(message.body, deps.config);
    for (const alarm of parsed.alarms) checkProducerType(producers, producer, alarm.type);
  } catch (error) {
    if (error instanceof AlarmValidationError) {
      log.error('alarm rejected: it does not meet MESSAGE-SPEC.md', { error, issues: error.issues });
      deps.metrics.count('alarms', { type: 'invalid', outcome: 'rejected' });
    }
    throw error;
  }
  if (!parsed.native) return deliver(deps, log, parsed.alarms[0]!, message, producer);
  noteNative(deps.metrics, log, parsed.native);
  const reports: RouteReport[] = [];
  for (const alarm of parsed.alarms) reports.push(await deliver(deps, log, alarm, message, producer));
  return nativeReport(message.messageId, parsed.native, reports);
}

/** Routes one alarm of the message, and logs and counts its outcome. */
async function deliver(
  deps: RouteDeps,
  log: Log,
  alarm: Alarm,
  message: InboundMessage,
  producer: string | undefined,
): Promise<RouteReport> {
  const scoped = {
    ...deps,
    log: log.with({ alarmId: alarm.requestId ?? message.messageId, type: alarm.type }),
  };
  try {
    const report = await route(scoped, alarm, { messageId: message.messageId, producer });
    const suppressed = report.deliveries.every((d) => d.suppressed);
    scoped.log.info(suppressed ? 'alarm suppressed' : 'alarm routed', {
      deliveries: summariseDeliveries(report.deliveries),
    });
    deps.metrics.count('alarms', { type: alarm.type, outcome: suppressed ? 'suppressed' : 'delivered' });
    return report;
  } catch (error) {
    const range = rangeErrorIn(error);
    if (range) {
      // The alarm's own content (too deep, too large) broke the routing: the producer's fault, the same on every try.
      const id = alarm.requestId ?? message.messageId;
      const rejected = new AlarmValidationError([
        {
          path: '',
          message: `${alarm.type} alarm ${id} could not be processed (RangeError: ${range.message.slice(0, 200)}): a field in it is nested too deeply or is too large`,
        },
      ]);
      scoped.log.error('alarm rejected: it could not be processed', {
        error: rejected,
        issues: rejected.issues,
      });
      deps.metrics.count('alarms', { type: alarm.type, outcome: 'rejected' });
      throw rejected;
    }
    scoped.log.error(
      isRetryable(error)
        ? 'alarm not delivered yet: Lambda retries it, then dead-letters it with this reason'
        : 'alarm not delivered, and a retry cannot help: it is dead-lettered with this reason',
      { error },
    );
    deps.metrics.count('alarms', { type: alarm.type, outcome: 'failed' });
    throw error;
  }
}

/** The RangeError behind a failure, if any: the error itself, its causes, or the failures a DeliveryError lists. */
function rangeErrorIn(error: unknown): RangeError | undefined {
  const pending = [error];
  const seen = new Set<unknown>();
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === null || typeof next !== 'object' || seen.has(next)) continue;
    seen.add(next);
    if (next instanceof RangeError) return next;
    const { cause, failures } = next as { cause?: unknown; failures?: unknown };
    pending.push(cause, ...(Array.isArray(failures) ? (failures as unknown[]) : []));
  }
  return undefined;
}
