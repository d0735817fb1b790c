/**
 * A Slack Web API fake on loopback: the methods Dispatch calls, with DM channels, message metadata, updates,
 * response_url notices, an unknown-user failure (any user ID starting with U0NOBODY), and users.lookupByEmail for
 * the sandbox's people (FAKE_SLACK_PEOPLE).
 */
import { route, serve, type FakeBehaviour, type Running } from './http.ts';

/**
 * The workspace and app the fake stands for, as its auth.test reports them (`team_id`, `app_id`). The sandbox page's
 * clicks carry them as `team.id` and `api_app_id`, so a runner bound with DISPATCH_SLACK_TEAM_ID/APP_ID answers them.
 */
export const FAKE_SLACK_WORKSPACE = { teamId: 'T0SANDBOX', appId: 'A0DISPATCH' } as const;

export interface SlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: Record<string, unknown>[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  edited?: boolean;
  /** Who posted it: the fake's bot for what the API posts (auth.test names it); tests may add others. */
  user?: string;
  bot_id?: string;
  app_id?: string;
}

/** The sandbox's people, by email, as users.lookupByEmail finds them (the examples' alice and bob); anyone else is not found. */
export const FAKE_SLACK_PEOPLE: Readonly<Record<string, string>> = {
  'alice@example.com': 'U024BE7LH',
  'bob@example.com': 'U0G9QF9C6',
  'carol@example.com': 'U0CAROL01',
};

/** The bot the fake's token belongs to, as auth.test reports it and as its messages carry it. */
export const FAKE_SLACK_BOT = { user: 'UDISPATCH', bot_id: 'B0DISPATCH', app_id: FAKE_SLACK_WORKSPACE.appId };

export interface FakeSlack extends Running {
  messages: SlackMessage[];
  notices: { url: string; text: string }[];
  /** The DM channel Slack opens for a user ID. */
  dmChannel(user: string): string;
}

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

export async function startFakeSlack(behaviour: FakeBehaviour = {}): Promise<FakeSlack> {
  const messages: SlackMessage[] = [];
  const notices: { url: string; text: string }[] = [];
  let seq = 0;
  const dmChannel = (user: string) => (/^[UW]/.test(user) ? `D${user.slice(1)}` : user);
  const ok = (body: Record<string, unknown>) => ({ status: 200, body: { ok: true, ...body } });
  const fail = (error: string) => ({ status: 200, body: { ok: false, error } });

  const running = (await serve(
    [
      route('POST', '/api/auth.test', () =>
        ok({
          user_id: FAKE_SLACK_BOT.user,
          user: 'dispatch',
          team: 'Sandbox',
          team_id: FAKE_SLACK_WORKSPACE.teamId,
          bot_id: FAKE_SLACK_BOT.bot_id,
          app_id: FAKE_SLACK_BOT.app_id,
        }),
      ),
      route('POST', '/api/chat.postMessage', ({ body }) => {
        const to = String(body.channel ?? '');
        if (!to) return fail('channel_not_found');
        if (to.startsWith('U0NOBODY')) return fail('user_not_found');
        const message: SlackMessage = {
          channel: dmChannel(to),
          ts: `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`,
          text: String(body.text ?? ''),
          blocks: (json(body.blocks) as SlackMessage['blocks'] | undefined) ?? [],
          metadata: json(body.metadata) as SlackMessage['metadata'],
          ...FAKE_SLACK_BOT,
        };
        messages.push(message);
        return ok({ channel: message.channel, ts: message.ts, message });
      }),
      route('POST', '/api/chat.update', ({ body }) => {
        const found = messages.find((m) => m.channel === body.channel && m.ts === body.ts);
        if (!found) return fail('message_not_found');
        found.text = String(body.text ?? found.text);
        found.blocks = (json(body.blocks) as SlackMessage['blocks'] | undefined) ?? found.blocks;
        found.edited = true;
        return ok({ channel: found.channel, ts: found.ts });
      }),
      route('POST', '/api/conversations.open', ({ body }) =>
        ok({ channel: { id: dmChannel(String(body.users ?? '')) } }),
      ),
      route('POST', '/api/conversations.history', ({ body }) => {
        const limit = Number(body.limit ?? 100);
        const list = messages
          .filter((m) => m.channel === body.channel)
          .reverse()
          .slice(0, limit);
        return ok({
          messages: list.map((m) => ({
            ts: m.ts,
            text: m.text,
            metadata: m.metadata,
            user: m.user,
            bot_id: m.bot_id,
            app_id: m.app_id,
          })),
        });
      }),
      route('POST', '/api/users.lookupByEmail', ({ body }) => {
        const email = String(body.email ?? '').toLowerCase();
        const id = Object.hasOwn(FAKE_SLACK_PEOPLE, email) ? FAKE_SLACK_PEOPLE[email] : undefined;
        return id ? ok({ user: { id, name: email.split('@')[0], deleted: false } }) : fail('users_not_found');
      }),
      route('POST', '/response/:id', ({ body, path }) => {
        notices.push({ url: path, text: String(body.text ?? '') });
        return { status: 200, body: 'ok' };
      }),
    ],
    behaviour,
  )) as FakeSlack;
  running.messages = messages;
  running.notices = notices;
  running.dmChannel = dmChannel;
  return running;
}
