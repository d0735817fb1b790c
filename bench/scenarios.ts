/**
 * What the benchmark sends and how one run is observed: alarms of each type with fresh keys, a signed click on a
 * prompt's "no" button (found in the DM the fake Slack received, as a person would find it), and a recorder that
 * collects every ledger call, vendor request and AWS call a handler made.
 */
import type { FakeSlack } from '../bin/local/fake-slack.ts';
import { signSlackRequest } from '../lambdas/shared/slack-signature.ts';
import type { Call } from './chains.ts';
import type { LedgerProbe } from './ledger-probe.ts';
import type { Servers } from './world.ts';
import { SIGNING_SECRET } from './world.ts';

let seq = 0;
/** A Slack user ID no run has used (U + capitals and digits, one length, so none is part of another). */
export const newUser = () => `UB${process.pid % 1000}X${String(++seq).padStart(7, '0')}`;
export const newId = (what: string) => `bench-${what}-${process.pid}-${++seq}`;

export const YES_LABEL = 'bench-yes';
export const NO_LABEL = 'bench-no';

export const alarms = {
  selfService: (user: string) => ({
    type: 'self-service',
    users: [{ slackId: user, github: 'alice' }],
    body: {
      github: { title: `bench self-service ${user}`, body: 'body' },
      slack: { message: 'Was this you?', prompt: 'p', actions: { yes: YES_LABEL, no: NO_LABEL } },
    },
  }),
  nag: (user: string) => ({
    type: 'nag',
    users: [{ slackId: user, github: 'alice' }],
    body: { github: { title: `bench nag ${user}`, body: 'body' }, slack: { message: 'Please rotate' } },
  }),
  lowPriority: (title: string) => ({ type: 'low-priority', body: { github: { title, body: 'body' } } }),
  highPriority: (title: string) => ({ type: 'high-priority', body: { pagerduty: { title } } }),
  broadcast: (users: string[]) => ({
    type: 'broadcast',
    users: users.map((slackId) => ({ slackId })),
    body: { github: { title: `bench broadcast ${newId('b')}` }, slack: { message: 'Heads up' } },
  }),
};

export const snsEvent = (message: unknown, messageId: string) => ({
  Records: [{ Sns: { MessageId: messageId, Message: JSON.stringify(message) } }],
});

/** The Lambda context: the incoming function's timeout, so steps know when to stop. */
export const lambdaContext = (timeoutMs: number) => {
  const started = Date.now();
  return { getRemainingTimeInMillis: () => timeoutMs - (Date.now() - started) };
};

interface Button {
  type: 'button';
  action_id: string;
  value: string;
  text?: { text?: string };
}

function findButton(node: unknown, label: string): Button | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const b = node as Button;
  if (b.type === 'button' && b.text?.text === label) return b;
  for (const child of Object.values(node)) {
    const found = findButton(child, label);
    if (found) return found;
  }
  return undefined;
}

/** A signed click on the "no" button of the newest prompt `user` received, as Slack would send it. */
export function clickNo(slack: FakeSlack, user: string) {
  const channel = slack.dmChannel(user);
  const message = [...slack.messages]
    .reverse()
    .find((m) => m.channel === channel && findButton(m.blocks, NO_LABEL));
  if (!message) throw new Error(`no prompt with a "${NO_LABEL}" button reached ${user}`);
  const button = findButton(message.blocks, NO_LABEL)!;
  const payload = {
    type: 'block_actions',
    user: { id: user },
    actions: [{ type: 'button', action_id: button.action_id, value: button.value }],
    container: { type: 'message', channel_id: message.channel, message_ts: message.ts },
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const ts = String(Math.floor(Date.now() / 1000));
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signSlackRequest(SIGNING_SECRET, ts, body),
    },
    body,
  };
}

export interface Observed<T> {
  result: T;
  calls: Call[];
  /** When the handler was called and when it returned. */
  t0: number;
  t1: number;
  /** When the first DM or page was asked for (the first call `isCut` picks), if any. */
  cut: number | undefined;
  /** Calls that started after the handler returned: Lambda would freeze them. */
  afterReturn: Call[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Records everything one handler call does, in the servers of this process. */
export class Recorder {
  constructor(
    private readonly servers: Servers,
    private readonly probe: LedgerProbe,
    /** How long to keep listening after the handler returned (longer than a vendor answer). */
    private readonly graceMs: number,
  ) {}

  async observe<T>(act: () => Promise<T>, isCut?: (c: Call) => boolean): Promise<Observed<T>> {
    const { slack, github, pagerduty, aws } = this.servers;
    for (const f of [slack, github, pagerduty, aws]) f.log.length = 0;
    const ledger: Call[] = [];
    this.probe.calls = ledger;
    const t0 = performance.now();
    const result = await act();
    const t1 = performance.now();
    await sleep(this.graceMs);
    this.probe.calls = undefined;
    const fromLog = (kind: Call['kind'], log: Servers['slack']['log']): Call[] =>
      log.map((r) => ({ kind, label: `${r.method} ${r.path}`, start: r.start, end: r.end }));
    const calls = [
      ...ledger,
      ...[slack, github, pagerduty].flatMap((f) => fromLog('vendor', f.log)),
      ...fromLog('aws', aws.log),
    ].sort((a, b) => a.start - b.start);
    const cuts = isCut ? calls.filter(isCut).map((c) => c.start) : [];
    return {
      result,
      calls,
      t0,
      t1,
      cut: cuts.length ? Math.min(...cuts) : undefined,
      afterReturn: calls.filter((c) => c.start > t1),
    };
  }
}

export const isDm = (c: Call) => c.kind === 'vendor' && c.label === 'POST /api/chat.postMessage';
export const isPage = (c: Call) => c.kind === 'vendor' && c.label === 'POST /v2/enqueue';
export const isIssue = (c: Call) =>
  c.kind === 'vendor' && /^POST \/repos\/[^/]+\/[^/]+\/issues$/.test(c.label);
