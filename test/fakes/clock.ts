/** A clock tests move by hand; `sleep` advances it instead of waiting. */
import type { Clock } from '../../lambdas/core/ports.ts';

export class FakeClock implements Clock {
  constructor(public time = Date.parse('2026-11-23T09:00:00Z')) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.time += ms;
    await new Promise((resolve) => setImmediate(resolve));
  }
  advance(ms: number): void {
    this.time += ms;
  }
}
