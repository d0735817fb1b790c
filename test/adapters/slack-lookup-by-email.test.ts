/** SlackChat.lookupByEmail at the wire (issue 16): https://api.slack.com/methods/users.lookupByEmail */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { SlackChat } from '../../lambdas/adapters/slack-chat.ts';
import { VendorError } from '../../lambdas/core/errors.ts';
import { recordingClock, useNock } from '../helpers/nock.ts';

useNock();

const SLACK = 'https://slack.com';

function chat() {
  const clock = recordingClock();
  return {
    clock,
    chat: new SlackChat({ token: async () => 'xoxb-test-token', timeoutMs: 300, clock }),
  };
}

describe('SlackChat.lookupByEmail', () => {
  it('asks users.lookupByEmail with the bot token and answers the user ID', async () => {
    // Prepare
    const scope = nock(SLACK, { reqheaders: { authorization: 'Bearer xoxb-test-token' } })
      .post('/api/users.lookupByEmail', { email: 'alice@example.com' })
      .reply(200, { ok: true, user: { id: 'W012A3CDE', name: 'alice', deleted: false } });
    // Act
    const id = await chat().chat.lookupByEmail('alice@example.com');
    // Assess
    expect(id).toBe('W012A3CDE');
    expect(scope.isDone()).toBe(true);
  });

  it('answers nobody for users_not_found, once, without retrying', async () => {
    // Prepare: one interceptor only, so a retry would fail the test.
    const scope = nock(SLACK)
      .post('/api/users.lookupByEmail')
      .reply(200, { ok: false, error: 'users_not_found' });
    // Act
    const id = await chat().chat.lookupByEmail('ghost@example.com');
    // Assess
    expect(id).toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it('answers nobody for a deactivated account', async () => {
    // Prepare
    nock(SLACK)
      .post('/api/users.lookupByEmail')
      .reply(200, { ok: true, user: { id: 'U0GONE001', deleted: true } });
    // Act / Assess
    expect(await chat().chat.lookupByEmail('gone@example.com')).toBeUndefined();
  });

  it('waits the Retry-After of a 429 (ratelimited) and asks again', async () => {
    // Prepare
    const { chat: slack, clock } = chat();
    nock(SLACK)
      .post('/api/users.lookupByEmail')
      .reply(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '3' });
    nock(SLACK)
      .post('/api/users.lookupByEmail')
      .reply(200, { ok: true, user: { id: 'U0ALICE01' } });
    // Act
    const id = await slack.lookupByEmail('alice@example.com');
    // Assess
    expect(id).toBe('U0ALICE01');
    expect(clock.sleeps).toEqual([3000]);
  });

  it('gives a long Retry-After back as a retryable error instead of waiting it out', async () => {
    // Prepare
    const { chat: slack, clock } = chat();
    nock(SLACK)
      .post('/api/users.lookupByEmail')
      .reply(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '60' });
    // Act / Assess
    await expect(slack.lookupByEmail('alice@example.com')).rejects.toMatchObject({
      retryable: true,
      status: 429,
      retryAfterMs: 60_000,
    });
    expect(clock.sleeps).toEqual([]);
  });

  it('fails without retrying when the token lacks users:read.email, naming Slack’s reason', async () => {
    // Prepare
    nock(SLACK)
      .post('/api/users.lookupByEmail')
      .reply(200, { ok: false, error: 'missing_scope', needed: 'users:read.email' });
    // Act / Assess
    await expect(chat().chat.lookupByEmail('alice@example.com')).rejects.toThrow(
      new VendorError('slack', 'users.lookupByEmail failed: missing_scope', { retryable: false }),
    );
  });

  it('fails retryably on an answer without a user ID (the alarm is tried again)', async () => {
    // Prepare
    nock(SLACK).post('/api/users.lookupByEmail').reply(200, { ok: true });
    // Act / Assess
    await expect(chat().chat.lookupByEmail('alice@example.com')).rejects.toMatchObject({
      retryable: true,
      message: expect.stringContaining('without a user ID'),
    });
  });
});
