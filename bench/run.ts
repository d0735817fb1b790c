/**
 * `npm run bench`: Dispatch through its real handlers, wiring and SDK clients, against fakes of Slack, GitHub,
 * PagerDuty and AWS on 127.0.0.1 that answer after `--latency` ms, with the ledger on a DynamoDB-compatible store
 * (dynalite) whose every call is delayed by `--ledger-latency` ms, as DynamoDB would be.
 *
 * Each path's ledger calls, vendor requests and AWS calls are recorded with their start and end, and what a person
 * waits for is counted from them (chains.ts): the sequential ledger round trips before the first DM or page and to
 * the end, and the sequential vendor round trips. The counts are cross-checked by the latency slope: the same path
 * with the ledger slower by 20 ms is slower by about 20 ms per sequential ledger round trip. CPU time is measured
 * with the servers in another process, so it is Dispatch's alone. Prints a table, writes
 * bench/results/latest.json, and exits 1 when a target is missed.
 *
 *   npm run bench -- [--latency 50] [--ledger-latency 5] [--runs 5]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentConfigSchema } from '../lib/config.ts';
import { parseArgs } from '../bin/cli/args.ts';
import { createHandler } from '../lambdas/incoming/handler.ts';
import { fakeDeps } from '../test/fakes/route-deps.ts';
import { type Call, ledgerChainBefore, longestChain, median, ofKind, percentile } from './chains.ts';
import type { LedgerProbe } from './ledger-probe.ts';
import {
  Recorder,
  alarms,
  clickNo,
  isDm,
  isIssue,
  isPage,
  lambdaContext,
  newId,
  newUser,
  snsEvent,
  type Observed,
} from './scenarios.ts';
import { startChildServers, startServers, wireDispatch, type Dispatch, type Servers } from './world.ts';

const args = parseArgs(process.argv.slice(2), {
  latency: 'string',
  'ledger-latency': 'string',
  runs: 'string',
  help: 'boolean',
});
if (args.help) {
  console.log('Usage: npm run bench -- [--latency MS] [--ledger-latency MS] [--runs N]');
  console.log('  --latency MS         vendor (Slack, GitHub, PagerDuty) answer latency, default 50');
  console.log('  --ledger-latency MS  delay added to every ledger (DynamoDB) call, default 5; AWS calls too');
  console.log('  --runs N             measured runs of each path, default 5');
  process.exit(0);
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const LATENCY = Number(args.latency ?? 50);
const LEDGER = Number(args['ledger-latency'] ?? 5);
const RUNS = Math.max(1, Number(args.runs ?? 5));
for (const [name, v] of [
  ['--latency', LATENCY],
  ['--ledger-latency', LEDGER],
  ['--runs', RUNS],
] as const) {
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a number >= 0`);
}
/** The slope's second ledger latency is this much higher. */
const SLOPE_STEP = 40;
const SLOPE_RUNS = 3;
/** Scheduler and Lambda answer like DynamoDB. */
const AWS_LATENCY = LEDGER;
const TIMEOUT_S = EnvironmentConfigSchema.shape.incoming.parse(undefined).timeoutSeconds;
const CONCURRENCY = 20;

interface Row {
  measure: string;
  value: number;
  unit: string;
  budget?: number;
  detail?: string;
}
const rows: Row[] = [];
const ok = (r: Row) => r.budget === undefined || r.value <= r.budget;
const round1 = (x: number) => Math.round(x * 10) / 10;
const started = performance.now();
const progress = (what: string) =>
  console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${what}`);

// ------------------------------------------------------------------ per-path observation

interface Targets {
  before?: number;
  end?: number;
  vendor?: number;
}

interface PathSample {
  /** Sequential ledger round trips before the first DM/page, and to the end. */
  before: number | undefined;
  end: number;
  vendor: number;
  aws: number;
  awsLabels: string[];
  ledgerCalls: number;
  toCut: number | undefined;
  toEnd: number;
  model: number;
  afterReturn: Call[];
  chainBefore: string[];
  chainEnd: string[];
}

interface PathResult extends PathSample {
  path: string;
  targets: Targets;
  slopeBefore: number | undefined;
  slopeEnd: number;
  cpuMs?: number;
}

const samples = new Map<string, { base: PathSample[]; slope: PathSample[] }>();
const weight = (c: Call) => (c.kind === 'vendor' ? LATENCY : c.kind === 'ledger' ? LEDGER : AWS_LATENCY);

/** Run-specific IDs in call labels, replaced by what they stand for. */
const tidyIds = (label: string) =>
  label
    .replace(/UB\d+X\d{7}/g, '{user}')
    .replace(/bench-m-\d+-\d+/g, '{msg}')
    .replace(/:\d{13}\b/g, ':{window}');

function sample(o: Observed<unknown>, names: Record<string, string>): PathSample {
  const within = o.calls.filter((c) => c.start <= o.t1);
  const tidy = (c: Call) => {
    let label = c.label;
    for (const [id, name] of Object.entries(names)) label = label.split(id).join(name);
    return tidyIds(label);
  };
  const before = o.cut === undefined ? undefined : ledgerChainBefore(within, o.cut);
  const end = longestChain(ofKind(within, 'ledger'));
  const aws = ofKind(within, 'aws');
  return {
    before: before?.length,
    end: end.length,
    vendor: longestChain(ofKind(within, 'vendor')).length,
    aws: aws.length,
    awsLabels: aws.map((c) => c.label),
    ledgerCalls: ofKind(within, 'ledger').length,
    toCut: o.cut === undefined ? undefined : o.cut - o.t0,
    toEnd: o.t1 - o.t0,
    model: longestChain(within, weight).length,
    afterReturn: o.afterReturn,
    chainBefore: before?.calls.map(tidy) ?? [],
    chainEnd: end.calls.map(tidy),
  };
}

function keep(path: string, slope: boolean, s: PathSample) {
  const entry = samples.get(path) ?? { base: [], slope: [] };
  (slope ? entry.slope : entry.base).push(s);
  samples.set(path, entry);
}

const definedMedian = (xs: (number | undefined)[]) => {
  const defined = xs.filter((x): x is number => x !== undefined);
  return defined.length ? median(defined) : undefined;
};

function summarise(path: string, targets: Targets): PathResult {
  const { base, slope } = samples.get(path) ?? { base: [], slope: [] };
  if (base.length === 0) {
    // Not measured (e.g. the click queued no work for the worker): every target of the path is missed.
    return {
      ...{
        path,
        targets,
        before: targets.before === undefined ? undefined : NaN,
        end: NaN,
        vendor: NaN,
        aws: NaN,
      },
      ...{ awsLabels: [], ledgerCalls: NaN, toCut: undefined, toEnd: NaN, model: NaN, afterReturn: [] },
      ...{ chainBefore: [], chainEnd: ['(not measured)'], slopeBefore: undefined, slopeEnd: NaN },
    };
  }
  const end = median(base.map((s) => s.end));
  const typical = base.find((s) => s.end === end) ?? base[0]!;
  const before = definedMedian(base.map((s) => s.before));
  const toCut = definedMedian(base.map((s) => s.toCut));
  const slopeToCut = definedMedian(slope.map((s) => s.toCut));
  return {
    path,
    targets,
    before,
    end,
    vendor: median(base.map((s) => s.vendor)),
    aws: median(base.map((s) => s.aws)),
    awsLabels: typical.awsLabels,
    ledgerCalls: median(base.map((s) => s.ledgerCalls)),
    toCut,
    toEnd: median(base.map((s) => s.toEnd)),
    model: median(base.map((s) => s.model)),
    afterReturn: base.flatMap((s) => s.afterReturn),
    chainBefore: base.find((s) => s.before === before)?.chainBefore ?? typical.chainBefore,
    chainEnd: typical.chainEnd,
    slopeBefore:
      toCut === undefined || slopeToCut === undefined ? undefined : (slopeToCut - toCut) / SLOPE_STEP,
    slopeEnd: slope.length
      ? (median(slope.map((s) => s.toEnd)) - median(base.map((s) => s.toEnd))) / SLOPE_STEP
      : NaN,
  };
}

// ------------------------------------------------------------------ the paths, counted

async function countedPaths(servers: Servers, dispatch: Dispatch, probe: LedgerProbe) {
  const recorder = new Recorder(servers, probe, LATENCY + 30);
  const context = () => lambdaContext(TIMEOUT_S * 1000);
  const incoming =
    (message: unknown, id = newId('m')) =>
    () =>
      dispatch.incoming(snsEvent(message, id), context());

  const latencies = [
    [LEDGER, false],
    [LEDGER + SLOPE_STEP, true],
  ] as const;
  // The two ledger latencies alternate, so a change in the machine's load touches both alike.
  const alternate = async (run: (measured: boolean, slope: boolean) => Promise<void>) => {
    for (let i = 0; i <= RUNS; i++) {
      for (const [ledgerMs, slope] of latencies) {
        if (slope && i > SLOPE_RUNS) continue;
        probe.latencyMs = ledgerMs;
        await run(i > 0, slope);
      }
    }
    probe.latencyMs = LEDGER;
  };
  progress(`paths, ledger at ${LEDGER} ms (${RUNS} runs) and ${LEDGER + SLOPE_STEP} ms (${SLOPE_RUNS} runs)`);
  await alternate(async (measured, slope) => {
    const record = (path: string, o: Observed<unknown>, names: Record<string, string>) => {
      if (measured) keep(path, slope, sample(o, names));
    };
    // A self-service prompt, its "no" clicked, and the worker carrying the answer out.
    const user = newUser();
    const id = newId('m');
    record(
      'self-service, 1 user, new',
      await recorder.observe(incoming(alarms.selfService(user), id), isDm),
      {
        [id]: '{msg}',
        [user]: '{user}',
      },
    );
    const click = await recorder.observe(() => dispatch.triage(clickNo(servers.slack, user)));
    if ((click.result as { statusCode: number }).statusCode !== 200) throw new Error('the click was refused');
    record('triage click, to the ack', click, { [user]: '{user}' });
    // The work the click queued (a Lambda Invoke), carried out by the worker; none queued: reported as missing.
    const job = click.calls.some((c) => c.kind === 'aws' && c.label.includes('/invocations'))
      ? servers.aws.invocations.at(-1)
      : undefined;
    if (job) {
      record('worker "no"', await recorder.observe(() => dispatch.worker(job, context()), isPage), {
        [user]: '{user}',
      });
    }

    const hp = newId('m');
    record(
      'high-priority',
      await recorder.observe(incoming(alarms.highPriority(newId('page')), hp), isPage),
      {
        [hp]: '{msg}',
      },
    );
    const lp = newId('m');
    record('low-priority', await recorder.observe(incoming(alarms.lowPriority(newId('low')), lp), isIssue), {
      [lp]: '{msg}',
    });
    const nagUser = newUser();
    const ng = newId('m');
    record('nag, first', await recorder.observe(incoming(alarms.nag(nagUser), ng), isDm), {
      [ng]: '{msg}',
      [nagUser]: '{user}',
    });
  });

  // A low-priority alarm repeated while its issue is open: the first repeat asks GitHub and starts the note;
  // repeats within the next minute are counted only.
  const storm = alarms.lowPriority(newId('storm'));
  for (let i = 0; i < 3; i++) await incoming(storm)();
  await alternate(async (measured, slope) => {
    const id = newId('m');
    const o = await recorder.observe(incoming(storm, id));
    if (measured) keep('repeat inside a storm (suppressed)', slope, sample(o, { [id]: '{msg}' }));
  });
}

/**
 * Broadcast to 100 users: each user's chain (their own calls, before their DM and to its end), and the whole one.
 * The whole chain is taken from a run at SCALE times every latency and weighted by the model's latencies: at 50 ms
 * a busy CPU spreads one wave's DMs over more than a DM's latency, which would chain them one after another.
 */
const SCALE = 4;
async function countedBroadcast(servers: Servers, dispatch: Dispatch, probe: LedgerProbe) {
  const recorder = new Recorder(servers, probe, SCALE * LATENCY + 30);
  const dmAt = new Map<string, number>();
  const messages = servers.slack.messages;
  const push = messages.push.bind(messages);
  messages.push = (...items) => {
    for (const m of items) dmAt.set(m.channel, performance.now());
    return push(...items);
  };
  const perUserBefore: number[] = [];
  const perUserEnd: number[] = [];
  let userChainBefore: string[] = [];
  let userChainEnd: string[] = [];
  const send = async () => {
    const users = Array.from({ length: 100 }, newUser);
    const id = newId('m');
    const o = await recorder.observe(
      () => dispatch.incoming(snsEvent(alarms.broadcast(users), id), lambdaContext(TIMEOUT_S * 1000)),
      isDm,
    );
    return { users, id, o };
  };
  progress(`broadcast to 100 users, ledger at ${LEDGER} and ${LEDGER + SLOPE_STEP} ms`);
  for (let i = 0; i <= 3; i++) {
    for (const slope of [false, true]) {
      if (slope && i > 2) continue;
      probe.latencyMs = slope ? LEDGER + SLOPE_STEP : LEDGER;
      const { users, id, o } = await send();
      if (i === 0) continue;
      keep('broadcast, 100 users', slope, sample(o, { [id]: '{msg}' }));
      if (slope) continue;
      const ledger = ofKind(o.calls, 'ledger');
      for (const user of users) {
        const mine = ledger.filter((c) => c.text?.includes(user));
        const before = ledgerChainBefore(mine, dmAt.get(servers.slack.dmChannel(user)) ?? Infinity);
        const end = longestChain(mine);
        if (end.length >= Math.max(0, ...perUserEnd)) {
          userChainBefore = before.calls.map((c) => tidyIds(c.label));
          userChainEnd = end.calls.map((c) => tidyIds(c.label));
        }
        perUserBefore.push(before.length);
        perUserEnd.push(end.length);
      }
    }
  }
  progress(`broadcast to 100 users at ${SCALE}× every latency, for the modelled critical path`);
  servers.setVendorLatency(SCALE * LATENCY);
  probe.latencyMs = SCALE * LEDGER;
  const { o: scaled } = await send();
  servers.setVendorLatency(LATENCY);
  probe.latencyMs = LEDGER;
  messages.push = push;
  const within = scaled.calls.filter((c) => c.start <= scaled.t1);
  return {
    maxBefore: Math.max(...perUserBefore),
    medianBefore: median(perUserBefore),
    maxEnd: Math.max(...perUserEnd),
    userChainBefore,
    userChainEnd,
    model: longestChain(within, weight).length,
    chainInAll: longestChain(ofKind(within, 'ledger')).calls.map((c) => tidyIds(c.label)),
    ledgerInAll: longestChain(ofKind(within, 'ledger')).length,
    vendorInAll: longestChain(ofKind(within, 'vendor')).length,
    scaledWall: scaled.t1 - scaled.t0,
  };
}

/** Self-service with a repository full of issues: the vendor round trips must not grow with it. */
async function crowdedRepo(servers: Servers, dispatch: Dispatch, probe: LedgerProbe) {
  const recorder = new Recorder(servers, probe, LATENCY + 30);
  const fill = (state: 'open' | 'closed', count: number) => {
    for (let i = 0; i < count; i++) {
      const number = servers.github.issues.length + 1;
      servers.github.issues.push({
        ...{ owner: 'acme', repo: 'alarms', number, title: `old ${state} ${i}`, body: '', labels: [] },
        ...{ state, html_url: '', comments: [], created_at: '' },
      });
    }
  };
  fill('open', 300);
  fill('closed', 300);
  const trips: number[] = [];
  for (let i = 0; i <= 3; i++) {
    const user = newUser();
    const message = { ...alarms.selfService(user), retrigger: false };
    const o = await recorder.observe(() => dispatch.incoming(snsEvent(message, newId('m'))));
    if (i > 0) trips.push(longestChain(ofKind(o.calls, 'vendor')).length);
  }
  rows.push({
    measure: 'self-service, 300 open and 300 closed issues in the repo: vendor round trips',
    value: median(trips),
    unit: 'trips',
    budget: 3,
  });
}

// ------------------------------------------------------------------ CPU and scale, servers in another process

async function cpuAndScale(dispatch: Dispatch) {
  const context = () => lambdaContext(TIMEOUT_S * 1000);
  const cpu = async (times: number, make: () => unknown) => {
    let used = 0;
    for (let i = 0; i < times + 2; i++) {
      const event = snsEvent(make(), newId('m'));
      const before = process.cpuUsage();
      await dispatch.incoming(event, context());
      const delta = process.cpuUsage(before);
      if (i >= 2) used += delta.user + delta.system;
    }
    return used / 1000 / times;
  };
  progress('CPU per alarm (servers in another process)');
  const storm = alarms.lowPriority(newId('storm'));
  const perAlarm: Record<string, number> = {
    'self-service, 1 user, new': await cpu(10, () => alarms.selfService(newUser())),
    'high-priority': await cpu(10, () => alarms.highPriority(newId('page'))),
    'low-priority': await cpu(10, () => alarms.lowPriority(newId('low'))),
    'nag, first': await cpu(10, () => alarms.nag(newUser())),
    'repeat inside a storm (suppressed)': await cpu(10, () => storm),
  };

  const broadcasts: Record<number, { wall: number; cpuPerUser: number }> = {};
  for (const n of [100, 1_000, 5_000]) {
    progress(`broadcast to ${n} users (servers in another process)`);
    const users = Array.from({ length: n }, newUser);
    const event = snsEvent(alarms.broadcast(users), newId('m'));
    const before = process.cpuUsage();
    const t0 = performance.now();
    await dispatch.incoming(event, context());
    const wall = performance.now() - t0;
    const used = process.cpuUsage(before);
    broadcasts[n] = { wall, cpuPerUser: (used.user + used.system) / 1000 / n };
  }
  return { perAlarm, broadcasts };
}

// ------------------------------------------------------------------ the rest of the budgets

async function rateLimitedBroadcast(store: string, probe: LedgerProbe) {
  // Slack allowing 40 requests a second: the fan-out meets 429s and must absorb them (Retry-After), not fail.
  const servers = await startServers(
    { vendorMs: LATENCY, awsMs: AWS_LATENCY, slack: { rateLimit: { requests: 40, windowMs: 1000 } } },
    store,
  );
  const dispatch = await wireDispatch(servers.urls, probe);
  let failures = 0;
  const users = Array.from({ length: 100 }, newUser);
  const event = snsEvent(alarms.broadcast(users), 'rate-limited');
  // A failed attempt is retried with the same SNS message, as Lambda would.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await dispatch.incoming(event, lambdaContext(TIMEOUT_S * 1000));
      break;
    } catch {
      failures++;
    }
  }
  const channels = new Set(users.map((u) => servers.slack.dmChannel(u)));
  const delivered = servers.slack.messages.filter((m) => channels.has(m.channel)).length;
  rows.push({
    measure: 'broadcast, Slack at 40 req/s: 429s absorbed',
    value: servers.slack.limited,
    unit: '429s',
    detail: `${delivered}/100 delivered, ${failures} attempt(s) failed`,
  });
  rows.push({
    measure: 'broadcast, Slack at 40 req/s: 429s surfaced as failures',
    value: 100 - delivered,
    unit: 'lost DMs',
    budget: 0,
  });
  dispatch.close();
  await servers.close();
}

/** The triage acknowledgement, p99 over many clicks on prompts routed through the incoming handler. */
async function triageAckP99(servers: Servers, dispatch: Dispatch, probe: LedgerProbe) {
  const N = 100;
  const WARM = 10;
  // Prompts are made fast: the fakes and the ledger answer at once while they are routed.
  servers.setVendorLatency(0);
  probe.latencyMs = 0;
  const users = Array.from({ length: N + WARM }, newUser);
  for (let i = 0; i < users.length; i += 10) {
    await Promise.all(
      users.slice(i, i + 10).map((u) => dispatch.incoming(snsEvent(alarms.selfService(u), newId('m')))),
    );
  }
  servers.setVendorLatency(LATENCY);
  probe.latencyMs = LEDGER;
  const times: number[] = [];
  for (const [i, user] of users.entries()) {
    const request = clickNo(servers.slack, user);
    const t0 = performance.now();
    const res = await dispatch.triage(request);
    if (res.statusCode !== 200) throw new Error(`triage answered ${res.statusCode}`);
    if (i >= WARM) times.push(performance.now() - t0);
  }
  rows.push({
    measure: 'triage ack, warm: p99',
    value: round1(percentile(times, 99)),
    unit: 'ms',
    budget: 300,
    detail: `p50 ${percentile(times, 50).toFixed(1)} ms over ${N} clicks (ledger at ${LEDGER} ms, work queued by Lambda Invoke)`,
  });
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

async function cpuInMemory() {
  // The use case alone: parse, route, render, with in-memory ports behind the incoming handler.
  const deps = fakeDeps();
  const handler = createHandler(() => deps);
  const N = 2000;
  const run = (i: number) => handler(snsEvent(alarms.selfService(newUser()), `cpu-${i}`));
  for (let i = 0; i < 200; i++) await run(i);
  const before = process.cpuUsage();
  for (let i = 0; i < N; i++) await run(1000 + i);
  const used = process.cpuUsage(before);
  rows.push({
    measure: 'CPU per self-service alarm, in-memory ports (parse, route, render)',
    value: Number(((used.user + used.system) / 1000 / N).toFixed(3)),
    unit: 'ms',
    budget: 2,
    detail: 'no I/O, no SDK',
  });
}

// ------------------------------------------------------------------ run

const TARGETS: Record<string, Targets> = {
  'self-service, 1 user, new': { before: 2, end: 4, vendor: 3 },
  'high-priority': { before: 1, end: 2, vendor: 1 },
  'low-priority': { before: 2, end: 3 },
  'nag, first': { before: 2, end: 4 },
  'repeat inside a storm (suppressed)': { end: 2, vendor: 0 },
  'broadcast, 100 users': {},
  'triage click, to the ack': { end: 2 },
  'worker "no"': { before: 2, end: 5 },
};
const PATHS = Object.keys(TARGETS);

const child = await startChildServers({ vendorMs: LATENCY, awsMs: AWS_LATENCY });
const probe: LedgerProbe = { latencyMs: LEDGER, calls: undefined };
let results: PathResult[] = [];
let broadcast: Awaited<ReturnType<typeof countedBroadcast>>;
let scale: Awaited<ReturnType<typeof cpuAndScale>>;
try {
  // Counted: the fakes here (one clock with the ledger probe), the ledger store in the child process.
  const servers = await startServers({ vendorMs: LATENCY, awsMs: AWS_LATENCY }, child.urls.dynamodb);
  const dispatch = await wireDispatch(servers.urls, probe);
  await countedPaths(servers, dispatch, probe);
  broadcast = await countedBroadcast(servers, dispatch, probe);
  await crowdedRepo(servers, dispatch, probe);
  progress('triage acknowledgement p99');
  await triageAckP99(servers, dispatch, probe);
  dispatch.close();
  await servers.close();
  progress('broadcast with Slack rate-limited');
  await rateLimitedBroadcast(child.urls.dynamodb, probe);

  // CPU and scale: every server in the child process.
  const remote = await wireDispatch(child.urls, probe);
  scale = await cpuAndScale(remote);
  remote.close();
} finally {
  await child.close();
}
progress('bundles and load times');
coldStart();
await cpuInMemory();

results = PATHS.map((p) => ({ ...summarise(p, TARGETS[p]!), cpuMs: scale.perAlarm[p] }));
// The broadcast's whole chain is the one of the run at SCALE× latency (see countedBroadcast).
Object.assign(
  results.find((r) => r.path.startsWith('broadcast'))!,
  {
    end: broadcast.ledgerInAll,
    vendor: broadcast.vendorInAll,
    model: broadcast.model,
    chainEnd: broadcast.chainInAll,
  },
);

// Rows: every target, then what is reported without one.
for (const r of results) {
  const t = r.targets;
  if (r.before !== undefined && r.path !== 'broadcast, 100 users') {
    rows.push({
      measure: `${r.path}: sequential ledger round trips before the ${/high|worker/.test(r.path) ? 'page' : /low/.test(r.path) ? 'issue' : 'DM'}`,
      value: r.before,
      unit: 'trips',
      budget: t.before,
      detail: `latency slope ${r.slopeBefore === undefined ? '-' : r.slopeBefore.toFixed(1)}`,
    });
  }
  rows.push({
    measure:
      `${r.path}: sequential ledger round trips ${r.path.startsWith('triage') ? '' : 'to the end'}`.trim(),
    value: r.end,
    unit: 'trips',
    budget: t.end,
    detail: `latency slope ${r.slopeEnd.toFixed(1)}; ${r.ledgerCalls} ledger calls in all`,
  });
  rows.push({
    measure: `${r.path}: sequential vendor round trips`,
    value: r.vendor,
    unit: 'trips',
    budget: t.vendor,
    detail: r.aws ? `+ ${r.aws} AWS call(s): ${[...new Set(r.awsLabels)].join(', ')}` : undefined,
  });
}
const click = results.find((r) => r.path.startsWith('triage click'))!;
rows.push({
  measure: 'triage click, to the ack: Lambda Invoke calls',
  value: click.aws,
  unit: 'calls',
  budget: 1,
});
rows.push({
  measure: 'broadcast, 100 users: sequential ledger round trips before each user\u2019s DM (max)',
  value: broadcast.maxBefore,
  unit: 'trips',
  budget: 1,
  detail: `median ${broadcast.medianBefore}; ${broadcast.maxEnd} in a user's chain to its end`,
});
const bc = results.find((r) => r.path.startsWith('broadcast'))!;
rows.push({
  measure: `broadcast, 100 users: critical path, modelled (vendor ${LATENCY} ms, ledger ${LEDGER} ms)`,
  value: Math.round(broadcast.model),
  unit: 'ms',
  budget: 6 * LATENCY + 4 * LEDGER,
  detail:
    `6 × vendor + 4 × ledger at concurrency ${CONCURRENCY}; from a run at ${SCALE}× latency: ${broadcast.ledgerInAll} ledger and ` +
    `${broadcast.vendorInAll} vendor round trips in sequence; measured at 1×: ${Math.round(bc.toEnd)} ms`,
});
rows.push({
  measure: 'calls started after the handler returned (Lambda freezes them)',
  value: results.reduce((n, r) => n + r.afterReturn.length, 0),
  unit: 'calls',
  budget: 0,
  detail:
    [
      ...new Set(
        results.flatMap((r) => r.afterReturn.map((c) => `${r.path}: ${c.kind} ${c.label.split(' ')[0]}`)),
      ),
    ]
      .slice(0, 4)
      .join('; ') || undefined,
});
const b5k = scale.broadcasts[5_000]!;
rows.push({
  measure: 'CPU per broadcast recipient (1,000 users)',
  value: Number(scale.broadcasts[1_000]!.cpuPerUser.toFixed(2)),
  unit: 'ms',
  budget: 2,
  detail: `${b5k.cpuPerUser.toFixed(2)} ms at 5,000 users; ${scale.broadcasts[100]!.cpuPerUser.toFixed(2)} ms at 100`,
});
for (const n of [100, 1_000]) {
  rows.push({
    measure: `broadcast to ${n.toLocaleString('en')} users: wall time`,
    value: Math.round(scale.broadcasts[n]!.wall),
    unit: 'ms',
  });
}
rows.push({
  measure: `broadcast to 5,000 users: wall time (incoming timeout ${TIMEOUT_S} s, 30% margin)`,
  value: round1(b5k.wall / 1000),
  unit: 's',
  budget: round1(TIMEOUT_S * 0.7),
});
for (const r of results) {
  if (r.cpuMs !== undefined)
    rows.push({
      measure: `${r.path}: CPU per alarm (SDK clients and HTTP included)`,
      value: round1(r.cpuMs),
      unit: 'ms',
    });
}

// ------------------------------------------------------------------ output

const cell = (v: number | undefined, budget?: number) =>
  v === undefined
    ? '-'
    : `${v}${budget === undefined ? '' : v <= budget ? ` (≤${budget})` : ` (≤${budget}) ✗`}`;
const ms = (v: number | undefined) => (v === undefined ? '-' : `${Math.round(v)} ms`);
const table = results.map((r) => [
  r.path,
  cell(r.before, r.targets.before),
  cell(r.end, r.targets.end),
  `${r.slopeBefore === undefined ? '-' : r.slopeBefore.toFixed(1)}; ${r.slopeEnd.toFixed(1)}`,
  cell(r.vendor, r.targets.vendor),
  String(r.aws),
  ms(r.toCut),
  ms(r.toEnd),
  ms(r.model),
  r.cpuMs === undefined ? '-' : `${r.cpuMs.toFixed(1)} ms`,
]);
const head = [
  'path',
  'ledger RTs before DM/page',
  'to the end',
  'slope',
  'vendor RTs',
  'AWS calls',
  'to DM/page',
  'to the end',
  'modelled',
  'CPU/alarm',
];
const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
const line = (cells: string[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');

console.log(
  `\nDispatch benchmark: vendors answer in ${LATENCY} ms, ledger calls take ${LEDGER} ms more (slope: ${LEDGER + SLOPE_STEP} ms), median of ${RUNS} runs\n`,
);
console.log(line(head));
for (const t of table) console.log(line(t));
console.log(
  `\nRTs: longest chain of calls made one after another, counted from every recorded call; slope: the same path's` +
    `\nslowdown per ms of ledger latency (before the DM/page; to the end). modelled: the longest chain weighted by` +
    `\nlatency (what a CPU-free machine would take). CPU: the servers in another process.\n`,
);
const width = Math.max(...rows.map((r) => r.measure.length));
console.log(`${'measure'.padEnd(width)}  ${'value'.padStart(10)}  ${'target'.padStart(9)}  result  detail`);
for (const r of rows) {
  const budget = r.budget === undefined ? '' : `<= ${r.budget}`;
  console.log(
    `${r.measure.padEnd(width)}  ${`${r.value} ${r.unit}`.padStart(10)}  ${budget.padStart(9)}  ${r.budget === undefined ? '      ' : ok(r) ? 'PASS  ' : 'FAIL  '}  ${r.detail ?? ''}`,
  );
}
console.log('\nLedger calls on each critical path, in order:');
for (const r of results) {
  if (r.chainBefore.length)
    console.log(`  ${r.path}, before the DM/page (${r.chainBefore.length}): ${r.chainBefore.join(' → ')}`);
  console.log(`  ${r.path}, to the end (${r.chainEnd.length}): ${r.chainEnd.join(' → ')}`);
}
console.log(`  broadcast, one user's chain to its end: ${broadcast.userChainEnd.join(' → ')}`);

const result = {
  date: new Date().toISOString(),
  node: process.version,
  latencyMs: LATENCY,
  ledgerLatencyMs: LEDGER,
  awsLatencyMs: AWS_LATENCY,
  runs: RUNS,
  durationS: Math.round((performance.now() - started) / 1000),
  rows: rows.map((r) => ({ ...r, pass: ok(r) })),
  paths: results.map(({ afterReturn, ...r }) => ({
    ...r,
    afterReturn: afterReturn.map((c) => `${c.kind} ${c.label}`),
  })),
  broadcastUserChain: { before: broadcast.userChainBefore, end: broadcast.userChainEnd },
  broadcasts: scale.broadcasts,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', `${JSON.stringify(result, null, 2)}\n`);
const missed = rows.filter((r) => !ok(r));
console.log(
  `\nWrote bench/results/latest.json in ${result.durationS} s. ${missed.length} target(s) missed${missed.length ? `: ${missed.map((r) => r.measure).join('; ')}` : ''}.`,
);
process.exit(missed.length ? 1 : 0);
