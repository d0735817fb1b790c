import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { SlackChat } from '../../lambdas/adapters/slack-chat.ts';
import { VendorError } from '../../lambdas/core/errors.ts';
import { recordingClock, useNock } from '../helpers/nock.ts';

useNock();

const SLACK = 'https://slack.com';
const message = {
  text: 'Your 2FA was disabled',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Your 2FA was disabled' } }],
  metadata: { event_type: 'dispatch_alarm', event_payload: { dispatch_key: 'k#o1' } },
};

function chat(options: Partial<ConstructorParameters<typeof SlackChat>[0]> = {}) {
  const clock = recordingClock();
  return {
    clock,
    chat: new SlackChat({ token: async () => 'xoxb-test-token', timeoutMs: 300, clock, ...options }),
  };
}

describe('SlackChat.post', () => {
  it('posts the blocks and metadata to the user with the bot token in the Authorization header', async () => {
    // Prepare
    const scope = nock(SLACK, { reqheaders: { authorization: 'Bearer xoxb-test-token' } })
      .post('/api/chat.postMessage', {
        channel: 'U1',
        text: message.text,
        blocks: JSON.stringify(message.blocks),
        metadata: JSON.stringify(message.metadata),
        unfurl_links: 'false',
        unfurl_media: 'false',
      })
      .reply(200, { ok: true, channel: 'D1', ts: '1700000000.000100' });
    // Act
    const posted = await chat().chat.post('U1', message);
    // Assess
    expect(posted).toEqual({ channel: 'D1', ts: '1700000000.000100' });
    expect(scope.isDone()).toBe(true);
  });

  it('waits the Retry-After of a 429 and tries again', async () => {
    // Prepare
    const { chat: slack, clock } = chat();
    nock(SLACK)
      .post('/api/chat.postMessage')
      .reply(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '2' });
    nock(SLACK).post('/api/chat.postMessage').reply(200, { ok: true, channel: 'D1', ts: '1.1' });
    // Act
    const posted = await slack.post('U1', message);
    // Assess
    expect(posted.ts).toBe('1.1');
    expect(clock.sleeps).toEqual([2000]);
  });

  it('gives a long Retry-After back to the caller as a retryable error instead of waiting it out', async () => {
    // Prepare
    const { chat: slack, clock } = chat();
    nock(SLACK)
      .post('/api/chat.postMessage')
      .reply(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '60' });
    // Act / Assess
    await expect(slack.post('U1', message)).rejects.toMatchObject({
      retryable: true,
      retryAfterMs: 60_000,
      status: 429,
    });
    expect(clock.sleeps).toEqual([]);
  });

  it('turns a refusal into a non-retryable error naming Slack reason', async () => {
    // Prepare
    nock(SLACK).post('/api/chat.postMessage').reply(200, { ok: false, error: 'user_not_found' });
    // Act / Assess
    await expect(chat().chat.post('U1', message)).rejects.toThrow(
      new VendorError('slack', 'chat.postMessage failed: user_not_found', { retryable: false }),
    );
  });

  it.each([
    ['a 5xx', () => nock(SLACK).post('/api/chat.postMessage').reply(503, 'unavailable')],
    [
      'internal_error',
      () => nock(SLACK).post('/api/chat.postMessage').reply(200, { ok: false, error: 'internal_error' }),
    ],
    [
      'a slow answer',
      () =>
        nock(SLACK)
          .post('/api/chat.postMessage')
          .delay(1_000)
          .reply(200, { ok: true, channel: 'D1', ts: '1' }),
    ],
    [
      'a connection reset',
      () =>
        nock(SLACK)
          .post('/api/chat.postMessage')
          .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
    ],
    ['a malformed answer', () => nock(SLACK).post('/api/chat.postMessage').reply(200, { ok: true })],
  ])('does not post again after %s (the message may exist): fails retryably, once', async (_what, reply) => {
    // Prepare: one interceptor only, so a second post would fail the test.
    reply();
    // Act / Assess
    await expect(chat().chat.post('U1', message)).rejects.toMatchObject({ retryable: true, vendor: 'slack' });
  });

  it('retries idempotent calls on 5xx and internal_error, three times in all', async () => {
    // Prepare
    nock(SLACK).post('/api/chat.update').reply(503, 'unavailable');
    nock(SLACK).post('/api/chat.update').reply(200, { ok: false, error: 'internal_error' });
    nock(SLACK).post('/api/chat.update').reply(200, { ok: true });
    // Act / Assess
    await expect(chat().chat.update({ channel: 'D1', ts: '1.1' }, message)).resolves.toBeUndefined();
  });

  it('retries an idempotent call after a connection reset', async () => {
    // Prepare
    nock(SLACK)
      .post('/api/chat.update')
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    nock(SLACK).post('/api/chat.update').reply(200, { ok: true });
    // Act / Assess
    await expect(chat().chat.update({ channel: 'D1', ts: '1.1' }, message)).resolves.toBeUndefined();
  });

  it('talks to the configured API URL', async () => {
    // Prepare
    const scope = nock('http://slack.internal:8080')
      .post('/api/chat.postMessage')
      .reply(200, { ok: true, channel: 'C1', ts: '1' });
    // Act
    await chat({ apiUrl: 'http://slack.internal:8080/api/' }).chat.post('C1', message);
    // Assess
    expect(scope.isDone()).toBe(true);
  });
});

describe('SlackChat.update and findByKey', () => {
  it('updates a message in place', async () => {
    // Prepare
    const scope = nock(SLACK)
      .post('/api/chat.update', (b) => b.channel === 'D1' && b.ts === '1.1' && b.text === message.text)
      .reply(200, { ok: true });
    // Act
    await chat().chat.update({ channel: 'D1', ts: '1.1' }, message);
    // Assess
    expect(scope.isDone()).toBe(true);
  });

  it('finds a DM by its Dispatch metadata with one bounded history read', async () => {
    // Prepare
    nock(SLACK)
      .post('/api/conversations.open', { users: 'U1' })
      .reply(200, { ok: true, channel: { id: 'D1' } });
    nock(SLACK)
      .post('/api/conversations.history', { channel: 'D1', limit: '20', include_all_metadata: 'true' })
      .reply(200, {
        ok: true,
        messages: [
          {
            ts: '2.0',
            ...OURS,
            metadata: { event_type: 'dispatch_alarm', event_payload: { dispatch_key: 'other' } },
          },
          {
            ts: '1.0',
            ...OURS,
            metadata: { event_type: 'dispatch_alarm', event_payload: { dispatch_key: 'k#o1' } },
          },
        ],
      });
    nock(SLACK).post('/api/auth.test').reply(200, AUTH);
    // Act
    const found = await chat().chat.findByKey('U1', 'k#o1');
    // Assess
    expect(found).toEqual({ channel: 'D1', ts: '1.0' });
  });

  it('reports nothing found when no message carries the key', async () => {
    // Prepare
    nock(SLACK)
      .post('/api/conversations.history')
      .reply(200, { ok: true, messages: [{ ts: '1.0' }] });
    // Act / Assess
    expect(await chat().chat.findByKey('C0DEFAULT', 'k#o1')).toBeUndefined();
  });
});

/** Who the bot token is (auth.test) and how its own messages appear in conversations.history. */
const AUTH = {
  ok: true,
  user_id: 'UBOT',
  user: 'dispatch',
  team_id: 'T1',
  bot_id: 'B0DISPATCH',
  app_id: 'A0DISPATCH',
};
const OURS = { user: 'UBOT', bot_id: 'B0DISPATCH', app_id: 'A0DISPATCH' };
const marked = (ts: string, author: Record<string, string>) => ({
  ts,
  ...author,
  metadata: { event_type: 'dispatch_alarm', event_payload: { dispatch_key: 'k#o1' } },
});

describe('SlackChat.findByKey trusts only what the bot posted (issue 12)', () => {
  it('skips a message with the key in its metadata that another app or a person posted', async () => {
    // Prepare
    nock(SLACK)
      .post('/api/conversations.history')
      .reply(200, {
        ok: true,
        messages: [
          marked('4.0', { user: 'UEVIL', bot_id: 'B0EVIL', app_id: 'A0EVIL' }),
          marked('3.0', { user: 'U1' }),
          marked('2.0', { user: 'UBOT', bot_id: 'B0DISPATCH', app_id: 'A0OTHER' }),
          marked('1.0', OURS),
        ],
      });
    nock(SLACK).post('/api/auth.test').reply(200, AUTH);
    // Act / Assess
    expect(await chat().chat.findByKey('C0DEFAULT', 'k#o1')).toEqual({ channel: 'C0DEFAULT', ts: '1.0' });
  });

  it('finds nothing when only a foreign message carries the key', async () => {
    // Prepare
    nock(SLACK)
      .post('/api/conversations.history')
      .reply(200, {
        ok: true,
        messages: [marked('4.0', { user: 'UEVIL', bot_id: 'B0EVIL', app_id: 'A0EVIL' })],
      });
    nock(SLACK).post('/api/auth.test').reply(200, AUTH);
    // Act / Assess
    expect(await chat().chat.findByKey('C0DEFAULT', 'k#o1')).toBeUndefined();
  });

  it('asks auth.test once per token, and only when a message carries the key', async () => {
    // Prepare: one auth.test interceptor only, so a second request would fail the test.
    const { chat: slack } = chat();
    nock(SLACK)
      .post('/api/conversations.history')
      .reply(200, { ok: true, messages: [{ ts: '9.0', ...OURS }] });
    nock(SLACK)
      .post('/api/conversations.history')
      .twice()
      .reply(200, { ok: true, messages: [marked('1.0', OURS)] });
    const who = nock(SLACK).post('/api/auth.test').once().reply(200, AUTH);
    // Act
    const none = await slack.findByKey('C0DEFAULT', 'k#o1');
    const asked = who.isDone();
    const first = await slack.findByKey('C0DEFAULT', 'k#o1');
    const second = await slack.findByKey('C0DEFAULT', 'k#o1');
    // Assess
    expect(none).toBeUndefined();
    expect(asked).toBe(false);
    expect(first).toEqual({ channel: 'C0DEFAULT', ts: '1.0' });
    expect(second).toEqual(first);
    expect(who.isDone()).toBe(true);
  });
});
