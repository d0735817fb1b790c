/**
 * Crash points of a snooze (issue 15): the click and the worker's jobs are killed before and after each call they
 * make, then retried as Slack (the same click) and Lambda (the same job) would. Whatever the crash point: the
 * snooze is recorded once, the issue gets one comment, the end timer is set, the DM shows it; at the end, one note.
 */
import { describe, expect, it } from 'vitest';
import type { BlockActions } from '../../lambdas/core/interaction.ts';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import type { Block, TriageJob } from '../../lambdas/core/ports.ts';
import { route } from '../../lambdas/core/route.ts';
import { ACTION_SNOOZE } from '../../lambdas/core/snooze/render.ts';
import { triage } from '../../lambdas/core/triage.ts';
import { runTriageJob } from '../../lambdas/core/triage-work.ts';
import { fakeDeps } from '../fakes/route-deps.ts';
import { crashing } from '../helpers/crashing.ts';

type Deps = ReturnType<typeof fakeDeps>;

const nag = parseAlarm({
  type: 'nag',
  users: [{ slackId: 'U1' }],
  body: { github: { title: 'Laptop not encrypted' }, slack: { message: 'Please enable FileVault' } },
});

/** Routes the nag; returns the click Slack sends for a 1-hour snooze on its DM. */
async function prepare(deps: Deps): Promise<BlockActions> {
  await route(deps, nag, { messageId: 'm1' });
  const dm = deps.chat.postsTo('U1')[0]!;
  const block = dm.message.blocks.find(
    (b: Block) => b.block_id !== undefined && JSON.stringify(b).includes(ACTION_SNOOZE),
  )!;
  const select = (block.elements as { options: { value: string }[] }[])[0]!;
  return {
    type: 'block_actions',
    user: { id: 'U1' },
    actions: [
      {
        action_id: ACTION_SNOOZE as typeof ACTION_SNOOZE,
        block_id: block.block_id as string,
        selected_option: { value: select.options[0]!.value },
        action_ts: String(deps.clock.now() / 1000),
      },
    ],
    container: { channel_id: dm.channel, message_ts: dm.ts },
    message: { text: dm.message.text, blocks: dm.message.blocks },
  };
}

/** The click, then the jobs it queued, in one attempt. */
async function snooze(deps: Deps, click: Awaited<ReturnType<typeof prepare>>) {
  const queued: TriageJob[] = [];
  const jobs = { enqueue: async (job: TriageJob) => void queued.push(job) };
  await triage({ ...deps, jobs }, click);
  for (const job of queued) await runTriageJob(deps, job);
}

describe('crash points of a snooze', () => {
  it('one record, one comment, the timer and the DM; at the end, one note', async () => {
    // A clean run says how many calls there are.
    const clean = fakeDeps();
    const click = await prepare(clean);
    const probe = crashing(clean, Number.POSITIVE_INFINITY, 'before');
    await snooze(probe.deps, click);
    const total = probe.calls();
    expect(total).toBeGreaterThan(4);
    for (const when of ['before', 'after'] as const) {
      for (let at = 0; at < total; at++) {
        const deps = fakeDeps();
        const again = await prepare(deps);
        await snooze(crashing(deps, at, when).deps, again).catch(() => undefined);
        // Slack retries the click, Lambda the job; the dead attempt's leases have expired by then.
        deps.clock.advance(deps.config.leaseMs + 1);
        await snooze(deps, again);
        const where = `after a crash ${when} call ${at}`;
        const issue = deps.tracker.issues[0]!;
        expect(
          issue.comments.filter((c) => c.includes(':zzz: Snoozed by')),
          where,
        ).toHaveLength(1);
        expect(
          issue.comments.filter((c) => c.includes('Snooze extended')),
          where,
        ).toHaveLength(0);
        const timers = [...deps.timers.set_.values()];
        expect(
          timers.map((t) => t.job.kind),
          where,
        ).toEqual(['snooze-ended']);
        expect(JSON.stringify(deps.chat.updates.at(-1)?.message.blocks), where).toContain('Snoozed by <@U1>');
        // The end: its timer fires and is retried; the running note and the snooze comment say it once each.
        deps.clock.time = timers[0]!.at;
        await runTriageJob(deps, timers[0]!.job);
        await runTriageJob(deps, timers[0]!.job);
        expect(
          issue.comments.filter((c) => c.includes('0 repeats arrived while snoozed')),
          where,
        ).toHaveLength(2);
      }
    }
  });
});
