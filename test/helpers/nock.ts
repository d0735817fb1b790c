/** Wire-level HTTP mocking: no test reaches the network, and every test's interceptors must be used. */
import nock from 'nock';
import { afterEach, beforeAll, afterAll, expect } from 'vitest';

export function useNock(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending, 'every expected request was made').toEqual([]);
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
}

/** A clock whose sleeps are recorded and return at once. */
export function recordingClock(start = Date.parse('2026-11-23T09:00:00Z')) {
  const sleeps: number[] = [];
  let time = start;
  return {
    sleeps,
    now: () => time,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      time += ms;
    },
  };
}
