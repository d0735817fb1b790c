/**
 * Where the local runner's events go (README "Events"): to the EventBridge-compatible endpoint in
 * AWS_ENDPOINT_URL_EVENTBRIDGE through the same adapter and SDK client the Lambdas use, else to a built-in bus kept in
 * memory and shown on the sandbox page.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeEvents } from '../../lambdas/adapters/eventbridge-events.ts';
import type { DispatchEvent, Events } from '../../lambdas/core/ports.ts';
import { credentialsFrom, endpointFrom, LOCAL_CREDENTIALS, regionFrom } from './aws-settings.ts';

/** Events the built-in bus keeps; older ones are dropped. */
export const LOCAL_BUS_KEEPS = 200;

/** The built-in bus: what was published, oldest first, as EventBridge would have received it. */
export class LocalEventBus implements Events {
  readonly published: DispatchEvent[] = [];

  async publish(event: DispatchEvent): Promise<void> {
    this.published.push(structuredClone(event));
    if (this.published.length > LOCAL_BUS_KEEPS)
      this.published.splice(0, this.published.length - LOCAL_BUS_KEEPS);
  }

  clear(): void {
    this.published.splice(0);
  }
}

export interface LocalEvents {
  events: Events;
  /** The built-in bus, or undefined when events go to `external`. */
  bus: LocalEventBus | undefined;
  external: string | undefined;
  close(): void;
}

/**
 * The endpoint is read from `source` (the runner's settings), as for the ledger store, so the runner's settings alone
 * decide. Region and credentials come from `source` when given; a loopback endpoint takes any credentials, another
 * one gets the SDK's default chain.
 */
export function localEvents(
  source: Record<string, string | undefined>,
  busName: string | undefined,
): LocalEvents {
  const external = endpointFrom(source, 'AWS_ENDPOINT_URL_EVENTBRIDGE', 'http://127.0.0.1:4010');
  if (!external) {
    const bus = new LocalEventBus();
    return { events: bus, bus, external: undefined, close: () => {} };
  }
  const loopback = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i.test(external);
  const credentials = credentialsFrom(source) ?? (loopback ? LOCAL_CREDENTIALS : undefined);
  const client = new EventBridgeClient({
    endpoint: external,
    region: regionFrom(source, 'us-east-1'),
    ...(credentials ? { credentials } : {}),
    maxAttempts: 3,
  });
  return {
    events: new EventBridgeEvents(client, { busName }),
    bus: undefined,
    external,
    close: () => client.destroy(),
  };
}
