/**
 * A reason for "it was me" and responders (issue 15), through the use cases with in-memory fakes: the environment
 * default reaches the prompt when it is sent, a "yes" then opens the modal, and the submitted reason and the
 * responder end up in the issue comment and the DM.
 */
import { describe, expect, it } from 'vitest';
import {
  REASON_ACTION_ID,
  REASON_BLOCK_ID,
  REASON_CALLBACK_ID,
} from '../../lambdas/core/answer/reason-modal.ts';
import { submitReason } from '../../lambdas/core/answer/reason.ts';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import type { Block, TriageJob, Views } from '../../lambdas/core/ports.ts';
import { ACTION_YES } from '../../lambdas/core/render/slack.ts';
import { route } from '../../lambdas/core/route.ts';
import { triage } from '../../lambdas/core/triage.ts';
import { runTriageJob } from '../../lambdas/core/triage-work.ts';
import { parseEnv, routerConfig } from '../../lambdas/shared/env.ts';
import { fakeDeps } from '../fakes/route-deps.ts';

class FakeViews implements Views {
  readonly opened: { triggerId: string; view: Block }[] = [];
  async open(triggerId: string, view: Block): Promise<void> {
    this.opened.push({ triggerId, view });
  }
}

const alarm = (extra: Record<string, unknown> = {}) =>
  parseAlarm({
    type: 'self-service',
    users: [{ slackId: 'U1OWNER', github: 'alice' }],
    body: {
      github: { title: 'SSH key added to alice' },
      slack: { message: 'A new SSH key was added', actions: { yes: 'Yes, my key', no: 'Not me' } },
    },
    ...extra,
  });

/** The environment as the functions read it, with `extra` variables set. */
const configFrom = (extra: Record<string, string>) =>
  routerConfig(
    parseEnv({
      DISPATCH_GITHUB_OWNER: 'acme',
      DISPATCH_GITHUB_DEFAULT_REPO: 'alarms',
      DISPATCH_GITHUB_DEFAULT_USER: 'acme/security',
      DISPATCH_SLACK_DEFAULT_CHANNEL: 'C0DEFAULT',
      DISPATCH_LEDGER_TABLE: 'ledger',
      ...extra,
    }),
  );

async function prompted(env: Record<string, string>, extra: Record<string, unknown> = {}) {
  const deps = fakeDeps();
  Object.assign(deps, { config: { ...deps.config, ...configFrom(env) } });
  const views = new FakeViews();
  const queued: TriageJob[] = [];
  const report = await route(deps, alarm(extra), { messageId: 'm1' });
  const key = report.deliveries[0]!.key;
  const dm = report.deliveries[0]!.dms[0]!;
  const triageDeps = { ...deps, views, jobs: { enqueue: async (j: TriageJob) => void queued.push(j) } };
  const clickYes = (user = 'U1OWNER') =>
    triage(triageDeps, {
      type: 'block_actions',
      user: { id: user },
      trigger_id: 'trigger-1',
      actions: [{ action_id: ACTION_YES, value: key }],
      container: { channel_id: dm.channel!, message_ts: dm.ts! },
    });
  const submit = (reason: string, user = 'U1OWNER') =>
    submitReason(triageDeps, {
      type: 'view_submission',
      user: { id: user },
      view: {
        callback_id: REASON_CALLBACK_ID,
        private_metadata: views.opened.at(-1)!.view.private_metadata as string,
        state: { values: { [REASON_BLOCK_ID]: { [REASON_ACTION_ID]: { value: reason } } } },
      },
    });
  const drain = async () => {
    while (queued.length) await runTriageJob(deps, queued.shift()!);
  };
  return { deps, key, views, queued, clickYes, submit, drain };
}

describe('requireReason: the environment default and the alarm', () => {
  it.each([
    ['the environment default is on', { DISPATCH_PROMPT_REQUIRE_REASON: 'true' }, {}, true],
    ['the alarm asks, the environment does not', {}, { requireReason: true }, true],
    [
      'the alarm says no, over the environment default',
      { DISPATCH_PROMPT_REQUIRE_REASON: 'true' },
      { requireReason: false },
      false,
    ],
    ['neither asks (as before)', {}, {}, false],
  ])(
    'records it on the prompt when it is sent, and "yes" asks for a reason when %s',
    async (_what, env, extra, asks) => {
      // Act
      const { deps, key, views, queued, clickYes } = await prompted(env, extra);
      const outcome = await clickYes();
      // Assess
      expect((await deps.ledger.get(key))!.prompt!.requireReason ?? false).toBe(asks);
      expect(outcome).toBe(asks ? 'reason-asked' : 'accepted');
      expect(views.opened.map((o) => o.triggerId)).toEqual(asks ? ['trigger-1'] : []);
      expect(queued.map((j) => j.kind)).toEqual(asks ? [] : ['answer']);
    },
  );
});

describe('the reason on the audit trail', () => {
  it('is quoted under the "yes" comment and shown in the DM once the modal is submitted', async () => {
    // Prepare
    const { deps, submit, clickYes, drain } = await prompted({}, { requireReason: true });
    await clickYes();
    // Act
    const result = await submit('  Added my new laptop key\nfor the deploy box  ');
    await drain();
    // Assess
    expect(result).toEqual({ outcome: 'accepted', response: { response_action: 'clear' } });
    const issue = deps.tracker.issues[0]!;
    expect(issue.state).toBe('closed');
    expect(issue.comments.at(-1)).toContain(
      'Reason given by `U1OWNER`:\n\n```text\nAdded my new laptop key\nfor the deploy box\n```',
    );
    expect(JSON.stringify(deps.chat.updates.at(-1)!.message.blocks)).toContain(
      '*Reason:* Added my new laptop key\\nfor the deploy box',
    );
  });

  it('names the responder and the owner when a responder answers', async () => {
    // Prepare
    const { deps, submit, clickYes, drain } = await prompted(
      { DISPATCH_RESPONDERS: 'U9RESPONDER' },
      { requireReason: true },
    );
    await clickYes('U9RESPONDER');
    // Act
    await submit('Checked with alice', 'U9RESPONDER');
    await drain();
    // Assess
    expect(deps.tracker.issues[0]!.comments.at(-1)).toMatch(
      /answered by `U9RESPONDER` on behalf of `U1OWNER`: a responder confirmed this activity for the user\. Closing\./,
    );
    expect(JSON.stringify(deps.chat.updates.at(-1)!.message.blocks)).toContain(
      'This was answered by <@U9RESPONDER> on behalf of <@U1OWNER>.',
    );
  });
});
