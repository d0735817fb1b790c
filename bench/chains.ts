/**
 * Counting what a person waits for: every ledger call, vendor request and AWS call is recorded as an interval
 * (performance.now() at its start and end), and the longest chain of calls made one after another is found.
 *
 * Call B follows call A when B started after A had ended. The longest chain through the recorded intervals is found
 * by dynamic programming over the calls sorted by their end: depth(B) = weight(B) + max depth(A) over the A that
 * ended before B started. With a weight of 1 it counts sequential round trips; with each call's modelled latency
 * (vendor 50 ms, ledger 5 ms) it is the time a machine with free CPU would need.
 */

export type CallKind = 'ledger' | 'vendor' | 'aws';

export interface Call {
  kind: CallKind;
  /** What was asked, e.g. `UpdateItem step#o1:issue` or `POST /api/chat.postMessage`. */
  label: string;
  start: number;
  end: number;
  /** The request as sent (ledger calls), to attribute a call to a user. */
  text?: string | undefined;
}

export interface Chain {
  length: number;
  /** The calls of one longest chain, in order. */
  calls: Call[];
}

/** The longest chain of calls made one after another; `weight` defaults to 1 a call. */
export function longestChain(calls: readonly Call[], weight: (c: Call) => number = () => 1): Chain {
  const sorted = [...calls].sort((a, b) => a.end - b.end);
  const depth: number[] = [];
  const previous: number[] = [];
  let best = -1;
  sorted.forEach((call, i) => {
    let before = 0;
    let from = -1;
    for (let j = 0; j < i; j++) {
      if (sorted[j]!.end <= call.start && depth[j]! > before) {
        before = depth[j]!;
        from = j;
      }
    }
    depth[i] = before + weight(call);
    previous[i] = from;
    if (best < 0 || depth[i]! > depth[best]!) best = i;
  });
  const chain: Call[] = [];
  for (let i = best; i >= 0; i = previous[i]!) chain.unshift(sorted[i]!);
  return { length: best < 0 ? 0 : depth[best]!, calls: chain };
}

/** The longest chain of ledger calls that had ended by `cut` (when the first DM or page was asked for). */
export function ledgerChainBefore(calls: readonly Call[], cut: number): Chain {
  return longestChain(calls.filter((c) => c.kind === 'ledger' && c.end <= cut));
}

export const ofKind = (calls: readonly Call[], kind: CallKind) => calls.filter((c) => c.kind === kind);

export const median = (xs: readonly number[]) =>
  xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const percentile = (xs: readonly number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
