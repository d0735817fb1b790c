/**
 * A Slack Web API fake on loopback: the methods Dispatch calls, with DM channels, message metadata, updates,
 * response_url notices, an unknown-user failure (any user ID starting with U0NOBODY), users.lookupByEmail for
 * the sandbox's people (FAKE_SLACK_PEOPLE), and views.open for the modals a click's trigger_id opens (`trigger`
 * issues one for the sandbox page's click; the open views are what the page shows as forms).
 */
import { randomBytes } from 'node:crypto';
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

/** Someone in the workspace who is neither a prompt's owner nor a responder: the page's "someone else". */
export const FAKE_SLACK_STRANGER = 'U0STRANGER';

/** The bot the fake's token belongs to, as auth.test reports it and as its messages carry it. */
export const FAKE_SLACK_BOT = { user: 'UDISPATCH', bot_id: 'B0DISPATCH', app_id: FAKE_SLACK_WORKSPACE.appId };

/** How long a trigger_id can be exchanged for a view: https://api.slack.com/interactivity/handling#modal_responses */
export const TRIGGER_TTL_MS = 3_000;

/** A view as views.open answers it: what the app sent, with the fields Slack adds (id, state, hash, …). */
export interface OpenedView {
  id: string;
  type: string;
  title?: { type: string; text: string };
  submit?: { type: string; text: string };
  close?: { type: string; text: string };
  blocks: Record<string, unknown>[];
  callback_id: string;
  private_metadata: string;
  external_id: string;
  notify_on_close: boolean;
  clear_on_close: boolean;
  [field: string]: unknown;
}

/** A modal open in front of a user, as the sandbox page shows it. */
export interface SlackView {
  /** The view's ID (V…). */
  id: string;
  /** Whom it is open for: the user whose click's trigger_id opened it. */
  user: string;
  /** The trigger_id it was opened with. */
  trigger: string;
  view: OpenedView;
  /** Messages under the inputs, by block_id: a `response_action: errors`, or an input Slack would not send empty. */
  errors?: Record<string, string>;
  /** What went wrong with the last submission as a whole (the app refused it), shown under the form. */
  problem?: string;
}

export interface FakeSlack extends Running {
  messages: SlackMessage[];
  notices: { url: string; text: string }[];
  /** The modals open now, oldest first. */
  views: SlackView[];
  /** The DM channel Slack opens for a user ID. */
  dmChannel(user: string): string;
  /** The user a DM channel was opened for; undefined for any other channel. */
  dmUser(channel: string): string | undefined;
  /** A trigger_id for a click by `user`, as Slack puts one in every interaction payload: one views.open, 3 s. */
  trigger(user: string): string;
  /** Forgets the open views and the triggers (the page's Reset). */
  clearViews(): void;
}

/** The view's input values as a view_submission carries them in `view.state.values`, and what Slack would not send. */
export interface FormValues {
  values: Record<string, Record<string, { type: string; value: string | null }>>;
  /** By block_id: an input required, too short or too long, as Slack's client says before it sends anything. */
  errors: Record<string, string>;
}

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

/** Length as Slack counts it: characters, not UTF-16 units. */
const chars = (s: string) => [...s].length;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type Block = Record<string, unknown>;
type Element = { type?: unknown; action_id?: unknown; min_length?: unknown; max_length?: unknown };

/**
 * What Slack refuses in a modal, as views.open's `invalid_arguments` names it (`[ERROR] … [json-pointer:…]`):
 * https://api.slack.com/reference/surfaces/views (title, submit and close at most 24 characters, up to 100 blocks,
 * private_metadata at most 3,000 characters, callback_id and external_id at most 255, submit required with inputs)
 * and https://api.slack.com/reference/block-kit/blocks#input (a label of at most 2,000 characters, an element).
 */
function viewProblems(view: unknown): string[] {
  const problems: string[] = [];
  const at = (text: string, pointer: string) =>
    problems.push(`[ERROR] ${text} [json-pointer:/view${pointer}]`);
  if (!isRecord(view)) {
    at('must be a JSON object', '');
    return problems;
  }
  if (view.type !== 'modal') at('must be "modal" (views.open opens modals)', '/type');
  const text = (field: string, max: number, required: boolean) => {
    const value = view[field];
    if (value === undefined) return required && at('missing required field', `/${field}`);
    if (!isRecord(value) || value.type !== 'plain_text' || typeof value.text !== 'string')
      return at('must be a plain_text text object', `/${field}`);
    if (chars(value.text) > max) at(`must be no more than ${max} characters`, `/${field}/text`);
  };
  const blocks = Array.isArray(view.blocks) ? (view.blocks as unknown[]) : undefined;
  if (!blocks) at('missing required field', '/blocks');
  else if (blocks.length > 100) at('must be no more than 100 items', '/blocks');
  const inputs = (blocks ?? []).filter((b) => isRecord(b) && b.type === 'input') as Block[];
  text('title', 24, true);
  text('submit', 24, inputs.length > 0);
  text('close', 24, false);
  for (const [field, max] of [
    ['private_metadata', 3000],
    ['callback_id', 255],
    ['external_id', 255],
  ] as const) {
    const value = view[field];
    if (value !== undefined && typeof value !== 'string') at('must be a string', `/${field}`);
    else if (typeof value === 'string' && chars(value) > max)
      at(`must be no more than ${max} characters`, `/${field}`);
  }
  (blocks ?? []).forEach((b, i) => {
    if (!isRecord(b) || typeof b.type !== 'string') return at('must be a block object', `/blocks/${i}`);
    if (b.block_id !== undefined && (typeof b.block_id !== 'string' || chars(b.block_id) > 255))
      at('must be a string of no more than 255 characters', `/blocks/${i}/block_id`);
    if (b.type !== 'input') return;
    const label = b.label as { text?: unknown } | undefined;
    if (!isRecord(label) || typeof label.text !== 'string')
      at('missing required field', `/blocks/${i}/label`);
    else if (chars(label.text) > 2000) at('must be no more than 2000 characters', `/blocks/${i}/label/text`);
    const element = b.element as Element | undefined;
    if (!isRecord(element)) return at('missing required field', `/blocks/${i}/element`);
    for (const limit of ['min_length', 'max_length'] as const) {
      const n = element[limit];
      if (n !== undefined && (!Number.isInteger(n) || (n as number) < 0 || (n as number) > 3000))
        at('must be an integer from 0 to 3000', `/blocks/${i}/element/${limit}`);
    }
  });
  return problems;
}

/**
 * The input values of `view` as the page's form holds them (`typed[block_id][action_id]`), in the shape of a
 * view_submission's `state.values` (https://api.slack.com/reference/interaction-payloads/views), and what Slack's
 * client would refuse to send: an empty required input, fewer than min_length or more than max_length characters.
 */
export function formValues(view: OpenedView, typed: unknown): FormValues {
  const values: FormValues['values'] = {};
  const errors: FormValues['errors'] = {};
  const given = isRecord(typed) ? typed : {};
  for (const b of view.blocks) {
    if (b.type !== 'input' || typeof b.block_id !== 'string' || !isRecord(b.element)) continue;
    const element = b.element as Element;
    if (element.type !== 'plain_text_input' || typeof element.action_id !== 'string') continue;
    const inBlock = given[b.block_id];
    const raw = isRecord(inBlock) ? inBlock[element.action_id] : undefined;
    const value = typeof raw === 'string' ? raw : '';
    values[b.block_id] = {
      [element.action_id]: { type: 'plain_text_input', value: value === '' ? null : value },
    };
    const min = typeof element.min_length === 'number' ? element.min_length : 0;
    const max = typeof element.max_length === 'number' ? element.max_length : 3000;
    if (value === '' && b.optional !== true) errors[b.block_id] = 'Please fill out this field.';
    else if (value !== '' && chars(value) < min)
      errors[b.block_id] = `Please enter at least ${min} characters.`;
    else if (chars(value) > max) errors[b.block_id] = `Please enter no more than ${max} characters.`;
  }
  return { values, errors };
}

const randomId = (prefix: string) => `${prefix}0${randomBytes(5).toString('hex').toUpperCase()}`;

export interface FakeSlackOptions {
  /** The fake's clock (ms), for trigger expiry; Date.now by default. */
  now?: () => number;
}

export async function startFakeSlack(
  behaviour: FakeBehaviour = {},
  options: FakeSlackOptions = {},
): Promise<FakeSlack> {
  const now = options.now ?? Date.now;
  const messages: SlackMessage[] = [];
  const notices: { url: string; text: string }[] = [];
  const views: SlackView[] = [];
  /** trigger_id → who clicked, when, and whether it was exchanged for a view already. */
  const triggers = new Map<string, { user: string; at: number; used: boolean }>();
  /** DM channel → the user it was opened for. */
  const dmUsers = new Map<string, string>();
  let seq = 0;
  const dmChannel = (user: string) => {
    if (!/^[UW]/.test(user)) return user;
    const channel = `D${user.slice(1)}`;
    dmUsers.set(channel, user);
    return channel;
  };
  const ok = (body: Record<string, unknown>) => ({ status: 200, body: { ok: true, ...body } });
  // An error with what was wrong, as Slack lists it in response_metadata.messages.
  const fail = (error: string, why?: string[]) => ({
    status: 200,
    body: { ok: false, error, ...(why ? { response_metadata: { messages: why } } : {}) },
  });
  const trigger = (user: string) => {
    // Slack's form: "12345.98765.abcd2358fdea" (https://api.slack.com/methods/views.open).
    const id = `${Math.floor(now() / 1000)}.${++seq}.${randomBytes(8).toString('hex')}`;
    triggers.set(id, { user, at: now(), used: false });
    return id;
  };

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
      // https://api.slack.com/methods/views.open: the view, JSON-encoded (form) or an object (JSON), for the user whose
      // click carried the trigger_id; a trigger is exchanged once, within 3 seconds of the click.
      route('POST', '/api/views.open', ({ body, headers }) => {
        const bearer = /^Bearer \S+/.test(String(headers.authorization ?? ''));
        if (!bearer && !body.token) return fail('not_authed');
        const id = String(body.trigger_id ?? '');
        if (!id) return fail('invalid_arguments', ['[ERROR] missing required field: trigger_id']);
        const issued = /^\d+\.\d+\.[0-9a-f]+$/.test(id) ? triggers.get(id) : undefined;
        if (!issued) return fail('invalid_trigger_id');
        if (issued.used) return fail('exchanged_trigger_id');
        if (now() - issued.at > TRIGGER_TTL_MS) return fail('expired_trigger_id');
        let view: unknown;
        try {
          view = json(body.view);
        } catch {
          return fail('invalid_arguments', ['[ERROR] must be a JSON-encoded view [json-pointer:/view]']);
        }
        if (Buffer.byteLength(JSON.stringify(view ?? null)) > 250_000) return fail('view_too_large');
        const problems = viewProblems(view);
        if (problems.length) return fail('invalid_arguments', problems);
        const sent = view as Record<string, unknown> & { blocks: Block[] };
        issued.used = true;
        const viewId = randomId('V');
        const opened: OpenedView = {
          ...sent,
          id: viewId,
          team_id: FAKE_SLACK_WORKSPACE.teamId,
          type: 'modal',
          // Slack names every block the app left unnamed; state.values is keyed by it.
          blocks: sent.blocks.map((b) => ({ ...b, block_id: b.block_id ?? randomBytes(3).toString('hex') })),
          private_metadata: typeof sent.private_metadata === 'string' ? sent.private_metadata : '',
          callback_id: typeof sent.callback_id === 'string' ? sent.callback_id : '',
          external_id: typeof sent.external_id === 'string' ? sent.external_id : '',
          state: { values: {} },
          hash: `${Math.floor(now() / 1000)}.${randomBytes(4).toString('hex')}`,
          clear_on_close: sent.clear_on_close === true,
          notify_on_close: sent.notify_on_close === true,
          previous_view_id: null,
          root_view_id: viewId,
          app_id: FAKE_SLACK_BOT.app_id,
          app_installed_team_id: FAKE_SLACK_WORKSPACE.teamId,
          bot_id: FAKE_SLACK_BOT.bot_id,
        };
        views.push({ id: viewId, user: issued.user, trigger: id, view: opened });
        return ok({ view: opened });
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
  running.views = views;
  running.dmChannel = dmChannel;
  running.dmUser = (channel) => dmUsers.get(channel);
  running.trigger = trigger;
  running.clearViews = () => {
    views.splice(0);
    triggers.clear();
  };
  return running;
}
