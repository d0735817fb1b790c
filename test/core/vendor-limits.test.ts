/**
 * Nothing lost at any size (issue 13): alarms at the edge of what Dispatch accepts, against fakes that refuse what
 * the vendors refuse (GitHub bodies over 65,536 characters, PagerDuty dedup keys over 255, Slack over 50 blocks).
 */
import { describe, expect, it } from 'vitest';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import { route } from '../../lambdas/core/route.ts';
import { runTriageJob } from '../../lambdas/core/triage-work.ts';
import { fakeDeps } from '../fakes/route-deps.ts';

const GITHUB_BODY = 65_536;

describe('a broadcast of any accepted size gets its audit issue (item 2)', () => {
  it('lists 10,000 users with long names on the issue and in comments that each fit GitHub', async () => {
    // Prepare
    const users = Array.from({ length: 10_000 }, (_, i) => ({
      slackId: `U${String(i).padStart(8, '0')}`,
      slack: `someone-with-a-long-display-name-${i}`,
    }));
    const alarm = parseAlarm({
      type: 'broadcast',
      users,
      body: {
        github: { title: 'Phishing campaign', body: 'x'.repeat(60_000) },
        slack: { message: 'Beware' },
      },
    });
    const deps = { ...fakeDeps(), config: { ...fakeDeps().config, userDmCap: 0, broadcastConcurrency: 50 } };
    // Act
    const report = await route(deps, alarm, { messageId: 'm1' });
    // Assess
    expect(report.deliveries[0]!.issue?.number).toBe(1);
    const issue = deps.tracker.issues[0]!;
    expect(issue.body!.length).toBeLessThanOrEqual(GITHUB_BODY);
    for (const c of issue.comments) expect(c.length).toBeLessThanOrEqual(GITHUB_BODY);
    const everything = [issue.body!, ...issue.comments].join('\n');
    const listed = users.filter(
      (u) => everything.includes(`${u.slack},`) || everything.includes(`${u.slack}\n`),
    );
    expect(listed).toHaveLength(10_000);
    expect(issue.body).toContain('Notified (10000)');
    expect(deps.chat.posts).toHaveLength(10_000);
  });

  it('lists every refused DM in comments that each fit GitHub', async () => {
    // Prepare
    const users = Array.from({ length: 3_000 }, (_, i) => ({ slackId: `U${String(i).padStart(8, '0')}` }));
    const alarm = parseAlarm({
      type: 'broadcast',
      users,
      body: { github: { title: 'Phishing campaign' }, slack: { message: 'Beware' } },
    });
    const deps = { ...fakeDeps(), config: { ...fakeDeps().config, userDmCap: 0, broadcastConcurrency: 50 } };
    const { VendorError } = await import('../../lambdas/core/errors.ts');
    deps.chat.failPost = (to) =>
      to.startsWith('U')
        ? new VendorError('slack', `chat.postMessage failed: user_not_found ${'because '.repeat(5)}`, {
            retryable: false,
          })
        : undefined;
    // Act
    await route(deps, alarm, { messageId: 'm1' });
    // Assess
    const comments = deps.tracker.issues[0]!.comments;
    for (const c of comments) expect(c.length).toBeLessThanOrEqual(GITHUB_BODY);
    const mentioned = users.filter((u) => comments.some((c) => c.includes(u.slackId)));
    expect(mentioned).toHaveLength(3_000);
  });
});

describe('a long dedupeKey still pages (item 1)', () => {
  it('escalates a self-service "no" with a 250-character dedupeKey within PagerDuty’s 255', async () => {
    // Prepare
    const deps = fakeDeps();
    const alarm = parseAlarm({
      type: 'self-service',
      dedupeKey: 'k'.repeat(250),
      users: [{ slackId: 'U0123456789' }],
      body: { github: { title: '2FA disabled' }, slack: { message: 'm' } },
    });
    const report = await route(deps, alarm, { messageId: 'm1' });
    const key = report.deliveries[0]!.key;
    // Act
    await runTriageJob(deps, {
      kind: 'answer',
      key,
      occurrence: 1,
      answer: 'no',
      userId: 'U0123456789',
      at: 0,
    });
    // Assess
    expect(deps.pager.pages).toHaveLength(1);
    expect(deps.pager.pages[0]!.dedupKey.length).toBeLessThanOrEqual(255);
  });
});

describe('a nag to 10,000 users keeps its issue within GitHub’s limit (item 2)', () => {
  it('mentions as many handles as fit and counts the rest', async () => {
    // Prepare
    const users = Array.from({ length: 10_000 }, (_, i) => ({
      slackId: `U${String(i).padStart(8, '0')}`,
      github: `member-with-a-longer-login-${i}`,
    }));
    const alarm = parseAlarm({
      type: 'nag',
      users,
      body: {
        github: { title: 'Laptop not encrypted', body: 'x'.repeat(60_000) },
        slack: { message: 'Please' },
      },
    });
    const deps = { ...fakeDeps(), config: { ...fakeDeps().config, userDmCap: 0, broadcastConcurrency: 50 } };
    // Act
    await route(deps, alarm, { messageId: 'm1' });
    // Assess
    const body = deps.tracker.issues[0]!.body!;
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY);
    expect(body).toContain('@member-with-a-longer-login-0 ');
    expect(body).toMatch(/_and \d+ more_/);
  });
});
