/**
 * The local runner: the same handlers and use cases the Lambdas run, in one process.
 *
 * With no configuration Slack, GitHub and PagerDuty are fakes on loopback, driven through the real SDK clients,
 * and the ledger is an embedded DynamoDB-compatible store. Each vendor becomes real once its token is set
 * (DISPATCH_SLACK_BOT_TOKEN, DISPATCH_GITHUB_TOKEN, DISPATCH_PAGERDUTY_ROUTING_KEY / _API_TOKEN), at the URL given by
 * DISPATCH_SLACK_API_URL, DISPATCH_GITHUB_API_URL, DISPATCH_PAGERDUTY_EVENTS_URL / _API_URL.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { InProcessJobs } from '../../lambdas/adapters/jobs.ts';
import { InProcessTimers } from '../../lambdas/adapters/scheduler-timers.ts';
import { createLedgerTable } from '../../lambdas/adapters/ledger-table.ts';
import { EnvSecrets } from '../../lambdas/adapters/ssm-secrets.ts';
import type { TriageJob } from '../../lambdas/core/ports.ts';
import { runTriageJob } from '../../lambdas/core/triage-work.ts';
import { createHandler } from '../../lambdas/incoming/handler.ts';
import { SECRET, parseEnv } from '../../lambdas/shared/env.ts';
import { systemClock } from '../../lambdas/shared/logger.ts';
import { buildRouteDeps, buildTriageWorkDeps } from '../../lambdas/shared/wiring.ts';
import { buildTriageDeps } from '../../lambdas/shared/wiring-triage.ts';
import { createTriageHandler } from '../../lambdas/triage/handler.ts';
import { startFakeGitHub, type FakeGitHub } from './fake-github.ts';
import { startFakePagerDuty, type FakePagerDuty } from './fake-pagerduty.ts';
import { FAKE_SLACK_STRANGER, startFakeSlack, type FakeSlack } from './fake-slack.ts';
import type { FakeBehaviour } from './http.ts';
import { startLedgerStore } from './ledger-store.ts';
import { Activity } from './activity.ts';
import { emptyTable } from './sandbox-reset.ts';
import { localEvents, type LocalEventBus } from './event-bus.ts';
import { sandboxServer } from './sandbox-server.ts';

export interface SandboxOptions {
  port?: number;
  /** The address to listen on: 127.0.0.1 unless given (e.g. 0.0.0.0 for every interface). */
  host?: string;
  /** Environment variables to read settings and real-service credentials from (process.env by default). */
  source?: Record<string, string | undefined>;
  /** Where log lines go (none by default: the page shows what happened). */
  write?: (line: string) => void;
  /** Latency and rate limits of the fakes. */
  fakes?: FakeBehaviour;
}

export interface Sandbox {
  url: string;
  slack?: FakeSlack | undefined;
  github?: FakeGitHub | undefined;
  pagerduty?: FakePagerDuty | undefined;
  jobs: InProcessJobs;
  signingSecret: string;
  /** This start's secret for /sandbox/*: the page gets it from GET /, requests carry it in x-dispatch-sandbox-token. */
  token: string;
  /** Which vendors are real, which are fakes. */
  modes: Record<'slack' | 'github' | 'pagerduty', 'fake' | 'real'>;
  /** What happened to each alarm, in words (the page's timeline). */
  activity: Activity;
  /** The built-in event bus; undefined when events go to AWS_ENDPOINT_URL_EVENTBRIDGE. */
  events: LocalEventBus | undefined;
  /** Empties the fakes, the ledger and the timeline (the page's Reset button). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Attempts of a triage job before InProcessJobs dead-letters it (its default). */
const JOB_ATTEMPTS = 3;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const closers: (() => Promise<void>)[] = [];
  try {
    return await start(options, closers);
  } catch (error) {
    // Whatever started before the failure (the embedded ledger, a fake) would keep the process alive: a busy port
    // must end `npm start`, not leave it hanging.
    for (const close of closers.reverse()) await close().catch(() => {});
    throw error;
  }
}

async function start(options: SandboxOptions, closers: (() => Promise<void>)[]): Promise<Sandbox> {
  const source = options.source ?? process.env;
  // AWS_ENDPOINT_URL_DYNAMODB (from the runner's settings): an external store; else an embedded one.
  const ledgerStore = await startLedgerStore(source);
  closers.push(() => ledgerStore.close());
  const dynamodb = ledgerStore.client;
  // Its keep-alive sockets would hold the ledger server open.
  closers.push(async () => dynamodb.destroy());
  const table = 'dispatch-local-ledger';
  await createLedgerTable(dynamodb, table);

  // The page links issues and incidents to itself, so the runner's own address is reserved first.
  const web = await sandboxServer.listen(options.port ?? 3000, options.host);
  closers.push(() => web.close());

  const secrets: Record<string, string | undefined> = {
    [SECRET.slackSigningSecret]:
      source.DISPATCH_SLACK_SIGNING_SECRET || `sandbox-${randomBytes(16).toString('hex')}`,
  };
  const env: Record<string, string | undefined> = {
    DISPATCH_GITHUB_OWNER: 'acme',
    DISPATCH_GITHUB_DEFAULT_REPO: 'security-alarms',
    DISPATCH_GITHUB_DEFAULT_USER: 'acme/security',
    DISPATCH_SLACK_DEFAULT_CHANNEL: 'C0SECURITY',
    ...pick(source, /^DISPATCH_/),
    DISPATCH_SSM_PREFIX: undefined,
    // Without a dead-letter queue the handler throws a rejected alarm, and POST /alarms answers 400 with its problems.
    DISPATCH_DEAD_LETTER_QUEUE_URL: undefined,
  };
  // Named producers as in cdk.json; each gets a made-up topic, which POST /alarms?producer=NAME arrives on.
  const producerTopics = localProducerTopics(source.DISPATCH_PRODUCERS);
  if (producerTopics) env.DISPATCH_PRODUCERS = producerTopics.json;
  const modes: Sandbox['modes'] = { slack: 'real', github: 'real', pagerduty: 'real' };

  // A vendor is external once its token or its URL is given (a self-hosted or test service may need no token);
  // otherwise a built-in fake on loopback stands in for it.
  const given = (...names: string[]) => names.some((n) => Boolean(source[n]));
  let slack: FakeSlack | undefined;
  if (given('DISPATCH_SLACK_BOT_TOKEN', 'DISPATCH_SLACK_API_URL')) {
    secrets[SECRET.slackBotToken] = source.DISPATCH_SLACK_BOT_TOKEN || 'xoxb-local';
  } else {
    slack = await startFakeSlack(options.fakes);
    closers.push(() => slack!.close());
    env.DISPATCH_SLACK_API_URL = `${slack.url}/api/`;
    secrets[SECRET.slackBotToken] = 'xoxb-sandbox';
    modes.slack = 'fake';
  }
  let github: FakeGitHub | undefined;
  if (given('DISPATCH_GITHUB_TOKEN', 'DISPATCH_GITHUB_APP_PRIVATE_KEY', 'DISPATCH_GITHUB_API_URL')) {
    secrets[SECRET.githubToken] = source.DISPATCH_GITHUB_TOKEN || 'ghp_local';
    secrets[SECRET.githubAppPrivateKey] = source.DISPATCH_GITHUB_APP_PRIVATE_KEY;
  } else {
    github = await startFakeGitHub({ ...options.fakes, htmlBase: web.url });
    closers.push(() => github!.close());
    env.DISPATCH_GITHUB_API_URL = github.url;
    secrets[SECRET.githubToken] = 'ghp_sandbox';
    modes.github = 'fake';
  }
  let pagerduty: FakePagerDuty | undefined;
  if (
    given(
      'DISPATCH_PAGERDUTY_ROUTING_KEY',
      'DISPATCH_PAGERDUTY_API_TOKEN',
      'DISPATCH_PAGERDUTY_EVENTS_URL',
      'DISPATCH_PAGERDUTY_API_URL',
    )
  ) {
    secrets[SECRET.pagerdutyRoutingKey] = source.DISPATCH_PAGERDUTY_ROUTING_KEY || 'R0LOCAL';
    // In Events mode the API token is optional (it resolves the service an alarm names): none unless given.
    secrets[SECRET.pagerdutyApiToken] =
      source.DISPATCH_PAGERDUTY_API_TOKEN ||
      (source.DISPATCH_PAGERDUTY_MODE === 'rest' ? 'local' : undefined);
  } else {
    pagerduty = await startFakePagerDuty({ ...options.fakes, htmlBase: web.url });
    closers.push(() => pagerduty!.close());
    env.DISPATCH_PAGERDUTY_MODE = 'events';
    env.DISPATCH_PAGERDUTY_EVENTS_URL = pagerduty.url;
    // The fake's REST API resolves the service an alarm names (PABC123 in the examples) to its own integration key.
    env.DISPATCH_PAGERDUTY_API_URL = pagerduty.url;
    secrets[SECRET.pagerdutyRoutingKey] = 'R0SANDBOX';
    secrets[SECRET.pagerdutyApiToken] = 'pd-sandbox';
    modes.pagerduty = 'fake';
  }

  env.DISPATCH_LEDGER_TABLE = table;
  const parsed = parseEnv(env);
  // Events go to AWS_ENDPOINT_URL_EVENTBRIDGE (from the runner's settings) when set, else to the built-in bus.
  const eventSink = localEvents(source, parsed.DISPATCH_EVENT_BUS);
  closers.push(async () => eventSink.close());
  const secretStore = new EnvSecrets(secrets);
  const activity = new Activity((key) => {
    const incident = pagerduty?.incidents.find((i) => i.dedupKey === key);
    return incident && { number: incident.number, title: incident.title };
  });
  const attempts = new WeakMap<TriageJob, number>();
  const jobs: InProcessJobs = new InProcessJobs(
    async (job) => {
      try {
        await runTriageJob(deps.work, job);
        activity.jobDone(job);
      } catch (error) {
        const attempt = (attempts.get(job) ?? 0) + 1;
        attempts.set(job, attempt);
        activity.jobFailed(job, error, attempt >= JOB_ATTEMPTS);
        throw error;
      }
    },
    { clock: systemClock, retryDelayMs: 500, attempts: JOB_ATTEMPTS },
  );
  // What the triage queues says whether it took an answer (the page's timeline).
  const queue = jobs.enqueue.bind(jobs);
  jobs.enqueue = async (job) => {
    activity.queued(job);
    return queue(job);
  };
  /** The use cases' dependencies; built again at each reset, so no cache outlives it. */
  let generation = 0;
  const build = () => {
    const mine = generation;
    // Prompt deadlines and reminders fire in this process, through the same worker queue as answers; a timer set
    // before a reset does nothing after it.
    const timers = new InProcessTimers(async (job) => (mine === generation ? jobs.enqueue(job) : undefined));
    const platform = {
      dynamodb,
      secrets: secretStore,
      write: options.write ?? (() => {}),
      timers,
      events: eventSink.events,
    };
    return {
      route: buildRouteDeps(parsed, platform),
      work: buildTriageWorkDeps(parsed, platform),
      triage: buildTriageDeps(parsed, { ...platform, jobs }),
    };
  };
  let deps = build();

  const reset = async () => {
    await jobs.idle();
    generation++;
    await emptyTable(dynamodb, table);
    deps = build();
    slack?.messages.splice(0);
    slack?.notices.splice(0);
    slack?.clearViews();
    github?.issues.splice(0);
    pagerduty?.incidents.splice(0);
    jobs.deadLetters.splice(0);
    activity.clear();
    eventSink.bus?.clear();
  };

  web.attach({
    incoming: createHandler(() => deps.route),
    triage: createTriageHandler(() => deps.triage),
    signingSecret: secrets[SECRET.slackSigningSecret]!,
    newMessageId: () => randomUUID(),
    alarmTopic: `${LOCAL_TOPIC}alarms`,
    producerTopics: producerTopics?.topics ?? {},
    state: () => ({
      modes,
      defaultChannel: parsed.DISPATCH_SLACK_DEFAULT_CHANNEL,
      // Whom the page's clicks may be sent as: the message's owner (by default), a responder, or a stranger.
      clickAs: { responders: parsed.DISPATCH_RESPONDERS, stranger: FAKE_SLACK_STRANGER },
      slack: slack ? { messages: slack.messages, notices: slack.notices, views: slack.views } : undefined,
      github: github ? { issues: github.issues } : undefined,
      pagerduty: pagerduty ? { incidents: pagerduty.incidents } : undefined,
      deadLetters: jobs.deadLetters.map((d) => ({
        job: d.job,
        error: String((d.error as Error).message ?? d.error),
      })),
      activity: activity.snapshot(),
      // What was published to the built-in bus, oldest first; none when events go to an external endpoint.
      events: eventSink.bus?.published,
      eventsEndpoint: eventSink.external,
    }),
    activity,
    reset,
    responseUrlBase: slack ? `${slack.url}/response` : undefined,
    slack,
    native: { sources: parsed.DISPATCH_SOURCES, people: parsed.DISPATCH_PEOPLE },
  });

  return {
    url: web.url,
    slack,
    github,
    pagerduty,
    jobs,
    modes,
    activity,
    events: eventSink.bus,
    reset,
    token: web.token,
    signingSecret: secrets[SECRET.slackSigningSecret]!,
    close: async () => {
      await jobs.idle();
      dynamodb.destroy();
      for (const close of closers.reverse()) await close();
    },
  };
}

const LOCAL_TOPIC = 'arn:aws:sns:local:000000000000:dispatch-local-';

/** Adds a topic to each producer of cdk.json's shape; anything malformed is left for parseEnv to name. */
function localProducerTopics(raw: string | undefined) {
  let map: unknown;
  try {
    map = raw ? JSON.parse(raw) : undefined;
  } catch {
    return undefined;
  }
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return undefined;
  const topics: Record<string, string> = {};
  const withTopics: Record<string, unknown> = {};
  for (const [name, producer] of Object.entries(map as Record<string, unknown>)) {
    topics[name] = `${LOCAL_TOPIC}producer-${name}`;
    withTopics[name] =
      typeof producer === 'object' && producer !== null ? { ...producer, topicArn: topics[name] } : producer;
  }
  return { topics, json: JSON.stringify(withTopics) };
}

function pick(source: Record<string, string | undefined>, pattern: RegExp): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter(
      (e): e is [string, string] => pattern.test(e[0]) && e[1] !== undefined && e[1] !== '',
    ),
  );
}
