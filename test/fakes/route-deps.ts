/** A complete RouteDeps of fakes, with the config every core test shares. */
import type { RouterConfig } from '../../lambdas/core/config.ts';
import type { RouteDeps } from '../../lambdas/core/route.ts';
import { FakeClock } from './clock.ts';
import { MemoryLedger } from './memory-ledger.ts';
import {
  FakeChat,
  FakeEvents,
  FakePager,
  FakeTimers,
  FakeTracker,
  MemoryLog,
  MemoryMetrics,
} from './vendors.ts';

export const testConfig: RouterConfig = {
  githubOwner: 'acme',
  githubDefaultRepo: 'alarms',
  githubDefaultUser: 'acme/security',
  slackDefaultChannel: 'C0DEFAULT',
  leaseMs: 60_000,
  heldWaitMs: 2_000,
  broadcastConcurrency: 4,
  promptDeadlineMinutes: 240,
  promptReminder: true,
  stormWindowMs: 300_000,
  nagWindowMs: 0,
  userDmCap: 20,
  userDmWindowMs: 600_000,
};

export function fakeDeps() {
  const clock = new FakeClock();
  const deps = {
    config: testConfig,
    clock,
    ledger: new MemoryLedger(clock),
    chat: new FakeChat(),
    tracker: new FakeTracker(),
    pager: new FakePager(),
    log: new MemoryLog(),
    metrics: new MemoryMetrics(),
    timers: new FakeTimers(),
    events: new FakeEvents(),
  } satisfies RouteDeps;
  return deps;
}
