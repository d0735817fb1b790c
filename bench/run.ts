/**
 * `npm run bench`: Dispatch against fakes of Slack, GitHub and PagerDuty on 127.0.0.1 that answer after a set
 * latency (default 50 ms), through the real handlers and SDK clients, with the ledger on a local
 * DynamoDB-compatible store. Prints a table with each budget and writes bench/results/latest.json.
 *
 *   npm run bench -- [--latency 50] [--runs 5]
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../bin/cli/args.ts';
import { startFakeGitHub, type FakeGitHub } from '../bin/local/fake-github.ts';
import { startFakePagerDuty, type FakePagerDuty } from '../bin/local/fake-pagerduty.ts';
import { startFakeSlack, type FakeSlack } from '../bin/local/fake-slack.ts';
import type { FakeBehaviour, Running } from '../bin/local/http.ts';
import { DynamoLedger } from '../lambdas/adapters/dynamodb-ledger.ts';
import { InProcessJobs } from '../lambdas/adapters/jobs.ts';
import { createLedgerTable } from '../lambdas/adapters/ledger-table.ts';
import { EnvSecrets } from '../lambdas/adapters/ssm-secrets.ts';
import { parseAlarm } from '../lambdas/core/parse-alarm.ts';
import { route } from '../lambdas/core/route.ts';
import { ACTION_NO } from '../lambdas/core/render/slack.ts';
import { runTriageJob } from '../lambdas/core/triage-work.ts';
import { createHandler } from '../lambdas/incoming/handler.ts';
import { parseEnv } from '../lambdas/shared/env.ts';
import { signSlackRequest } from '../lambdas/shared/slack-signature.ts';
import { buildRouteDeps, buildTriageWorkDeps } from '../lambdas/shared/wiring.ts';
import { buildTriageDeps } from '../lambdas/shared/wiring-triage.ts';
import { createTriageHandler } from '../lambdas/triage/handler.ts';
import { fakeDeps } from '../test/fakes/route-deps.ts';

const args = parseArgs(process.argv.slice(2), { latency: 'string', runs: 'string', help: 'boolean' });
const LATENCY = Number(args.latency ?? 50);
const RUNS = Number(args.runs ?? 5);
const SIGNING = '0123456789abcdef0123456789abcdef';

interface Row {
  measure: string;
  value: number;
  unit: string;
  budget?: number;
  detail?: string;
}
const rows: Row[] = [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

/** Longest chain of vendor requests where each starts after the previous one was answered. */
function sequentialRoundTrips(log: Running['log']): number {
  const sorted = [...log].sort((a, b) => a.end - b.end);
  const depth: number[] = [];
  sorted.forEach((r, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) if (sorted[j]!.end <= r.start + 0.5) before = Math.max(before, depth[j]!);
    depth[i] = before + 1;
  });
  return Math.max(0, ...depth);
}

async function startLedger() {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'local',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  await createLedgerTable(client, 'bench');
  return { client, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function environment(slack: FakeSlack, github: FakeGitHub, pagerduty: FakePagerDuty) {
  return parseEnv({
    DISPATCH_GITHUB_OWNER: 'acme',
    DISPATCH_GITHUB_DEFAULT_REPO: 'alarms',
    DISPATCH_GITHUB_DEFAULT_USER: 'acme/security',
    DISPATCH_SLACK_DEFAULT_CHANNEL: 'C0SECURITY',
    DISPATCH_LEDGER_TABLE: 'bench',
    DISPATCH_SLACK_API_URL: `${slack.url}/api/`,
    DISPATCH_GITHUB_API_URL: github.url,
    DISPATCH_PAGERDUTY_EVENTS_URL: pagerduty.url,
    DISPATCH_VENDOR_TIMEOUT_MS: '10000',
  });
}

const secrets = new EnvSecrets({
  'slack/bot-token': 'xoxb-bench',
  'slack/signing-secret': SIGNING,
  'github/token': 'ghp_bench',
  'pagerduty/routing-key': 'R0BENCH',
});

let seq = 0;
function alarmOf(type: string, extra: Record<string, unknown> = {}) {
  const n = ++seq;
  const users = [{ slackId: `U${String(n).padStart(8, '0')}`, github: 'alice' }];
  const github = { title: `bench ${type} ${n}`, body: 'body' };
  const bodies: Record<string, unknown> = {
    'self-service': {
      users,
      body: { github, slack: { message: 'm', prompt: 'p', actions: { yes: 'y', no: 'n' } } },
    },
    nag: { users, body: { github, slack: { message: 'm' } } },
    'low-priority': { users, body: { github } },
    'high-priority': { body: { pagerduty: { title: `bench page ${n}` } } },
  };
  return { type, ...(bodies[type] as Record<string, unknown>), ...extra };
}

/** Fakes on loopback with the given behaviour, the ledger, and the incoming handler wired to them. */
async function incomingWorld(slackBehaviour: FakeBehaviour = {}) {
  const slack = await startFakeSlack({ latencyMs: LATENCY, ...slackBehaviour });
  const github = await startFakeGitHub({ latencyMs: LATENCY });
  const pagerduty = await startFakePagerDuty({ latencyMs: LATENCY });
  const ledger = await startLedger();
  const deps = buildRouteDeps(environment(slack, github, pagerduty), {
    dynamodb: ledger.client,
    secrets,
    write: () => {},
  });
  return {
    slack,
    github,
    pagerduty,
    handler: createHandler(() => deps),
    close: async () => {
      for (const f of [slack, github, pagerduty]) await f.close();
      await ledger.close();
    },
  };
}

async function deliveryScenarios() {
  const world = await incomingWorld();
  const { slack, github, pagerduty, handler } = world;
  const fakes = [slack, github, pagerduty];

  const measure = async (
    name: string,
    make: () => Record<string, unknown>,
    budget?: number,
    prepare?: () => void,
  ) => {
    const trips: number[] = [];
    const walls: number[] = [];
    const calls: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      prepare?.();
      for (const f of fakes) f.log.length = 0;
      const started = performance.now();
      await handler({ Records: [{ Sns: { MessageId: `bench-${++seq}`, Message: JSON.stringify(make()) } }] });
      const wall = performance.now() - started;
      if (i === 0) continue; // warm-up
      const log = fakes.flatMap((f) => f.log);
      trips.push(sequentialRoundTrips(log));
      walls.push(wall);
      calls.push(log.length);
    }
    rows.push({
      measure: `${name}: sequential round trips`,
      value: median(trips),
      unit: 'trips',
      budget,
      detail: `${median(calls)} vendor requests in all`,
    });
    rows.push({
      measure: `${name}: wall time`,
      value: Math.round(median(walls)),
      unit: 'ms',
      detail: `${(median(walls) / LATENCY).toFixed(1)} × latency`,
    });
  };

  await measure('self-service, empty repo', () => alarmOf('self-service'), 3);
  const fill = (state: 'open' | 'closed', count: number) => {
    for (let i = 0; i < count; i++) {
      github.issues.push({
        owner: 'acme',
        repo: 'alarms',
        number: github.issues.length + 1,
        title: `old ${state} ${i}`,
        body: '',
        labels: [],
        state,
        html_url: '',
        comments: [],
        created_at: '',
      });
    }
  };
  fill('open', 300);
  await measure('self-service, 300 open issues', () => alarmOf('self-service'), 3);
  fill('closed', 300);
  await measure(
    'self-service, retrigger false, 300 closed more',
    () => alarmOf('self-service', { retrigger: false }),
    3,
  );
  await measure('high-priority', () => alarmOf('high-priority'), 1);
  await measure('low-priority', () => alarmOf('low-priority'), 1);
  await measure('nag, first', () => alarmOf('nag'));

  // Broadcast to 100 users: bounded parallel fan-out.
  const broadcast = () => ({
    type: 'broadcast',
    users: Array.from({ length: 100 }, (_, i) => ({ slackId: `U${String(++seq).padStart(6, '0')}${i}` })),
    body: { github: { title: `bench broadcast ${seq}` }, slack: { message: 'Heads up' } },
  });
  const walls: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await handler({
      Records: [{ Sns: { MessageId: `bench-${++seq}`, Message: JSON.stringify(broadcast()) } }],
    });
    walls.push(performance.now() - started);
  }
  rows.push({
    measure: 'broadcast to 100 users: wall time',
    value: Number((median(walls) / LATENCY).toFixed(1)),
    unit: '× latency',
    budget: 15,
    detail: `${Math.round(median(walls))} ms`,
  });
  await world.close();
}

async function rateLimitedBroadcast() {
  // Slack allowing 40 requests a second: the fan-out meets 429s and must absorb them (Retry-After), not fail.
  const world = await incomingWorld({ rateLimit: { requests: 40, windowMs: 1000 } });
  const { slack, handler } = world;
  let failures = 0;
  const users = Array.from({ length: 100 }, (_, i) => ({ slackId: `U${i}RL` }));
  const message = JSON.stringify({
    type: 'broadcast',
    users,
    body: { github: { title: 'rate limited' }, slack: { message: 'x' } },
  });
  // A failed attempt is retried with the same SNS message, as Lambda would.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await handler({ Records: [{ Sns: { MessageId: 'rate-limited', Message: message } }] });
      break;
    } catch {
      failures++;
    }
  }
  const delivered = slack.messages.filter((m) => m.channel.endsWith('RL')).length;
  rows.push({
    measure: 'broadcast, Slack at 40 req/s: 429s absorbed',
    value: slack.limited,
    unit: '429s',
    detail: `${delivered}/100 delivered, ${failures} attempt(s) failed`,
  });
  rows.push({
    measure: 'broadcast, Slack at 40 req/s: 429s surfaced as failures',
    value: delivered === 100 ? 0 : 100 - delivered,
    unit: 'lost DMs',
    budget: 0,
  });
  await world.close();
}

async function triageAck() {
  const slack = await startFakeSlack({ latencyMs: LATENCY });
  const github = await startFakeGitHub({ latencyMs: 5_000 });
  const pagerduty = await startFakePagerDuty({ latencyMs: 5_000 });
  const ledgerStore = await startLedger();
  const env = environment(slack, github, pagerduty);
  const platform = { dynamodb: ledgerStore.client, secrets, write: () => {} };
  const workDeps = buildTriageWorkDeps(env, platform);
  const jobs = new InProcessJobs((job) => runTriageJob(workDeps, job), {
    clock: { now: Date.now, sleep: async () => {} },
    attempts: 1,
  });
  const handler = createTriageHandler(() => buildTriageDeps(env, { ...platform, jobs }));
  const ledger = new DynamoLedger(
    ledgerStore.client,
    { now: Date.now, sleep: async () => {} },
    { table: 'bench' },
  );
  const N = 200;
  const WARM = 20;
  const issue = { owner: 'acme', repo: 'alarms', number: 1, url: 'u' };
  github.issues.push({
    ...issue,
    title: 't',
    body: '',
    labels: [],
    state: 'open',
    html_url: 'u',
    comments: [],
    created_at: '',
  });
  for (let i = 0; i < N + WARM; i++) {
    await ledger.join(`k${i}`, 'm');
    await ledger.annotate(`k${i}`, 1, {
      issue,
      prompt: {
        slackUserId: 'U1',
        severity: 'critical',
        summary: 's',
        message: 'm',
        yesLabel: 'y',
        noLabel: 'n',
        dm: { channel: 'D1', ts: `1.${i}` },
      },
    });
  }
  const times: number[] = [];
  for (let i = 0; i < N + WARM; i++) {
    const payload = {
      type: 'block_actions',
      user: { id: 'U1' },
      actions: [{ action_id: ACTION_NO, value: `k${i}` }],
      container: { channel_id: 'D1', message_ts: `1.${i}` },
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const ts = String(Math.floor(Date.now() / 1000));
    const started = performance.now();
    const res = await handler({
      headers: { 'x-slack-request-timestamp': ts, 'x-slack-signature': signSlackRequest(SIGNING, ts, body) },
      body,
    });
    if (res.statusCode !== 200) throw new Error(`triage answered ${res.statusCode}`);
    if (i >= WARM) times.push(performance.now() - started);
  }
  rows.push({
    measure: 'triage ack, GitHub and PagerDuty at 5 s: p99',
    value: Number(percentile(times, 99).toFixed(1)),
    unit: 'ms',
    budget: 300,
    detail: `p50 ${percentile(times, 50).toFixed(1)} ms over ${N} clicks (queueing the work in process)`,
  });
  await jobs.idle();
  for (const f of [slack, github, pagerduty]) await f.close();
  await ledgerStore.close();
}

function coldStart() {
  const dir = mkdtempSync(join(tmpdir(), 'dispatch-bench-'));
  const node = (code: string) => {
    const t = performance.now();
    execFileSync(process.execPath, ['--input-type=module', '-e', code], { env: { PATH: process.env.PATH } });
    return performance.now() - t;
  };
  const bare = median(Array.from({ length: 15 }, () => node('')));
  for (const [name, entry, budgetKb, budgetMs] of [
    ['incoming', 'lambdas/incoming/handler.ts', 800, 150],
    ['triage', 'lambdas/triage/handler.ts', undefined, undefined],
    ['triage worker', 'lambdas/triage/worker.ts', undefined, undefined],
  ] as const) {
    const out = join(dir, name.replace(' ', '-'));
    execFileSync(process.execPath, ['scripts/bundle-lambda.mjs', entry, out], { stdio: 'ignore' });
    const file = join(out, 'index.mjs');
    const load = median(Array.from({ length: 15 }, () => node(`await import(${JSON.stringify(file)})`)));
    rows.push({
      measure: `${name} bundle size (minified ESM)`,
      value: Math.round(statSync(file).size / 1024),
      unit: 'kB',
      budget: budgetKb,
    });
    rows.push({
      measure: `${name} load time over bare node`,
      value: Math.round(load - bare),
      unit: 'ms',
      budget: budgetMs,
      detail: `bare node ${Math.round(bare)} ms`,
    });
  }
}

async function cpuPerAlarm() {
  const deps = fakeDeps();
  const N = 2000;
  const run = async (i: number) =>
    route(deps, parseAlarm(alarmOf('self-service', { requestId: String(i) })), { messageId: `cpu-${i}` });
  for (let i = 0; i < 200; i++) await run(i);
  const before = process.cpuUsage();
  for (let i = 0; i < N; i++) await run(1000 + i);
  const used = process.cpuUsage(before);
  rows.push({
    measure: 'CPU per self-service alarm (parse, route, render), warm',
    value: Number(((used.user + used.system) / 1000 / N).toFixed(3)),
    unit: 'ms',
    budget: 2,
    detail: 'in-memory ports, no I/O',
  });
}

if (args.help) {
  console.log('Usage: npm run bench -- [--latency MS] [--runs N]');
  process.exit(0);
}
await deliveryScenarios();
await rateLimitedBroadcast();
await triageAck();
coldStart();
await cpuPerAlarm();

const ok = (r: Row) => r.budget === undefined || r.value <= r.budget;
const width = Math.max(...rows.map((r) => r.measure.length));
console.log(`\nDispatch benchmark, fakes answering in ${LATENCY} ms, median of ${RUNS} runs\n`);
console.log(`${'measure'.padEnd(width)}  ${'value'.padStart(9)}  ${'budget'.padStart(9)}  result  detail`);
for (const r of rows) {
  const budget = r.budget === undefined ? '' : `<= ${r.budget}`;
  console.log(
    `${r.measure.padEnd(width)}  ${`${r.value} ${r.unit}`.padStart(9)}  ${budget.padStart(9)}  ${r.budget === undefined ? '      ' : ok(r) ? 'PASS  ' : 'FAIL  '}  ${r.detail ?? ''}`,
  );
}
const result = {
  date: new Date().toISOString(),
  node: process.version,
  latencyMs: LATENCY,
  runs: RUNS,
  rows: rows.map((r) => ({ ...r, pass: ok(r) })),
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nWrote bench/results/latest.json. ${rows.filter((r) => !ok(r)).length} budget(s) missed.`);
process.exit(rows.every(ok) ? 0 : 1);
