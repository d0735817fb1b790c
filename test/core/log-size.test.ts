/**
 * Regression, issue 13 item 3: the router logged every delivery of an alarm in one line, about 330 KB for a
 * broadcast to 5,000 users, past CloudWatch Logs' 256 KB event limit. The line now summarises.
 */
import { describe, expect, it } from 'vitest';
import { receiveAlarm } from '../../lambdas/core/receive.ts';
import { MAX_LINE_BYTES, jsonLogger } from '../../lambdas/shared/logger.ts';
import { fakeDeps } from '../fakes/route-deps.ts';
import { slackRefused, transient } from '../fakes/vendors.ts';

function withJsonLog() {
  const lines: string[] = [];
  const deps = { ...fakeDeps(), log: jsonLogger({ service: 'dispatch-incoming' }, (l) => lines.push(l)) };
  return { deps, lines };
}

const broadcastTo = (n: number) =>
  JSON.stringify({
    type: 'broadcast',
    requestId: 'big-broadcast',
    users: Array.from({ length: n }, (_, i) => ({ slackId: `U${String(i).padStart(8, '0')}` })),
    body: { github: { title: 'Phishing campaign' }, slack: { message: 'Do not open the attachment.' } },
  });

describe('log lines of a large alarm (issue 13 item 3)', () => {
  it('logs a broadcast to 5,000 users in lines under the bound, with counts by outcome', async () => {
    // Prepare
    const { deps, lines } = withJsonLog();
    const refused = new Set(['U00000007', 'U00004999']);
    deps.chat.failPost = (to) => (refused.has(to) ? slackRefused('user_not_found') : undefined);
    // Act
    const report = await receiveAlarm(deps, { messageId: 'm-big', body: broadcastTo(5_000) });
    // Assess
    expect(report.deliveries[0]!.dms).toHaveLength(5_000);
    const sizes = lines.map((l) => Buffer.byteLength(l));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_LINE_BYTES);
    const routed = lines.map((l) => JSON.parse(l)).find((l) => l.message === 'alarm routed');
    expect(routed.deliveries.counts).toEqual({
      deliveries: 1,
      issues: 1,
      pages: 0,
      suppressed: 0,
      dms: { total: 5_000, sent: 4_998, fallback: 0, failed: 2, held: 0 },
    });
    expect(routed.deliveries.first[0].dms).toHaveLength(20);
    expect(routed.deliveries.first[0].moreDms).toBe(4_980);
    expect(routed.deliveries.failedDms).toEqual([
      { to: 'U00000007', failed: 'slack: chat.postMessage failed: user_not_found' },
      { to: 'U00004999', failed: 'slack: chat.postMessage failed: user_not_found' },
    ]);
    expect(routed.truncated).toBeUndefined();
    // A summary, not the list: a few kilobytes.
    expect(Buffer.byteLength(JSON.stringify(routed))).toBeLessThan(10_000);
  });

  it('names the reasons of 5,000 failed DMs once each, with counts, in an error of bounded size', async () => {
    // Prepare
    const { deps, lines } = withJsonLog();
    deps.chat.failPost = (to) =>
      to === 'U00000042'
        ? slackRefused('account_inactive')
        : to.startsWith('U')
          ? transient('slack')
          : undefined;
    // Act / Assess
    await expect(receiveAlarm(deps, { messageId: 'm-down', body: broadcastTo(5_000) })).rejects.toMatchObject(
      {
        message: '4999 deliveries failed: slack: answered HTTP 503 (×4999)',
      },
    );
    expect(Math.max(...lines.map((l) => Buffer.byteLength(l)))).toBeLessThanOrEqual(MAX_LINE_BYTES);
  });

  it('names the first 20 of 10,000 problems in a rejected alarm and counts the rest; all stay in issues', async () => {
    // Prepare
    const { deps, lines } = withJsonLog();
    const users = Array.from({ length: 10_000 }, () => ({ slackId: 1 }));
    const body = JSON.stringify({
      type: 'broadcast',
      users,
      body: { github: { title: 't' }, slack: { message: 'm' } },
    });
    const huge = JSON.stringify({ type: 'x'.repeat(200_000) });
    // Act / Assess
    const rejected = receiveAlarm(deps, { messageId: 'm-bad', body });
    await expect(rejected).rejects.toMatchObject({
      message: expect.stringMatching(
        /^alarm rejected \(10000 problems\): users\[0\]\.slackId: .*; and 9980 more$/,
      ),
      issues: expect.arrayContaining([expect.objectContaining({ path: 'users[9999].slackId' })]),
    });
    await expect(rejected.catch((e: Error) => e.message.length)).resolves.toBeLessThan(4_000);
    await expect(
      receiveAlarm(deps, { messageId: 'm-huge', body: huge }).catch((e: Error) => e.message.length),
    ).resolves.toBeLessThan(1_000);
    expect(Math.max(...lines.map((l) => Buffer.byteLength(l)))).toBeLessThanOrEqual(MAX_LINE_BYTES);
  });
});
