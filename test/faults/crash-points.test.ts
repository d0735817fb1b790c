/**
 * Crash points (issue 14): the critical path writes in parallel and skips ledger steps around idempotent calls, so
 * each path is killed between every two calls it makes (before a call takes effect, and after it took effect but
 * before its answer arrived), then retried once the dead attempt's leases have expired. Whatever the crash point:
 * one issue, one DM per person, at most one page, and a retry that finishes the work.
 */
import { describe, expect, it } from 'vitest';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import { route } from '../../lambdas/core/route.ts';
import type { RouteDeps } from '../../lambdas/core/route.ts';
import { triage } from '../../lambdas/core/triage.ts';
import { runTriageJob } from '../../lambdas/core/triage-work.ts';
import type { TriageJob } from '../../lambdas/core/ports.ts';
import { ACTION_NO, ACTION_YES } from '../../lambdas/core/render/slack.ts';
import { fakeDeps } from '../fakes/route-deps.ts';
import { crashing } from '../helpers/crashing.ts';

const selfServiceInput = {
  type: 'self-service',
  users: [{ slackId: 'U1', github: 'alice' }],
  body: {
    github: { title: '2FA disabled' },
    slack: { message: 'Your 2FA was disabled', prompt: 'Was this you?', actions: { yes: 'Yes', no: 'No' } },
  },
};
const selfService = parseAlarm({
  type: 'self-service',
  users: [{ slackId: 'U1', github: 'alice' }],
  body: {
    github: { title: '2FA disabled' },
    slack: { message: 'Your 2FA was disabled', prompt: 'Was this you?', actions: { yes: 'Yes', no: 'No' } },
  },
});
const broadcast = parseAlarm({
  type: 'broadcast',
  users: [{ slackId: 'U1' }, { slackId: 'U2' }, { slackId: 'U3' }],
  body: { github: { title: 'Phishing' }, slack: { message: 'Do not click' } },
});
const nag = parseAlarm({
  type: 'nag',
  users: [{ slackId: 'U1' }, { slackId: 'U2' }],
  body: { github: { title: 'Laptop not encrypted' }, slack: { message: 'Please enable FileVault' } },
});
const lowPriority = parseAlarm({ type: 'low-priority', body: { github: { title: 'Unused key' } } });
const highPriority = parseAlarm({ type: 'high-priority', body: { pagerduty: { title: 'Root login' } } });

/** Runs `act` with a crash at every call in turn, then once more without; `check` the outcome each time. */
async function everyCrashPoint(
  act: (deps: ReturnType<typeof fakeDeps>) => Promise<unknown>,
  check: (deps: ReturnType<typeof fakeDeps>) => void,
  prepare: (deps: ReturnType<typeof fakeDeps>) => Promise<void> = async () => undefined,
): Promise<number> {
  // A clean run says how many calls there are.
  const clean = fakeDeps();
  await prepare(clean);
  const probe = crashing(clean, Number.POSITIVE_INFINITY, 'before');
  await act(probe.deps);
  const total = probe.calls();
  // Without a crash, nothing fails and nothing is tried twice.
  expect(clean.log.lines.filter((l) => l.level !== 'info').map((l) => l.message)).toEqual([]);
  for (const when of ['before', 'after'] as const) {
    for (let at = 0; at < total; at++) {
      const deps = fakeDeps();
      await prepare(deps);
      const { deps: dying } = crashing(deps, at, when);
      // However the crash surfaces (alone, or inside the error naming every failed delivery), the attempt is over.
      await act(dying).catch(() => undefined);
      // Lambda retries later: the dead attempt's leases have expired by then.
      deps.clock.advance(deps.config.leaseMs + 1);
      await act(deps);
      try {
        check(deps);
      } catch (error) {
        throw new Error(`after a crash ${when} call ${at}: ${(error as Error).message}`);
      }
    }
  }
  return total;
}

function prompts(deps: ReturnType<typeof fakeDeps>, user: string) {
  return deps.chat.postsTo(user).filter((p) => JSON.stringify(p.message.blocks).includes(ACTION_YES));
}

describe('crash points of the incoming paths', () => {
  it('self-service: one issue, one prompt with its link, the prompt recorded with its DM, timers set', async () => {
    const total = await everyCrashPoint(
      (deps) => route(deps, selfService, { messageId: 'm1' }),
      (deps) => {
        expect(deps.tracker.issues).toHaveLength(1);
        expect(prompts(deps, 'U1')).toHaveLength(1);
        const record = [...deps.ledger.alarms.values()][0]!;
        expect(record.issue?.number).toBe(1);
        expect(record.prompt?.dm).toBeDefined();
        expect(record.finished).toBe(true);
        expect(deps.timers.set_.size).toBe(2);
        expect(JSON.stringify(deps.chat.updates.at(-1)?.message.blocks)).toContain(
          deps.tracker.issues[0]!.url,
        );
      },
    );
    expect(total).toBeGreaterThan(5);
  });

  it('self-service with responders: one prompt and one responder copy, both recorded on the prompt, both linked', async () => {
    const total = await everyCrashPoint(
      (deps) => route(deps, selfService, { messageId: 'm1' }),
      (deps) => {
        expect(deps.tracker.issues).toHaveLength(1);
        expect(prompts(deps, 'U1')).toHaveLength(1);
        const copies = prompts(deps, deps.config.slackDefaultChannel);
        expect(copies).toHaveLength(1);
        const prompt = [...deps.ledger.alarms.values()][0]!.prompt!;
        expect(prompt.dm).toBeDefined();
        expect(prompt.copy).toEqual({ channel: copies[0]!.channel, ts: copies[0]!.ts });
        const copyUpdates = deps.chat.updates.filter((u) => u.at.ts === copies[0]!.ts);
        expect(JSON.stringify(copyUpdates.at(-1)?.message.blocks)).toContain(deps.tracker.issues[0]!.url);
      },
      async (deps) => {
        deps.config = { ...deps.config, responders: ['U9RESPONDER'] };
      },
    );
    expect(total).toBeGreaterThan(5);
  });

  it('broadcast: one issue, one DM per person', async () => {
    await everyCrashPoint(
      (deps) => route(deps, broadcast, { messageId: 'm1' }),
      (deps) => {
        expect(deps.tracker.issues).toHaveLength(1);
        for (const u of ['U1', 'U2', 'U3']) expect(deps.chat.postsTo(u)).toHaveLength(1);
      },
    );
  });

  it('nag: one issue, one DM per person for one message', async () => {
    await everyCrashPoint(
      (deps) => route(deps, nag, { messageId: 'm1' }),
      (deps) => {
        expect(deps.tracker.issues).toHaveLength(1);
        for (const u of ['U1', 'U2']) expect(deps.chat.postsTo(u)).toHaveLength(1);
      },
    );
  });

  it('low-priority: one issue, recorded on the alarm', async () => {
    await everyCrashPoint(
      (deps) => route(deps, lowPriority, { messageId: 'm1' }),
      (deps) => {
        expect(deps.tracker.issues).toHaveLength(1);
        expect([...deps.ledger.alarms.values()][0]!.issue?.number).toBe(1);
      },
    );
  });

  it('high-priority: exactly one page', async () => {
    await everyCrashPoint(
      (deps) => route(deps, highPriority, { messageId: 'm1' }),
      // Events API v2 folds a re-trigger with the same dedup_key into the open incident: one incident.
      (deps) => expect(new Set(deps.pager.pages.map((p) => p.dedupKey)).size).toBe(1),
    );
  });

  it('a repeat of a finished alarm: counted, nothing sent', async () => {
    await everyCrashPoint(
      (deps) => route(deps, selfService, { messageId: 'm2' }),
      (deps) => {
        expect(deps.tracker.issues).toHaveLength(1);
        expect(prompts(deps, 'U1')).toHaveLength(1);
      },
      async (deps) => {
        await route(deps, selfService, { messageId: 'm1' });
      },
    );
  });
});

describe('crash points of the triage', () => {
  const promptOf = async (deps: ReturnType<typeof fakeDeps>) => {
    const report = await route(deps, selfService, { messageId: 'm1' });
    return { key: report.deliveries[0]!.key, dm: [...deps.ledger.alarms.values()][0]!.prompt!.dm! };
  };

  function click(key: string, dm: { channel: string; ts: string }, actionId: string) {
    return {
      type: 'block_actions' as const,
      user: { id: 'U1' },
      actions: [{ action_id: actionId as typeof ACTION_YES, value: key }],
      container: { channel_id: dm.channel, message_ts: dm.ts },
    };
  }

  async function answerAndWork(deps: RouteDeps & { jobs?: unknown }, actionId: string) {
    const queued: TriageJob[] = [];
    const jobs = { enqueue: async (job: TriageJob) => void queued.push(job) };
    const record = [...(deps.ledger as ReturnType<typeof fakeDeps>['ledger']).alarms.values()][0]!;
    await triage(
      { ...deps, jobs, config: { leaseMs: deps.config.leaseMs } },
      click(record.key, record.prompt!.dm!, actionId),
    );
    for (const job of queued) await runTriageJob(deps, job);
  }

  it.each([
    ['no', ACTION_NO],
    ['yes', ACTION_YES],
  ])('"%s": one comment, at most one page, the outcome in the DM', async (answer, actionId) => {
    await everyCrashPoint(
      (deps) => answerAndWork(deps, actionId),
      (deps) => {
        const issue = deps.tracker.issues[0]!;
        expect(issue.comments.filter((c) => c.includes(`Answered **${answer}**`))).toHaveLength(1);
        expect(new Set(deps.pager.pages.map((p) => p.dedupKey)).size).toBe(answer === 'no' ? 1 : 0);
        expect(issue.state).toBe(answer === 'yes' ? 'closed' : 'open');
        expect([...deps.ledger.alarms.values()][0]!.carriedOut).toBe(true);
        // Every event out, each under its one stable eventId; a crash after PutEvents and before the ledger recorded
        // it may send it once more, with the same eventId for the consumer to drop.
        const ids = deps.events.published.map((e) => e.detail.eventId.replace(/^.*#/, ''));
        expect([...new Set(ids)].sort()).toEqual(answer === 'no' ? ['answered', 'escalated'] : ['answered']);
        for (const id of new Set(ids)) expect(ids.filter((i) => i === id).length).toBeLessThanOrEqual(2);
      },
      async (deps) => void (await promptOf(deps)),
    );
  });

  it('a resolve: the issue closed with one comment, one PagerDuty resolve per key, one "Alarm Resolved"', async () => {
    const resolved = parseAlarm({ ...selfServiceInput, status: 'resolved' });
    await everyCrashPoint(
      (deps) => route(deps, resolved, { messageId: 'r1' }),
      (deps) => {
        const issue = deps.tracker.issues[0]!;
        expect(issue.state).toBe('closed');
        expect(issue.comments.filter((c) => c.includes('Resolved at the source'))).toHaveLength(1);
        const ids = deps.events.of('Alarm Resolved').map((e) => e.detail.eventId);
        expect(new Set(ids).size).toBe(1);
        expect(ids.length).toBeLessThanOrEqual(2);
      },
      async (deps) => void (await promptOf(deps)),
    );
  });
});
