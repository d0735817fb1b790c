import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { GitHubIssues } from '../../lambdas/adapters/github-issues.ts';
import { recordingClock, useNock } from '../helpers/nock.ts';

useNock();

const GH = 'https://api.github.com';
const repo = { owner: 'acme', repo: 'alarms' };
const issue = { ...repo, number: 7, url: 'https://github.com/acme/alarms/issues/7' };

function github(options: Partial<ConstructorParameters<typeof GitHubIssues>[0]> = {}) {
  const clock = recordingClock();
  return {
    clock,
    gh: new GitHubIssues({
      token: async () => 'ghp_testtokentesttokentest1234',
      timeoutMs: 300,
      clock,
      ...options,
    }),
  };
}

describe('GitHubIssues', () => {
  it('creates an issue with title, body and labels, the token in the header and not in the URL', async () => {
    // Prepare
    const scope = nock(GH, { reqheaders: { authorization: 'token ghp_testtokentesttokentest1234' } })
      .post('/repos/acme/alarms/issues', { title: 'T', body: 'B', labels: ['security'] })
      .reply(201, { number: 7, html_url: issue.url });
    // Act
    const made = await github().gh.create(repo, { title: 'T', body: 'B', labels: ['security'] });
    // Assess
    expect(made).toEqual(issue);
    expect(scope.isDone()).toBe(true);
  });

  it('talks to GitHub Enterprise Server at the configured API URL', async () => {
    // Prepare
    const scope = nock('https://ghe.example.com')
      .post('/api/v3/repos/acme/alarms/issues')
      .reply(201, { number: 1, html_url: 'u' });
    // Act
    await github({ apiUrl: 'https://ghe.example.com/api/v3/' }).gh.create(repo, {
      title: 'T',
      body: 'B',
      labels: [],
    });
    // Assess
    expect(scope.isDone()).toBe(true);
  });

  it('waits out a secondary rate limit (403 with Retry-After) and tries again', async () => {
    // Prepare
    const { gh, clock } = github();
    nock(GH)
      .post('/repos/acme/alarms/issues')
      .reply(403, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '3' });
    nock(GH).post('/repos/acme/alarms/issues').reply(201, { number: 7, html_url: issue.url });
    // Act
    const made = await gh.create(repo, { title: 'T', body: 'B', labels: [] });
    // Assess
    expect(made.number).toBe(7);
    expect(clock.sleeps).toEqual([3000]);
  });

  it('hands a primary rate limit reset far away back as a retryable error', async () => {
    // Prepare
    const { gh, clock } = github();
    const reset = Math.floor(clock.now() / 1000) + 600;
    nock(GH)
      .post('/repos/acme/alarms/issues')
      .reply(
        403,
        { message: 'API rate limit exceeded' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      );
    // Act / Assess
    await expect(gh.create(repo, { title: 'T', body: 'B', labels: [] })).rejects.toMatchObject({
      retryable: true,
      retryAfterMs: 600_000,
    });
  });

  it('says what a 404 means and does not retry it', async () => {
    // Prepare
    const scope = nock(GH).post('/repos/acme/nope/issues').reply(404, { message: 'Not Found' });
    // Act / Assess
    await expect(
      github().gh.create({ owner: 'acme', repo: 'nope' }, { title: 'T', body: 'B', labels: [] }),
    ).rejects.toMatchObject({
      retryable: false,
      status: 404,
      message: expect.stringContaining('repository or issue not found, or the token cannot see it'),
    });
    expect(scope.isDone()).toBe(true);
  });

  it('says an invalid token is invalid', async () => {
    // Prepare
    nock(GH).post('/repos/acme/alarms/issues').reply(401, { message: 'Bad credentials' });
    // Act / Assess
    await expect(github().gh.create(repo, { title: 'T', body: 'B', labels: [] })).rejects.toThrow(
      /invalid or expired/,
    );
  });

  it('retries a 502 on a read and succeeds', async () => {
    // Prepare
    nock(GH).get('/repos/acme/alarms/issues/7').reply(502, 'bad gateway');
    nock(GH).get('/repos/acme/alarms/issues/7').reply(200, { number: 7, state: 'open' });
    // Act / Assess
    expect(await github().gh.state(issue)).toBe('open');
  });

  it.each([
    ['a 502', () => nock(GH).post('/repos/acme/alarms/issues').reply(502, 'bad gateway')],
    [
      'a slow answer',
      () => nock(GH).post('/repos/acme/alarms/issues').delay(1_000).reply(201, { number: 1, html_url: 'u' }),
    ],
    [
      'an answer without an issue',
      () => nock(GH).post('/repos/acme/alarms/issues').reply(201, '<html>oops</html>'),
    ],
  ])('does not create again after %s (the issue may exist): fails retryably, once', async (_what, reply) => {
    // Prepare: one interceptor only, so a second create would fail the test.
    reply();
    // Act / Assess
    await expect(github().gh.create(repo, { title: 'T', body: 'B', labels: [] })).rejects.toMatchObject({
      retryable: true,
    });
  });

  it('looks for a marked comment among the recent ones', async () => {
    // Prepare
    nock(GH)
      .get('/repos/acme/alarms/issues/7/comments')
      .query({ since: '2026-11-23T08:00:00.000Z', per_page: '100' })
      .reply(200, [
        { id: 1, body: 'other', user: BOT },
        { id: 2, body: 'Answered\n<!-- dispatch:k#o1:yes:comment -->', user: BOT },
      ]);
    nock(GH).get('/user').reply(200, BOT);
    // Act / Assess
    expect(await github().gh.findComment(issue, 'k#o1:yes:comment', Date.parse('2026-11-23T08:00:00Z'))).toBe(
      2,
    );
  });

  it('reads the state of one issue', async () => {
    // Prepare
    nock(GH).get('/repos/acme/alarms/issues/7').reply(200, { number: 7, state: 'closed' });
    // Act / Assess
    expect(await github().gh.state(issue)).toBe('closed');
  });

  it('comments, labels and closes as completed', async () => {
    // Prepare
    const scope = nock(GH)
      .post('/repos/acme/alarms/issues/7/comments', { body: 'answered' })
      .reply(201, { id: 1 })
      .post('/repos/acme/alarms/issues/7/labels', { labels: ['escalated'] })
      .reply(200, [])
      .patch('/repos/acme/alarms/issues/7', { state: 'closed', state_reason: 'completed' })
      .reply(200, {});
    const { gh } = github();
    // Act
    await gh.comment(issue, 'answered');
    await gh.addLabels(issue, ['escalated']);
    await gh.close(issue);
    // Assess
    expect(scope.isDone()).toBe(true);
  });

  it('finds an issue by its hidden marker among the newest issues, with one list request', async () => {
    // Prepare
    nock(GH)
      .get('/repos/acme/alarms/issues')
      .query({ state: 'all', sort: 'created', direction: 'desc', per_page: '30' })
      .reply(200, [
        { number: 9, html_url: 'u9', body: 'other\n<!-- dispatch:x#o1 -->', user: BOT },
        { number: 7, html_url: issue.url, body: 'text\n<!-- dispatch:k#o1 -->', user: BOT },
      ]);
    nock(GH).get('/user').reply(200, BOT);
    // Act / Assess
    expect(await github().gh.findByKey(repo, 'k#o1')).toEqual(issue);
  });
});

/** What the token's own account (token auth) or the App's bot (App auth) created, as GitHub lists it. */
const BOT = { login: 'dispatch-bot', type: 'User' };
const MALLORY = { login: 'mallory', type: 'User' };
const APP_BOT = { login: 'dispatch-app[bot]', type: 'Bot' };
const VIA_APP = { id: 123456, slug: 'dispatch-app' };
const recentIssues = () =>
  nock(GH)
    .get('/repos/acme/alarms/issues')
    .query({ state: 'all', sort: 'created', direction: 'desc', per_page: '30' });
const recentComments = () => nock(GH).get('/repos/acme/alarms/issues/7/comments').query(true);

describe('GitHubIssues reconciliation trusts only what Dispatch wrote (issue 12, attack 2)', () => {
  it('skips an issue another account created, even with the marker as its last line', async () => {
    // Prepare: mallory planted the victim's marker; Dispatch's own issue for the key is further down.
    recentIssues().reply(200, [
      { number: 9, html_url: 'u9', body: 'unrelated\n<!-- dispatch:k#o1 -->', user: MALLORY },
      { number: 7, html_url: issue.url, body: 'text\n\n<!-- dispatch:k#o1 -->\n', user: BOT },
    ]);
    nock(GH).get('/user').reply(200, BOT);
    // Act / Assess
    expect(await github().gh.findByKey(repo, 'k#o1')).toEqual(issue);
  });

  it('skips an issue of its own whose marker is not the trailer (a marker inside the body)', async () => {
    // Prepare
    recentIssues().reply(200, [
      {
        number: 9,
        html_url: 'u9',
        body: 'copied <!-- dispatch:k#o1 --> text\n<!-- dispatch:x#o1 -->',
        user: BOT,
      },
      { number: 8, html_url: 'u8', body: '<!-- dispatch:k#o1 -->\nmore text', user: BOT },
      { number: 6, html_url: 'u6', body: 'a\n<!-- dispatch:k#o1 --> trailing words', user: BOT },
    ]);
    // Act / Assess: nothing ends with the marker, so who the token is need not even be asked.
    expect(await github().gh.findByKey(repo, 'k#o1')).toBeUndefined();
  });

  it('finds nothing when only a foreign issue carries the marker', async () => {
    // Prepare
    recentIssues().reply(200, [
      { number: 9, html_url: 'u9', body: 'x\n<!-- dispatch:k#o1 -->', user: MALLORY },
    ]);
    nock(GH).get('/user').reply(200, BOT);
    // Act / Assess
    expect(await github().gh.findByKey(repo, 'k#o1')).toBeUndefined();
  });

  it('skips a comment another account wrote, or its own comment with the marker elsewhere than the end', async () => {
    // Prepare
    recentComments().reply(200, [
      { id: 1, body: 'forged\n<!-- dispatch:k#o1:yes:comment -->', user: MALLORY },
      { id: 2, body: '<!-- dispatch:k#o1:yes:comment -->\nquoted', user: BOT },
      { id: 3, body: 'Answered\n<!-- dispatch:k#o1:yes:comment -->', user: BOT },
    ]);
    nock(GH).get('/user').reply(200, BOT);
    // Act / Assess
    expect(await github().gh.findComment(issue, 'k#o1:yes:comment', 0)).toBe(3);
  });

  it('asks GitHub who the token is once, only when a marked candidate is found, and caches it', async () => {
    // Prepare: one /user interceptor only, so a second request would fail the test.
    const { gh } = github();
    recentIssues().reply(200, [{ number: 1, html_url: 'u1', body: 'no marker', user: BOT }]);
    recentIssues().reply(200, [
      { number: 7, html_url: issue.url, body: 'x\n<!-- dispatch:k#o1 -->', user: BOT },
    ]);
    recentComments().reply(200, [{ id: 3, body: 'x\n<!-- dispatch:k#o1:c -->', user: BOT }]);
    const who = nock(GH).get('/user').once().reply(200, BOT);
    // Act
    const none = await gh.findByKey(repo, 'k#o1');
    const asked = who.isDone();
    const found = await gh.findByKey(repo, 'k#o1');
    const comment = await gh.findComment(issue, 'k#o1:c', 0);
    // Assess
    expect(none).toBeUndefined();
    expect(asked).toBe(false);
    expect(found).toEqual(issue);
    expect(comment).toBe(3);
    expect(who.isDone()).toBe(true);
  });

  it('asks again when the token changes (the login is cached per token)', async () => {
    // Prepare
    let token = 'ghp_first';
    const { gh } = github({ token: async () => token });
    const marked = [{ number: 7, html_url: issue.url, body: 'x\n<!-- dispatch:k#o1 -->', user: BOT }];
    recentIssues().twice().reply(200, marked);
    nock(GH, { reqheaders: { authorization: 'token ghp_first' } })
      .get('/user')
      .reply(200, BOT);
    nock(GH, { reqheaders: { authorization: 'token ghp_second' } })
      .get('/user')
      .reply(200, MALLORY);
    // Act
    const first = await gh.findByKey(repo, 'k#o1');
    token = 'ghp_second';
    const second = await gh.findByKey(repo, 'k#o1');
    // Assess
    expect(first).toEqual(issue);
    expect(second).toBeUndefined();
  });

  it('asks GitHub Enterprise Server at its API URL', async () => {
    // Prepare
    const ghe = 'https://ghe.example.com';
    nock(ghe)
      .get('/api/v3/repos/acme/alarms/issues')
      .query(true)
      .reply(200, [{ number: 7, html_url: issue.url, body: 'x\n<!-- dispatch:k#o1 -->', user: BOT }]);
    nock(ghe).get('/api/v3/user').reply(200, BOT);
    // Act / Assess
    expect(await github({ apiUrl: `${ghe}/api/v3` }).gh.findByKey(repo, 'k#o1')).toEqual(issue);
  });

  it('with App auth, trusts what the app bot created through this app, without asking /user', async () => {
    // Prepare: no /user interceptor (an installation token cannot read /user).
    recentIssues().reply(200, [
      // a user acting through the same app (user-to-server token): not the bot
      {
        number: 9,
        html_url: 'u9',
        body: 'x\n<!-- dispatch:k#o1 -->',
        user: MALLORY,
        performed_via_github_app: VIA_APP,
      },
      // another app's bot
      {
        number: 8,
        html_url: 'u8',
        body: 'x\n<!-- dispatch:k#o1 -->',
        user: { login: 'evil-app[bot]', type: 'Bot' },
        performed_via_github_app: { id: 999, slug: 'evil-app' },
      },
      // a bot claiming the app's login without the app
      {
        number: 6,
        html_url: 'u6',
        body: 'x\n<!-- dispatch:k#o1 -->',
        user: APP_BOT,
        performed_via_github_app: null,
      },
      {
        number: 7,
        html_url: issue.url,
        body: 'x\n<!-- dispatch:k#o1 -->',
        user: APP_BOT,
        performed_via_github_app: VIA_APP,
      },
    ]);
    // Act / Assess
    expect(await github({ appId: '123456' }).gh.findByKey(repo, 'k#o1')).toEqual(issue);
  });
});
