/**
 * What Dispatch tells Amazon EventBridge, so teams can attach containment to an answer, an escalation, a timeout or
 * a resolve. Each event is a ledger step: published once per happening, also across redeliveries and retries. One
 * window is left, as for any call that cannot be read back: a crash after EventBridge accepted the event and before
 * the ledger recorded it publishes it again on retry; `detail.eventId` is stable, so a consumer can drop the repeat.
 */
import { producerOfKey } from '../keys.ts';
import type { DispatchEvent, Events, StepDone } from '../ports.ts';
import { runStep, type StepDeps } from '../steps.ts';

export async function publishOnce(
  deps: StepDeps & { events: Events },
  key: string,
  step: string,
  event: DispatchEvent,
  /** Takes the step's completion for a batched write (see runStep's `collect`). */
  collect?: (done: StepDone) => void,
): Promise<void> {
  await runStep(deps, key, step, {
    run: async () => {
      await deps.events.publish(event);
      return {};
    },
    ...(collect ? { collect } : {}),
  });
}

/** The fields every event carries: its stable ID (one per happening of an occurrence), the alarm, who sent it, when. */
export function eventBasics(key: string, occurrence: number, kind: string, alarmType: string, at: number) {
  return {
    eventId: `${key}#o${occurrence}#${kind}`,
    alarmKey: key,
    alarmType,
    producer: producerOfKey(key),
    at: new Date(at).toISOString(),
  };
}
