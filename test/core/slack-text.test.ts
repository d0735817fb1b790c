/**
 * Issue 12, attack 4: producer text reaching Slack as mrkdwn. Mentions, broadcasts and disguised links must not come
 * from an alarm; Dispatch's own markup (dates, the issue link, declared links) keeps working.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../lambdas/core/message.ts';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import type { Block, ChatMessage, TriageJob } from '../../lambdas/core/ports.ts';
import {
  ACTION_NO,
  ACTION_YES,
  answeredDm,
  digestDm,
  noticeDm,
  selfServiceDm,
} from '../../lambdas/core/render/slack.ts';
import { route } from '../../lambdas/core/route.ts';
import { triage } from '../../lambdas/core/triage.ts';
import { runTriageJob } from '../../lambdas/core/triage-work.ts';
import { fakeDeps } from '../fakes/route-deps.ts';
import { slackRefused, type FakeTimers } from '../fakes/vendors.ts';

const ATTACKS = ['<!channel>', '<!here>', '<!subteam^S1>', '<@U1>', '<https://evil.example|Click to verify>'];
const hostile = (what: string) => `${what} ${ATTACKS.join(' ')} *bold* _italic_ & more`;
const RUNBOOK = 'https://runbooks.example.com/2fa?team=sec&step=1';

const selfService = (extra: Record<string, unknown> = {}) =>
  parseAlarm({
    type: 'self-service',
    users: [{ slackId: 'U1', github: 'alice' }],
    body: {
      github: { title: hostile('Title'), body: 'b' },
      slack: {
        message: hostile('Message'),
        prompt: hostile('Prompt'),
        actions: {
          yes: 'Yes',
          no: 'No',
          yes_response: hostile('Yes response'),
          no_response: hostile('No response'),
        },
      },
    },
    links: [{ href: RUNBOOK, text: hostile('Runbook') }],
    ...extra,
  });

/** Every mrkdwn text of a message: the notification `text` and each mrkdwn text object in its blocks. */
function mrkdwnTexts(message: ChatMessage): string[] {
  const out = [message.text];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    Object.values(o).forEach(walk);
  };
  walk(message.blocks);
  return out;
}

/** What is left of a text once Dispatch's own markup is taken out: it must hold no `<` or `>` at all. */
function withoutDispatchMarkup(text: string): string {
  return text
    .replace(/<!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^<>|]*>/g, '')
    .replace(/<https:\/\/github\.com\/acme\/alarms\/issues\/\d+\|Audit trail on GitHub>/g, '')
    .replace(/<https:\/\/runbooks\.example\.com\/2fa\?team=sec&amp;step=1\|[^<>]*>/g, '');
}

function expectNoInjection(messages: ChatMessage[]) {
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) {
    for (const text of mrkdwnTexts(message)) {
      const rest = withoutDispatchMarkup(text);
      expect(rest, text).not.toMatch(/[<>]/);
      // Every & is the start of an entity: nothing of the producer's can be read as markup.
      expect(rest, text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
  }
}

const allText = (messages: ChatMessage[]) => messages.flatMap(mrkdwnTexts).join('\n');

describe('producer text in Slack is shown literally (issue 12, attack 4)', () => {
  it('escapes message, prompt, link text and fallback text of the self-service prompt; *bold* still renders', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    await route(deps, selfService(), { messageId: 'm1' });
    // Assess
    const sent = [...deps.chat.posts.map((p) => p.message), ...deps.chat.updates.map((u) => u.message)];
    expect(deps.chat.updates).toHaveLength(1);
    expectNoInjection(sent);
    const text = allText(sent);
    expect(text).toContain('Message &lt;!channel&gt; &lt;!here&gt; &lt;!subteam^S1&gt; &lt;@U1&gt;');
    expect(text).toContain('&lt;https://evil.example|Click to verify&gt; *bold* _italic_ &amp; more');
    expect(text).toContain('Prompt &lt;!channel&gt;');
    expect(text).toContain(`<https://runbooks.example.com/2fa?team=sec&amp;step=1|Runbook &lt;!channel&gt;`);
    expect(text).toContain('|Audit trail on GitHub>');
    expect(text).toMatch(/Please answer by <!date\^\d+\^/);
  });

  it('escapes the yes_response in the answered DM after a yes', async () => {
    // Prepare
    const deps = fakeDeps();
    const jobs: TriageJob[] = [];
    const report = await route(deps, selfService(), { messageId: 'm1' });
    const dm = report.deliveries[0]!.dms[0]!;
    await triage(
      { ...deps, jobs: { enqueue: async (j) => void jobs.push(j) } },
      {
        type: 'block_actions',
        user: { id: 'U1' },
        actions: [{ action_id: ACTION_YES, value: report.deliveries[0]!.key }],
        container: { channel_id: dm.channel, message_ts: dm.ts },
      },
    );
    // Act
    while (jobs.length) await runTriageJob(deps, jobs.shift()!);
    // Assess
    const answered = deps.chat.updates.at(-1)!.message;
    expectNoInjection([answered]);
    expect(allText([answered])).toContain('Yes response &lt;!channel&gt;');
    expect(allText([answered])).toContain('*bold*');
    expect(deps.tracker.issues[0]!.state).toBe('closed');
  });

  it('escapes the no_response in the answered DM after a no', async () => {
    // Prepare
    const deps = fakeDeps();
    const jobs: TriageJob[] = [];
    const report = await route(deps, selfService(), { messageId: 'm1' });
    const dm = report.deliveries[0]!.dms[0]!;
    await triage(
      { ...deps, jobs: { enqueue: async (j) => void jobs.push(j) } },
      {
        type: 'block_actions',
        user: { id: 'U1' },
        actions: [{ action_id: ACTION_NO, value: report.deliveries[0]!.key }],
        container: { channel_id: dm.channel, message_ts: dm.ts },
      },
    );
    // Act
    while (jobs.length) await runTriageJob(deps, jobs.shift()!);
    // Assess
    const answered = deps.chat.updates.at(-1)!.message;
    expectNoInjection([answered]);
    expect(allText([answered])).toContain('No response &lt;!channel&gt;');
  });

  it('escapes the title in the reminder, and keeps the deadline a Slack date', async () => {
    // Prepare
    const deps = fakeDeps();
    await route(deps, selfService(), { messageId: 'm1' });
    // Act
    await runTriageJob(deps, (deps.timers as FakeTimers).job('reminder')!);
    // Assess
    const reminder = deps.chat.posts.find((p) => p.message.threadTs)!.message;
    expectNoInjection([reminder]);
    expect(allText([reminder])).toContain('"Title &lt;!channel&gt;');
    expect(reminder.text).toMatch(/answer the prompt above by <!date\^\d+\^/);
  });

  it('escapes the title and reason in the default channel when a DM is refused or has no Slack ID', async () => {
    // Prepare
    const deps = fakeDeps();
    deps.chat.failPost = (to) => (to === 'U1' ? slackRefused('user_not_found') : undefined);
    // Act
    await route(deps, selfService(), { messageId: 'm1' });
    await route(deps, selfService({ users: [{ slackId: '<!channel>' }] }), { messageId: 'm2' });
    // Assess
    const sent = deps.chat.posts.map((p) => p.message);
    expect(sent).toHaveLength(2);
    expectNoInjection(sent);
    expect(allText(sent)).toContain('"Title &lt;!channel&gt;');
    expect(allText(sent)).toContain('This alarm names &lt;!channel&gt;, not a person');
  });

  it('escapes broadcast and nag messages, a nag title sent as the message, and the digest of held DMs', async () => {
    // Prepare
    const deps = fakeDeps();
    Object.assign(deps, { config: { ...deps.config, userDmCap: 1 } });
    const broadcast = (n: number) =>
      parseAlarm({
        type: 'broadcast',
        users: [{ slackId: 'U1' }],
        body: { github: { title: hostile(`Broadcast ${n}`) }, slack: { message: hostile('Broadcast') } },
        links: [{ href: RUNBOOK, text: hostile('Runbook') }],
      });
    // Act
    await route(deps, broadcast(1), { messageId: 'm1' });
    await route(deps, broadcast(2), { messageId: 'm2' });
    await runTriageJob(deps, (deps.timers as FakeTimers).job('digest')!);
    await route(
      deps,
      parseAlarm({ type: 'nag', users: [{ slackId: 'U2' }], body: { github: { title: hostile('Nag') } } }),
      { messageId: 'm3' },
    );
    // Assess
    const sent = deps.chat.posts.map((p) => p.message);
    expect(deps.chat.posts.map((p) => p.to)).toEqual(['U1', 'U1', 'U2']);
    expectNoInjection(sent);
    expect(allText(sent)).toContain('Broadcast &lt;!channel&gt;');
    expect(allText(sent)).toContain('• broadcast: Broadcast 2 &lt;!channel&gt;');
    expect(sent[2]!.text).toContain('Nag &lt;!channel&gt;');
  });
});

describe('Slack rendering', () => {
  const key = 'self-service:abc';
  const sectionTexts = (blocks: Block[]) =>
    blocks.filter((b) => b.type === 'section').map((b) => (b.text as { text: string }).text);

  it('marks every mrkdwn text verbatim, so Slack does not turn plain @here or #channel into mentions', () => {
    // Act
    const dm = selfServiceDm(selfService() as never, {
      key,
      marker: 'm',
      issueUrl: 'https://github.com/a/b/issues/1',
    });
    // Assess
    const objects = JSON.stringify(dm.blocks).match(/"type":"mrkdwn"[^}]*}/g)!;
    expect(objects.length).toBeGreaterThan(2);
    expect(objects.every((o) => o.includes('"verbatim":true'))).toBe(true);
  });

  it('never cuts an escape entity in half at the section boundary, and counts the limit on the escaped text', () => {
    // Prepare: an & whose entity straddles the 3,000-character boundary
    const message = `${'a'.repeat(2998)}&b`;
    // Act
    const dm = noticeDm(selfService() as never, message, 'm');
    // Assess
    const texts = sectionTexts(dm.blocks);
    expect(texts.every((t) => t.length <= LIMITS.slackSection)).toBe(true);
    expect(texts.join('')).toBe(`${'a'.repeat(2998)}&amp;b`);
    for (const t of texts) expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
  });

  it('keeps a message of 40,000 characters that all need escaping within 50 blocks of 3,000', () => {
    // Act
    const dm = selfServiceDm(
      parseAlarm({
        type: 'self-service',
        users: [{ slackId: 'U1' }],
        body: {
          github: { title: 't' },
          slack: {
            message: '<'.repeat(LIMITS.slackMessage),
            prompt: '&'.repeat(LIMITS.slackSection),
            actions: { yes: 'y', no: 'n' },
          },
        },
        links: Array.from({ length: 10 }, (_, i) => ({
          href: `https://x.example/${'p'.repeat(1970)}${i}`,
          text: '&'.repeat(200),
        })),
      }) as never,
      { key, marker: 'm', issueUrl: 'https://github.com/a/b/issues/1', deadline: 1_800_000_000_000 },
    );
    // Assess
    expect(dm.blocks.length).toBeLessThanOrEqual(LIMITS.slackBlocks);
    expect(dm.blocks.some((b) => b.type === 'actions')).toBe(true);
    for (const text of mrkdwnTexts(dm)) expect(text.length).toBeLessThanOrEqual(LIMITS.slackSection);
    for (const b of dm.blocks.filter((b) => b.type === 'context')) {
      expect((b.elements as unknown[]).length).toBeLessThanOrEqual(LIMITS.slackContextElements);
    }
    // All ten links and the issue link are still there.
    expect(allText([dm]).match(/<https:\/\/x\.example\//g)).toHaveLength(10);
    expect(allText([dm])).toContain('|Audit trail on GitHub>');
  });

  it('does not link an issue URL that could break out of its link', () => {
    // Act
    const dm = answeredDm('m', 'done', 'https://github.com/a/b/issues/1|Fake><!channel');
    // Assess
    expect(allText([dm])).not.toContain('<!channel>');
    expect(withoutDispatchMarkup(allText([dm]))).not.toMatch(/[<>]/);
  });

  it('keeps a digest of many held alarms within the block limit', () => {
    // Act
    const dm = digestDm(
      Array.from({ length: 50 }, () => '<'.repeat(256)),
      10,
      50,
    );
    // Assess
    expect(dm.blocks.length).toBeLessThanOrEqual(LIMITS.slackBlocks);
    expectNoInjection([dm]);
  });
});
