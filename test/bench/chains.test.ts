/** The benchmark's counting of sequential round trips (issue 14): the longest chain of calls made one after another. */
import { describe, expect, it } from 'vitest';
import { type Call, ledgerChainBefore, longestChain } from '../../bench/chains.ts';

const call = (label: string, start: number, end: number, kind: Call['kind'] = 'ledger'): Call => ({
  kind,
  label,
  start,
  end,
});

describe('longestChain', () => {
  it('counts calls in parallel once and calls in sequence each', () => {
    // Prepare: a read, then two writes at once, then a write after both.
    const calls = [call('read', 0, 5), call('a', 6, 11), call('b', 6, 12), call('c', 13, 18)];
    // Act
    const chain = longestChain(calls);
    // Assess
    expect(chain.length).toBe(3);
    expect(chain.calls.map((c) => c.label)).toEqual(['read', 'a', 'c']);
  });

  it('does not chain a call that started before the other ended', () => {
    expect(longestChain([call('a', 0, 10), call('b', 9, 20)]).length).toBe(1);
    expect(longestChain([call('a', 0, 10), call('b', 10, 20)]).length).toBe(2);
  });

  it('weighs each call by its latency for the modelled critical path', () => {
    // Prepare: a ledger call, then a vendor call, with a ledger call beside the vendor call.
    const calls = [call('claim', 0, 5), call('dm', 6, 56, 'vendor'), call('count', 6, 11)];
    // Act
    const chain = longestChain(calls, (c) => (c.kind === 'vendor' ? 50 : 5));
    // Assess
    expect(chain.length).toBe(55);
    expect(chain.calls.map((c) => c.label)).toEqual(['claim', 'dm']);
  });

  it('counts the ledger calls that ended before the first DM was asked for', () => {
    const calls = [
      call('read', 0, 5),
      call('claim', 6, 11),
      call('dm', 12, 62, 'vendor'),
      call('done', 63, 68),
    ];
    expect(ledgerChainBefore(calls, 12).length).toBe(2);
    expect(longestChain([])).toEqual({ length: 0, calls: [] });
  });
});
