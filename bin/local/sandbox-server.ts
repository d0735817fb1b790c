/**
 * The runner's HTTP surface:
 *   POST /alarms               an alarm JSON body, run through the incoming handler in a real SNS event shape
 *                              (`?producer=NAME`: as if published to that named producer's topic);
 *                              200 with what was done, 400 with the validation errors, 502 when a delivery failed
 *   POST /slack/interactions   exactly the triage endpoint, with real signature verification
 *   GET  /                     the sandbox page; GET /sandbox/state is what it shows
 *   POST /sandbox/click        what the page's buttons call: a correctly signed block_actions request to
 *                              /slack/interactions, as `user` (a Slack user ID; left out: the message's owner), with
 *                              a trigger_id the fake Slack's views.open takes (the reason form)
 *   POST /sandbox/view         the page's form (a view the fake Slack opened): `submit` sends a signed view_submission
 *                              with the typed values and applies Dispatch's response_action; `cancel` closes it (with a
 *                              view_closed when the view asked for one, as Slack does)
 *   GET  /sandbox/examples, GET|POST /sandbox/examples/:name   the example alarms in examples/ (read, send)
 *   GET  /sandbox/example-labels   what each example is (its type, or the AWS service that sends it), for the buttons
 *   POST /sandbox/reset        empties the fakes, the ledger and the timeline
 *   GET  /assets/*.js          the page's Markdown renderer and sanitiser, from node_modules (sandbox-assets.ts)
 * Every request first passes sandbox-guard.ts: a loopback (or --host) Host, no cross-origin writes, this start's token
 * on /sandbox/*, JSON alarms only.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AlarmValidationError, DispatchError } from '../../lambdas/core/errors.ts';
import type { RouteReport } from '../../lambdas/core/route.ts';
import { copyMarker } from '../../lambdas/core/answer/responder-copy.ts';
import type { NativeSettings } from '../../lambdas/core/sources/translate.ts';
import { signSlackRequest } from '../../lambdas/shared/slack-signature.ts';
import type { HttpResponse } from '../../lambdas/triage/handler.ts';
import type { RawRequest } from '../../lambdas/triage/interaction-request.ts';
import type { Activity, RouteReply } from './activity.ts';
import { FAKE_SLACK_WORKSPACE, formValues, type FakeSlack, type SlackView } from './fake-slack.ts';
import { readBody, send, type Reply } from './http.ts';
import { allowedHosts, COMMON_HEADERS, guard, hostForm, newToken, pageHeaders } from './sandbox-guard.ts';
import { sandboxAsset } from './sandbox-assets.ts';
import { exampleLabels, exampleNames } from './sandbox-examples.ts';
import { sandboxPage } from './sandbox-page.ts';

export interface SandboxApp {
  incoming: (event: unknown) => Promise<{ reports: RouteReport[] }>;
  triage: (event: RawRequest) => Promise<HttpResponse>;
  signingSecret: string;
  newMessageId: () => string;
  /** The topic alarms arrive on by default, and each named producer's (DISPATCH_PRODUCERS), by name. */
  alarmTopic: string;
  producerTopics: Record<string, string>;
  state: () => unknown;
  /** What happened to each alarm, in words. */
  activity: Activity;
  reset: () => Promise<void>;
  responseUrlBase: string | undefined;
  /** The fake Slack, when Slack is not real: its triggers, its open views (the page's forms) and its DM channels. */
  slack?: FakeSlack | undefined;
  /** How AWS events are translated (DISPATCH_SOURCES, DISPATCH_PEOPLE), to say what each example becomes. */
  native?: NativeSettings | undefined;
}

const EXAMPLES = join(process.cwd(), 'examples');

/** Routes an alarm and adds `summary`: what happened, in words (also on the page's timeline). */
async function routeAlarm(
  app: SandboxApp,
  raw: string,
  source: string,
  producer?: string | null,
): Promise<Reply> {
  const reply = await runAlarm(app, raw, producer);
  const from = producer ? `${source}, as producer ${producer}` : source;
  const body = reply.body as RouteReply & Record<string, unknown>;
  return { ...reply, body: { ...body, summary: app.activity.received(raw, from, reply.status, body) } };
}

async function runAlarm(app: SandboxApp, raw: string, producer?: string | null): Promise<Reply> {
  const topicArn = producer ? app.producerTopics[producer] : app.alarmTopic;
  if (topicArn === undefined) {
    const known = Object.keys(app.producerTopics);
    return {
      status: 400,
      body: {
        error: `unknown producer "${producer}": ${known.length ? `DISPATCH_PRODUCERS names ${known.join(', ')}` : 'DISPATCH_PRODUCERS names none'}; leave out ?producer= for the default producer`,
      },
    };
  }
  const messageId = app.newMessageId();
  const event = {
    Records: [
      {
        EventSource: 'aws:sns',
        Sns: { Type: 'Notification', MessageId: messageId, TopicArn: topicArn, Message: raw },
      },
    ],
  };
  try {
    const { reports } = await app.incoming(event);
    return { status: 200, body: { messageId, ...reports[0] } };
  } catch (error) {
    if (error instanceof AlarmValidationError) {
      return { status: 400, body: { error: error.message, issues: error.issues } };
    }
    const message = error instanceof DispatchError ? error.message : String(error);
    return { status: 502, body: { messageId, error: `not delivered yet: ${message}` } };
  }
}

/** A button, or the snooze choice (a static_select: its block and the option chosen). */
function clickedAction(input: Record<string, unknown>) {
  const selected = (input.selected_option as { value?: unknown } | undefined)?.value;
  if (input.action_id === 'dispatch_snooze')
    return {
      action_id: 'dispatch_snooze',
      block_id: String(input.block_id),
      type: 'static_select',
      selected_option: { value: String(selected ?? input.value) },
      action_ts: String(Date.now() / 1000),
    };
  return { action_id: String(input.action_id), value: String(input.value), type: 'button' };
}

/** The fake Slack's message at `channel`/`ts`, as a block_actions payload carries it. */
function clickedMessage(app: SandboxApp, channel: string, ts: string) {
  return app.slack?.messages.find((m) => m.channel === channel && m.ts === ts);
}

/** The user a DM channel belongs to: the one the fake Slack opened it for, else D… read as U…. */
function dmOwner(app: SandboxApp, channel: string): string | undefined {
  return app.slack?.dmUser(channel) ?? (channel.startsWith('D') ? `U${channel.slice(1)}` : undefined);
}

/**
 * Who "the message's owner" is: a DM's user; for a prompt's responder copy in the default channel, the user of the DM
 * it copies (same marker, with #copy), so the owner's click there shows Dispatch's refusal. Any other channel message
 * has no owner: the click is sent as the channel's ID, as before.
 */
function ownerOf(app: SandboxApp, channel: string, ts: string): string {
  const dm = dmOwner(app, channel);
  if (dm) return dm;
  const marker = clickedMessage(app, channel, ts)?.metadata?.event_payload?.dispatch_key;
  const original =
    typeof marker === 'string'
      ? app.slack?.messages.find(
          (m) =>
            typeof m.metadata?.event_payload.dispatch_key === 'string' &&
            copyMarker(m.metadata.event_payload.dispatch_key) === marker &&
            dmOwner(app, m.channel) !== undefined,
        )
      : undefined;
  return original ? dmOwner(app, original.channel)! : channel;
}

/** A user ID as the page or curl may give one: capitals and digits (U024BE7LH, W0ABC, U0STRANGER). */
const USER_ID = /^[A-Z0-9]{2,64}$/;

/** A trigger_id for a click when Slack is real (the page shows no real messages; real Slack would refuse it). */
const looseTrigger = () => `${Math.floor(Date.now() / 1000)}.0.${randomBytes(8).toString('hex')}`;

/** The workspace and app every interaction names, as Slack sends them. */
const SENDER = {
  team: { id: FAKE_SLACK_WORKSPACE.teamId, domain: 'sandbox' },
  api_app_id: FAKE_SLACK_WORKSPACE.appId,
};
const sender = (user: string) => ({ ...SENDER, user: { id: user, team_id: FAKE_SLACK_WORKSPACE.teamId } });

/** Sends an interaction payload to /slack/interactions through the network, signed, as Slack would. */
async function interact(
  app: SandboxApp,
  base: string,
  payload: Record<string, unknown>,
): Promise<{ status: number; body: string }> {
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const res = await fetch(`${base}/slack/interactions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signSlackRequest(app.signingSecret, timestamp, body),
    },
    body,
  });
  return { status: res.status, body: await res.text() };
}

async function click(app: SandboxApp, base: string, input: Record<string, unknown>): Promise<Reply> {
  const channel = String(input.channel);
  const ts = String(input.ts);
  const given = input.user;
  if (
    given !== undefined &&
    given !== null &&
    given !== '' &&
    !(typeof given === 'string' && USER_ID.test(given))
  )
    return {
      status: 400,
      body: {
        error: `user: a Slack user ID such as U024BE7LH (got ${JSON.stringify(given)}); leave it out to click as the message's owner`,
      },
    };
  const user = typeof given === 'string' && given !== '' ? given : ownerOf(app, channel, ts);
  // Every click carries a trigger_id: a modal (the reason form) may be opened with it within 3 seconds.
  const trigger = app.slack ? app.slack.trigger(user) : looseTrigger();
  const payload = {
    type: 'block_actions',
    // The fake Slack's workspace and app, as Slack names them in a block_actions payload
    // (https://api.slack.com/reference/interaction-payloads/block-actions).
    ...sender(user),
    trigger_id: trigger,
    actions: [clickedAction(input)],
    container: { type: 'message', channel_id: channel, message_ts: ts },
    // Slack sends the clicked message along; a snooze shows "Snoozed until …" in it.
    message: clickedMessage(app, channel, ts),
    response_url: app.responseUrlBase ? `${app.responseUrlBase}/${Date.now()}` : undefined,
  };
  // Through the network, as Slack would: the same endpoint, the same verification.
  const res = await interact(app, base, payload);
  const action: {
    action_id: string;
    value?: string;
    block_id?: string;
    selected_option?: { value: string };
  } = payload.actions[0]!;
  const answer = action.selected_option
    ? `snooze ${action.selected_option.value.split('|')[0]}`
    : action.action_id === 'dispatch_yes'
      ? 'yes'
      : 'no';
  const key = (action.selected_option ? action.block_id : action.value) ?? '';
  const form = app.slack?.views.find((v) => v.trigger === trigger);
  const text = app.activity.clicked(key, answer, user, res.status, { form: form !== undefined });
  return { status: res.status, body: { status: res.status, answer, user, form: form?.id, text } };
}

/** The alarm key a Dispatch view answers (its private_metadata), for the timeline; '' for any other view. */
function viewKey(view: SlackView): string {
  try {
    const key = (JSON.parse(view.view.private_metadata) as { key?: unknown }).key;
    return typeof key === 'string' ? key : '';
  } catch {
    return '';
  }
}

function closeView(slack: FakeSlack, open: SlackView, all: boolean): void {
  for (let i = slack.views.length - 1; i >= 0; i--)
    if (all ? slack.views[i]!.user === open.user : slack.views[i] === open) slack.views.splice(i, 1);
}

/**
 * The page's form: Submit sends a view_submission, Cancel closes the view. Dispatch's answer to a submission is read
 * as Slack reads it (https://api.slack.com/surfaces/modals#close_views): `errors` keeps the form open with each message
 * under its input, `clear` closes every view of the user, anything else closes this one.
 */
async function viewAction(app: SandboxApp, base: string, input: Record<string, unknown>): Promise<Reply> {
  const id = String(input.view ?? '');
  const slack = app.slack;
  const open = slack?.views.find((v) => v.id === id);
  if (!slack || !open)
    return {
      status: 404,
      body: { error: `no open form "${id}": it was closed or answered, or the sandbox was reset` },
    };
  const key = viewKey(open);
  if (input.action === 'cancel') {
    closeView(slack, open, open.view.clear_on_close);
    // https://api.slack.com/reference/interaction-payloads/views#view_closed: only for a view with notify_on_close.
    const closed = open.view.notify_on_close
      ? await interact(app, base, {
          type: 'view_closed',
          ...sender(open.user),
          view: open.view,
          is_cleared: open.view.clear_on_close,
          is_enterprise_install: false,
          enterprise: null,
        })
      : undefined;
    const text = app.activity.formClosed(key, open.user, closed?.status);
    return { status: 200, body: { closed: true, viewClosed: closed?.status, text } };
  }
  if (input.action !== 'submit') return { status: 400, body: { error: 'action: "submit" or "cancel"' } };
  const { values, errors } = formValues(open.view, input.values);
  if (Object.keys(errors).length > 0) {
    // Slack's client does not send a form with a required input empty (or too short, too long).
    open.errors = errors;
    open.problem = undefined;
    return {
      status: 200,
      body: { closed: false, errors, text: `The form was not sent: ${Object.values(errors).join(' ')}` },
    };
  }
  const res = await interact(app, base, {
    type: 'view_submission',
    ...sender(open.user),
    trigger_id: slack.trigger(open.user),
    view: { ...open.view, state: { values } },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  });
  let reply: { response_action?: unknown; errors?: unknown } = {};
  try {
    if (res.body) reply = JSON.parse(res.body) as typeof reply;
  } catch {
    // not JSON: Slack treats it as an empty answer
  }
  let result: { errors?: string[]; closed: boolean };
  if (res.status !== 200) {
    open.errors = undefined;
    open.problem = `Dispatch answered HTTP ${res.status}, so Slack keeps the form open and says it had trouble connecting.`;
    result = { closed: false };
  } else if (
    reply.response_action === 'errors' &&
    typeof reply.errors === 'object' &&
    reply.errors !== null
  ) {
    open.errors = Object.fromEntries(Object.entries(reply.errors).map(([k, v]) => [k, String(v)]));
    open.problem = undefined;
    result = { errors: Object.values(open.errors), closed: false };
  } else {
    closeView(slack, open, reply.response_action === 'clear');
    result = { closed: true };
  }
  const text = app.activity.formSubmitted(key, open.user, res.status, result);
  return { status: 200, body: { status: res.status, closed: result.closed, errors: open.errors, text } };
}

async function handle(app: SandboxApp, base: string, token: string, req: IncomingMessage): Promise<Reply> {
  const url = new URL(req.url ?? '/', base);
  const key = `${req.method} ${url.pathname}`;
  if (key === 'GET /') {
    const nonce = randomBytes(16).toString('base64');
    return { status: 200, body: sandboxPage({ token, nonce }), headers: pageHeaders(nonce) };
  }
  if (key === 'GET /sandbox/state') return { status: 200, body: app.state() };
  if (key === 'GET /favicon.ico') return { status: 204 };
  if (req.method === 'GET' && url.pathname.startsWith('/assets/')) return sandboxAsset(url.pathname);
  if (key === 'POST /sandbox/reset') {
    await app.reset();
    return {
      status: 200,
      body: { text: 'Cleared: no messages, issues, incidents or ledger records are left.' },
    };
  }
  if (key === 'GET /sandbox/examples') return { status: 200, body: await exampleNames(EXAMPLES) };
  if (key === 'GET /sandbox/example-labels')
    return { status: 200, body: await exampleLabels(EXAMPLES, app.native) };
  const example = /^(GET|POST) \/sandbox\/examples\/([\w-]+)$/.exec(key);
  if (example) {
    const name = example[2]!;
    const raw = await readFile(join(EXAMPLES, `${name}.json`), 'utf8').catch(() => undefined);
    if (raw === undefined)
      return {
        status: 404,
        body: { error: `no example "${name}" in examples/; GET /sandbox/examples lists them` },
      };
    if (example[1] === 'GET') return { status: 200, body: JSON.parse(raw) as unknown };
    return routeAlarm(app, raw, `example ${name}.json`);
  }
  const raw = await readBody(req, 1024 * 1024);
  if (key === 'POST /alarms') return routeAlarm(app, raw, 'POST /alarms', url.searchParams.get('producer'));
  if (key === 'POST /sandbox/click')
    return click(app, base, JSON.parse(raw || '{}') as Record<string, unknown>);
  if (key === 'POST /sandbox/view')
    return viewAction(app, base, JSON.parse(raw || '{}') as Record<string, unknown>);
  if (key === 'POST /slack/interactions') {
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
    );
    const res = await app.triage({ headers, body: raw, isBase64Encoded: false });
    return { status: res.statusCode, body: res.body, headers: res.headers };
  }
  return { status: 404, body: { error: `no route ${key}; see README "Try it locally"` } };
}

const withCommon = (reply: Reply): Reply => ({ ...reply, headers: { ...COMMON_HEADERS, ...reply.headers } });

/** The address to reach a server listening on `host`: loopback when it listens everywhere. */
function reachable(host: string, port: number): string {
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (host === '::' || host === '[::]') return `http://[::1]:${port}`;
  return `http://${hostForm(host)}:${port}`;
}

export const sandboxServer = {
  /**
   * Listens first (so the URL is known to the fakes), serves once `attach` gave it the app. Only on loopback
   * (127.0.0.1) unless `host` says otherwise; the token is new at each start.
   */
  async listen(port: number, host = '127.0.0.1') {
    let app: SandboxApp | undefined;
    const token = newToken();
    const rules = { hosts: allowedHosts(host), token };
    const server = createServer((req, res: ServerResponse) => {
      const path = URL.parse(req.url ?? '/', 'http://sandbox')?.pathname;
      const refused =
        path === undefined ? { status: 400, body: { error: 'bad request target' } } : guard(req, path, rules);
      if (refused) return send(res, withCommon(refused));
      if (!app) return send(res, withCommon({ status: 503, body: { error: 'starting' } }));
      handle(app, url, token, req)
        .then((reply) => send(res, withCommon(reply)))
        .catch((error: unknown) =>
          send(
            res,
            withCommon({
              status: (error as { status?: number }).status ?? 500,
              body: { error: String(error) },
            }),
          ),
        );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host.replace(/^\[(.*)\]$/, '$1'), () => resolve());
    });
    const url = reachable(host, (server.address() as AddressInfo).port);
    return {
      url,
      token,
      attach: (a: SandboxApp) => void (app = a),
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  },
};
