/**
 * Crash injection for the crash-point tests: every port call of an invocation is counted, and call number `at`
 * (from 0, across all ports) kills it, either `before` it takes effect or `after` it took effect and before its
 * answer arrived. Every later call fails too: the process is gone. The retry then runs on the unwrapped ports.
 */
export class Crash extends Error {
  override name = 'Crash';
}

export type When = 'before' | 'after';

const PORTS = ['ledger', 'chat', 'tracker', 'pager', 'timers', 'jobs', 'events'] as const;

export function crashing<T extends object>(
  deps: T,
  at: number,
  when: When,
): { deps: T; calls: () => number } {
  let count = 0;
  let dead = false;
  const wrap = <P extends object>(port: P): P =>
    new Proxy(port, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (dead) throw new Crash('process gone');
          const n = count++;
          if (n === at && when === 'before') {
            dead = true;
            throw new Crash(`crash before call ${n} (${String(prop)})`);
          }
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (dead) throw new Crash('process gone');
          if (n === at && when === 'after') {
            dead = true;
            throw new Crash(`crash after call ${n} (${String(prop)})`);
          }
          return result;
        };
      },
    });
  const out = { ...deps } as Record<string, unknown>;
  for (const port of PORTS) if (port in out) out[port] = wrap(out[port] as object);
  return { deps: out as T, calls: () => count };
}
