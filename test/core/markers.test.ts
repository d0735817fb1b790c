/**
 * Issue 12, attack 2: an unrelated issue carrying the victim alarm's marker must not be adopted as its issue after
 * one unclear GitHub failure, and the victim's "yes" must close the victim's own issue. What Dispatch writes around
 * producer text (DM failures, answers, the broadcast list) mentions nobody and carries no marker.
 */
import { describe, expect, it } from 'vitest';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import type { TriageJob } from '../../lambdas/core/ports.ts';
import { issueMarker } from '../../lambdas/core/render/github.ts';
import { ACTION_YES } from '../../lambdas/core/render/slack.ts';
import { route } from '../../lambdas/core/route.ts';
import { triage } from '../../lambdas/core/triage.ts';
import { runTriageJob } from '../../lambdas/core/triage-work.ts';
import { fakeDeps } from '../fakes/route-deps.ts';
import { slackRefused, transient } from '../fakes/vendors.ts';
import { mentions } from '../helpers/markdown.ts';

const repo = { owner: 'acme', repo: 'alarms' };

const victim = (extra: Record<string, unknown> = {}) =>
  parseAlarm({
    type: 'self-service',
    users: [{ slackId: 'U1', github: 'alice' }],
    body: {
      github: { title: '2FA disabled', body: 'It was disabled.' },
      slack: { message: 'Your 2FA was disabled', prompt: 'Was this you?', actions: { yes: 'Yes', no: 'No' } },
    },
    ...extra,
  });

/** The victim's marker, as an attacker predicts it (the key is a hash of public fields): a dry run learns it. */
async function predictedMarker(alarm = victim()): Promise<string> {
  const report = await route(fakeDeps(), alarm, { messageId: 'dry-run' });
  return `${report.deliveries[0]!.key}#o1`;
}

/** Routes the victim alarm with GitHub failing its first create (503: nothing was created), then answers "yes". */
async function attack(plantedBody: (marker: string) => string, author: string) {
  const deps = fakeDeps();
  const marker = await predictedMarker();
  const planted = deps.tracker.plant(repo, { body: plantedBody(marker), author });
  let failures = 1;
  deps.tracker.failCreate = () => (failures-- > 0 ? transient('github') : undefined);
  const report = await route(deps, victim(), { messageId: 'm1' });
  const queued: TriageJob[] = [];
  const key = report.deliveries[0]!.key;
  const dm = report.deliveries[0]!.dms[0]!;
  await triage(
    { ...deps, jobs: { enqueue: async (j) => void queued.push(j) } },
    {
      type: 'block_actions',
      user: { id: 'U1' },
      actions: [{ action_id: ACTION_YES, value: key }],
      container: { channel_id: dm.channel, message_ts: dm.ts },
    },
  );
  while (queued.length) await runTriageJob(deps, queued.shift()!);
  return { deps, report, planted };
}

describe('reconciling after an unclear GitHub failure (issue 12, attack 2)', () => {
  it('does not adopt an issue another account opened with the victim marker as its last line', async () => {
    // Act
    const { deps, report, planted } = await attack((m) => `Please ignore.\n${issueMarker(m)}`, 'mallory');
    // Assess
    const made = deps.tracker.issues.filter((i) => i.author === deps.tracker.login);
    expect(made).toHaveLength(1);
    expect(report.deliveries[0]!.issue).toEqual(expect.objectContaining({ number: made[0]!.number }));
    expect(report.deliveries[0]!.issue!.number).not.toBe(planted.number);
    expect(JSON.stringify(deps.chat.updates[0]!.message.blocks)).toContain(made[0]!.url);
    // The signed "yes" closes the victim's own issue; the planted one is untouched.
    expect(made[0]!.state).toBe('closed');
    expect(deps.tracker.issues.find((i) => i.number === planted.number)).toMatchObject({
      state: 'open',
      comments: [],
    });
  });

  it('does not adopt an issue of its own whose marker is only quoted in the body, not its trailer', async () => {
    // Act: the bot's own earlier issue quotes the victim marker mid-body (as the old, unescaped bodies could).
    const { deps, report, planted } = await attack(
      (m) => `Copied text:\n${issueMarker(m)}\nmore text\n${issueMarker('other#o1')}`,
      'dispatch-bot',
    );
    // Assess
    expect(deps.tracker.issues).toHaveLength(2);
    expect(report.deliveries[0]!.issue!.number).not.toBe(planted.number);
    expect(deps.tracker.issues.find((i) => i.number === planted.number)!.state).toBe('open');
    expect(deps.tracker.issues.find((i) => i.number === report.deliveries[0]!.issue!.number)!.state).toBe(
      'closed',
    );
  });

  it('still adopts its own issue whose answer was lost (the crash window stays closed)', async () => {
    // Prepare
    const deps = fakeDeps();
    deps.tracker.loseCreateAnswer = true;
    // Act
    const report = await route(deps, victim(), { messageId: 'm1' });
    // Assess
    expect(deps.tracker.issues).toHaveLength(1);
    expect(report.deliveries[0]!.issue!.number).toBe(1);
  });

  it('does not take a comment another account wrote with the answer marker for its own', async () => {
    // Prepare: the first "yes" comment fails unclearly; mallory has planted its marker on the issue.
    const deps = fakeDeps();
    const report = await route(deps, victim(), { messageId: 'm1' });
    const { key, issue, dms } = report.deliveries[0]!;
    deps.tracker.addComment(issue!, `Done.\n${issueMarker(`${key}#o1:yes:comment`)}`, 'mallory');
    let failures = 1;
    deps.tracker.failComment = () => (failures-- > 0 ? transient('github') : undefined);
    const queued: TriageJob[] = [];
    await triage(
      { ...deps, jobs: { enqueue: async (j) => void queued.push(j) } },
      {
        type: 'block_actions',
        user: { id: 'U1' },
        actions: [{ action_id: ACTION_YES, value: key }],
        container: { channel_id: dms[0]!.channel, message_ts: dms[0]!.ts },
      },
    );
    // Act
    while (queued.length) await runTriageJob(deps, queued.shift()!);
    // Assess
    const made = deps.tracker.issues[0]!;
    expect(made.commentAuthors).toEqual(['mallory', 'dispatch-bot']);
    expect(made.comments[1]).toContain('Answered **yes**');
    expect(made.state).toBe('closed');
  });
});

describe('text Dispatch writes around producer text (issue 12, GitHub text)', () => {
  it('keeps broadcast names inside the list fence, whatever backticks they hold', async () => {
    // Prepare
    const deps = fakeDeps();
    const alarm = parseAlarm({
      type: 'broadcast',
      users: [
        { slackId: 'U1', slack: 'alice\n```\n@evil-team <!-- dispatch:v#o1 -->\n```' },
        { slackId: 'U2', slack: '````' },
      ],
      body: { github: { title: 'Phishing', body: 'Beware' }, slack: { message: 'Do not click' } },
    });
    // Act
    await route(deps, alarm, { messageId: 'm1' });
    // Assess
    const body = deps.tracker.issues[0]!.body;
    expect(mentions(body)).toEqual([]);
    expect(body.split('<!--')).toHaveLength(2);
  });

  it('keeps a refused Slack ID and the reason inside code spans on the issue', async () => {
    // Prepare
    const deps = fakeDeps();
    deps.chat.failPost = (to) => (to.startsWith('U2') ? slackRefused('user_not_found') : undefined);
    const alarm = parseAlarm({
      type: 'broadcast',
      users: [{ slackId: 'U1' }, { slackId: 'U2` @evil-team `<!-- dispatch:v#o1 -->' }],
      body: { github: { title: 'Phishing', body: 'Beware' }, slack: { message: 'Do not click' } },
    });
    // Act
    await route(deps, alarm, { messageId: 'm1' });
    // Assess
    const comment = deps.tracker.issues[0]!.comments[0]!;
    expect(comment).toContain('user_not_found');
    expect(mentions(comment)).toEqual([]);
    expect(comment.split('<!--')).toHaveLength(2);
  });

  it('keeps a channel named as the user inside a code span in the fallback note', async () => {
    // Prepare
    const deps = fakeDeps();
    // Act
    await route(deps, victim({ users: [{ slackId: '#sec @evil-team', github: 'alice' }] }), {
      messageId: 'm1',
    });
    // Assess
    expect(mentions(deps.tracker.issues[0]!.body)).toEqual(['alice']);
  });

  it('keeps the button label inside a code span in the answer comment', async () => {
    // Act
    const deps = fakeDeps();
    const alarm = victim();
    if (alarm.type === 'self-service')
      alarm.body.slack.actions!.yes = 'Yes` @evil-team `<!-- dispatch:v#o1 -->';
    const report = await route(deps, alarm, { messageId: 'm1' });
    const { key, dms } = report.deliveries[0]!;
    const queued: TriageJob[] = [];
    await triage(
      { ...deps, jobs: { enqueue: async (j) => void queued.push(j) } },
      {
        type: 'block_actions',
        user: { id: 'U1' },
        actions: [{ action_id: ACTION_YES, value: key }],
        container: { channel_id: dms[0]!.channel, message_ts: dms[0]!.ts },
      },
    );
    while (queued.length) await runTriageJob(deps, queued.shift()!);
    // Assess
    const comment = deps.tracker.issues[0]!.comments[0]!;
    expect(comment).toContain('Answered **yes**');
    expect(mentions(comment)).toEqual([]);
    expect(comment.split('<!--')).toHaveLength(2);
  });
});
