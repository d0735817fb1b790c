/**
 * The benchmark's world: fakes of Slack, GitHub, PagerDuty and AWS (Scheduler, Lambda) on 127.0.0.1, the ledger on
 * a DynamoDB-compatible store (dynalite), and Dispatch wired to them through its real wiring and handlers, with
 * its SDK clients. Only the clients are handed in, as the wiring's Platform allows; the ledger client carries the
 * probe that adds DynamoDB's latency and records each call.
 *
 * The servers run either in this process (their request logs share its clock, so vendor requests can be put in
 * order with ledger calls) or in a child process (so this process's CPU time is Dispatch's alone).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import dynalite from 'dynalite';
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startFakeGitHub, type FakeGitHub } from '../bin/local/fake-github.ts';
import { startFakePagerDuty, type FakePagerDuty } from '../bin/local/fake-pagerduty.ts';
import { startFakeSlack, type FakeSlack } from '../bin/local/fake-slack.ts';
import type { FakeBehaviour } from '../bin/local/http.ts';
import { LambdaJobs } from '../lambdas/adapters/jobs.ts';
import { createLedgerTable } from '../lambdas/adapters/ledger-table.ts';
import { SchedulerTimers } from '../lambdas/adapters/scheduler-timers.ts';
import { EnvSecrets } from '../lambdas/adapters/ssm-secrets.ts';
import { createHandler } from '../lambdas/incoming/handler.ts';
import { parseEnv } from '../lambdas/shared/env.ts';
import { AWS_CLIENT_OPTIONS } from '../lambdas/shared/wiring-base.ts';
import { buildRouteDeps, buildTriageWorkDeps } from '../lambdas/shared/wiring.ts';
import { EventBridgeEvents } from '../lambdas/adapters/eventbridge-events.ts';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { buildTriageDeps } from '../lambdas/shared/wiring-triage.ts';
import { createWorkerHandler } from '../lambdas/triage/worker.ts';
import { createTriageHandler } from '../lambdas/triage/handler.ts';
import { startFakeAws, type FakeAws } from './fake-aws.ts';
import { probeLedger, type LedgerProbe } from './ledger-probe.ts';

export const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const WORKER = 'dispatch-bench-worker';

export interface WorldUrls {
  slack: string;
  github: string;
  pagerduty: string;
  aws: string;
  dynamodb: string;
}

export interface ServerOptions {
  vendorMs: number;
  awsMs: number;
  slack?: FakeBehaviour;
}

export interface Servers {
  urls: WorldUrls;
  slack: FakeSlack;
  github: FakeGitHub;
  pagerduty: FakePagerDuty;
  aws: FakeAws;
  /** Sets the fakes' answer latency (e.g. 0 while preparing a run). */
  setVendorLatency(ms: number): void;
  close(): Promise<void>;
}

export async function startDynalite(): Promise<{ url: string; close(): Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The vendor and AWS fakes in this process; the ledger store at `dynamodb` (or a dynalite of their own). */
export async function startServers(options: ServerOptions, dynamodb?: string): Promise<Servers> {
  const behaviours: FakeBehaviour[] = [
    { ...options.slack, latencyMs: options.vendorMs },
    { latencyMs: options.vendorMs },
    { latencyMs: options.vendorMs },
  ];
  const slack = await startFakeSlack(behaviours[0]);
  const github = await startFakeGitHub(behaviours[1]);
  const pagerduty = await startFakePagerDuty(behaviours[2]);
  const aws = await startFakeAws({ latencyMs: options.awsMs });
  const store = dynamodb ? undefined : await startDynalite();
  return {
    urls: {
      slack: slack.url,
      github: github.url,
      pagerduty: pagerduty.url,
      aws: aws.url,
      dynamodb: dynamodb ?? store!.url,
    },
    slack,
    github,
    pagerduty,
    aws,
    setVendorLatency: (ms) => behaviours.forEach((b) => (b.latencyMs = ms)),
    close: async () => {
      for (const f of [slack, github, pagerduty, aws]) await f.close();
      await store?.close();
    },
  };
}

/** A child process with a dynalite and, unless `storeOnly`, the fakes: its URLs, and how to stop it. */
export async function startChildServers(
  options: ServerOptions & { storeOnly?: boolean },
): Promise<{ urls: WorldUrls; close(): Promise<void> }> {
  const child = fork(
    fileURLToPath(new URL('./world-process.ts', import.meta.url)),
    [JSON.stringify(options)],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const urls = await new Promise<WorldUrls>((resolve, reject) => {
    child.once('message', (m) => resolve(m as WorldUrls));
    child.once('exit', (code) => reject(new Error(`the benchmark's world process ended (${code})`)));
  });
  return {
    urls,
    close: async () => {
      const ended = new Promise((r) => child.once('exit', r));
      child.send('close');
      await ended;
    },
  };
}

export interface Dispatch {
  incoming: ReturnType<typeof createHandler>;
  triage: ReturnType<typeof createTriageHandler>;
  worker: ReturnType<typeof createWorkerHandler>;
  close(): void;
}

let tables = 0;

/**
 * Dispatch as the stack deploys it, against `urls`: prompt timers on (Scheduler), triage work queued with Lambda
 * Invoke, the per-user DM cap on, every default otherwise. `env` adds or overrides settings.
 */
export async function wireDispatch(
  urls: WorldUrls,
  probe: LedgerProbe,
  env: Record<string, string> = {},
): Promise<Dispatch> {
  const aws = { ...AWS_CLIENT_OPTIONS, region: 'us-east-1', credentials: CREDENTIALS };
  const dynamodb = new DynamoDBClient({ ...aws, endpoint: urls.dynamodb });
  const table = `bench-${process.pid}-${++tables}`;
  await createLedgerTable(dynamodb, table);
  probeLedger(dynamodb, probe);
  const settings = parseEnv({
    DISPATCH_GITHUB_OWNER: 'acme',
    DISPATCH_GITHUB_DEFAULT_REPO: 'alarms',
    DISPATCH_GITHUB_DEFAULT_USER: 'acme/security',
    DISPATCH_SLACK_DEFAULT_CHANNEL: 'C0SECURITY',
    DISPATCH_LEDGER_TABLE: table,
    DISPATCH_SLACK_API_URL: `${urls.slack}/api/`,
    DISPATCH_GITHUB_API_URL: urls.github,
    DISPATCH_PAGERDUTY_EVENTS_URL: urls.pagerduty,
    DISPATCH_VENDOR_TIMEOUT_MS: '10000',
    DISPATCH_TRIAGE_WORKER: WORKER,
    ...env,
  });
  const scheduler = new SchedulerClient({ ...aws, endpoint: urls.aws });
  const lambda = new LambdaClient({ ...aws, endpoint: urls.aws });
  const events = new EventBridgeEvents(new EventBridgeClient({ ...aws, endpoint: urls.aws }), {
    busName: 'default',
  });
  const platform = {
    dynamodb,
    secrets: new EnvSecrets({
      'slack/bot-token': 'xoxb-bench',
      'slack/signing-secret': SIGNING_SECRET,
      'github/token': 'ghp_bench',
      'pagerduty/routing-key': 'R0BENCH',
    }),
    timers: new SchedulerTimers(scheduler, {
      group: 'dispatch-bench',
      roleArn: 'arn:aws:iam::000000000000:role/dispatch-bench-scheduler',
      workerArn: `arn:aws:lambda:us-east-1:000000000000:function:${WORKER}`,
    }),
    write: () => {},
    events,
  };
  const routeDeps = buildRouteDeps(settings, platform);
  const triageDeps = buildTriageDeps(settings, { ...platform, jobs: new LambdaJobs(lambda, WORKER) });
  const workDeps = buildTriageWorkDeps(settings, platform);
  return {
    incoming: createHandler(() => routeDeps),
    triage: createTriageHandler(() => triageDeps),
    worker: createWorkerHandler(() => workDeps),
    close: () => [dynamodb, scheduler, lambda].forEach((c) => c.destroy()),
  };
}
