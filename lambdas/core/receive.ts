/**
 * One SNS message in: validate, route, log and count the outcome. Throws when the alarm is invalid or a delivery
 * failed, so Lambda retries it and then moves it to the dead-letter queue with the error as its reason.
 */
import { AlarmValidationError } from './errors.ts';
import { parseAlarmJson } from './parse-alarm.ts';
import { route, type RouteDeps, type RouteReport } from './route.ts';

export interface InboundMessage {
  messageId: string;
  body: string;
}

export async function receiveAlarm(deps: RouteDeps, message: InboundMessage): Promise<RouteReport> {
  const log = deps.log.with({ messageId: message.messageId });
  let alarm;
  try {
    alarm = parseAlarmJson(message.body);
  } catch (error) {
    if (error instanceof AlarmValidationError) {
      log.error('alarm rejected: it does not meet MESSAGE-SPEC.md', { error, issues: error.issues });
      deps.metrics.count('alarms', { type: 'invalid', outcome: 'rejected' });
    }
    throw error;
  }
  const scoped = {
    ...deps,
    log: log.with({ alarmId: alarm.requestId ?? message.messageId, type: alarm.type }),
  };
  try {
    const report = await route(scoped, alarm, { messageId: message.messageId });
    const suppressed = report.deliveries.every((d) => d.suppressed);
    scoped.log.info(suppressed ? 'alarm suppressed' : 'alarm routed', { deliveries: report.deliveries });
    deps.metrics.count('alarms', { type: alarm.type, outcome: suppressed ? 'suppressed' : 'delivered' });
    return report;
  } catch (error) {
    scoped.log.error('alarm not delivered yet: Lambda retries it, then dead-letters it with this reason', {
      error,
    });
    deps.metrics.count('alarms', { type: alarm.type, outcome: 'failed' });
    throw error;
  }
}
