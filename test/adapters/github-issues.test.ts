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
        { id: 1, body: 'other' },
        { id: 2, body: 'Answered\n<!-- dispatch:k#o1:yes:comment -->' },
      ]);
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

  it('finds an issue by its hidden marker among the newest issues, with one request', async () => {
    // Prepare
    nock(GH)
      .get('/repos/acme/alarms/issues')
      .query({ state: 'all', sort: 'created', direction: 'desc', per_page: '30' })
      .reply(200, [
        { number: 9, html_url: 'u9', body: 'other <!-- dispatch:x#o1 -->' },
        { number: 7, html_url: issue.url, body: 'text\n<!-- dispatch:k#o1 -->' },
      ]);
    // Act / Assess
    expect(await github().gh.findByKey(repo, 'k#o1')).toEqual(issue);
  });
});
