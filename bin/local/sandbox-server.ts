/**
 * The runner's HTTP surface:
 *   POST /alarms               an alarm JSON body, run through the incoming handler in a real SNS event shape
 *                              (`?producer=NAME`: as if published to that named producer's topic);
 *                              200 with what was done, 400 with the validation errors, 502 when a delivery failed
 *   POST /slack/interactions   exactly the triage endpoint, with real signature verification
 *   GET  /                     the sandbox page; GET /sandbox/state is what it shows
 *   POST /sandbox/click        what the page's buttons call: a correctly signed request to /slack/interactions
 *   GET  /sandbox/examples, GET|POST /sandbox/examples/:name   the example alarms in examples/ (read, send)
 *   POST /sandbox/reset        empties the fakes, the ledger and the timeline
 *   GET  /assets/*.js          the page's Markdown renderer and sanitiser, from node_modules (sandbox-assets.ts)
 * Every request first passes sandbox-guard.ts: a loopback (or --host) Host, no cross-origin writes, this start's token
 * on /sandbox/*, JSON alarms only.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AlarmValidationError, DispatchError } from '../../lambdas/core/errors.ts';
import type { RouteReport } from '../../lambdas/core/route.ts';
import { signSlackRequest } from '../../lambdas/shared/slack-signature.ts';
import type { HttpResponse } from '../../lambdas/triage/handler.ts';
import type { RawRequest } from '../../lambdas/triage/interaction-request.ts';
import type { Activity, RouteReply } from './activity.ts';
import { FAKE_SLACK_WORKSPACE } from './fake-slack.ts';
import { readBody, send, type Reply } from './http.ts';
import { allowedHosts, COMMON_HEADERS, guard, hostForm, newToken, pageHeaders } from './sandbox-guard.ts';
import { sandboxAsset } from './sandbox-assets.ts';
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
  const state = app.state() as { slack?: { messages?: { channel: string; ts: string }[] } };
  return state.slack?.messages?.find((m) => m.channel === channel && m.ts === ts);
}

async function click(app: SandboxApp, base: string, input: Record<string, unknown>): Promise<Reply> {
  const payload = {
    type: 'block_actions',
    // The fake Slack's workspace and app, as Slack names them in a block_actions payload
    // (https://api.slack.com/reference/interaction-payloads/block-actions).
    team: { id: FAKE_SLACK_WORKSPACE.teamId },
    api_app_id: FAKE_SLACK_WORKSPACE.appId,
    user: { id: String(input.user) },
    actions: [clickedAction(input)],
    container: { type: 'message', channel_id: String(input.channel), message_ts: String(input.ts) },
    // Slack sends the clicked message along; a snooze shows "Snoozed until …" in it.
    message: clickedMessage(app, String(input.channel), String(input.ts)),
    response_url: app.responseUrlBase ? `${app.responseUrlBase}/${Date.now()}` : undefined,
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  // Through the network, as Slack would: the same endpoint, the same verification.
  const res = await fetch(`${base}/slack/interactions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signSlackRequest(app.signingSecret, timestamp, body),
    },
    body,
  });
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
  const text = app.activity.clicked(key, answer, payload.user.id, res.status);
  return { status: res.status, body: { status: res.status, answer, text } };
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
  if (key === 'GET /sandbox/examples') {
    const names = (await readdir(EXAMPLES))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''));
    return { status: 200, body: names };
  }
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
