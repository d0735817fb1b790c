/**
 * Fault injection: for each downstream (Slack, GitHub, PagerDuty, DynamoDB, SSM) and each failure (timeout,
 * connection reset before or after the vendor acted, 5xx, 429 with Retry-After, malformed answer), an alarm is
 * delivered exactly once after Lambda's retries, or dead-lettered with its reason; never duplicated, never dropped.
 *
 * Everything is real but the vendors: the incoming handler, the SDK clients, the ledger on a DynamoDB-compatible
 * server. Faults are injected by the loopback fakes (and a proxy in front of the ledger, a fake SSM).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_GITHUB_LOGIN, startFakeGitHub, type FakeGitHub } from '../../bin/local/fake-github.ts';
import { startFakePagerDuty, type FakePagerDuty } from '../../bin/local/fake-pagerduty.ts';
import { FAKE_SLACK_BOT, startFakeSlack, type FakeSlack } from '../../bin/local/fake-slack.ts';
import { route, serve, type Fault, type Running } from '../../bin/local/http.ts';
import { createLedgerTable } from '../../lambdas/adapters/ledger-table.ts';
import { SsmSecrets } from '../../lambdas/adapters/ssm-secrets.ts';
import { createHandler } from '../../lambdas/incoming/handler.ts';
import { parseEnv } from '../../lambdas/shared/env.ts';
import { buildRouteDeps } from '../../lambdas/shared/wiring.ts';

type Downstream = 'slack' | 'github' | 'pagerduty' | 'dynamodb' | 'ssm';
const FAULTS: Fault[] = ['timeout', 'reset', 'lost', '5xx', '429', 'malformed'];

/** Which request of each downstream the fault hits: the one that does the work. */
const TARGET: Record<
  Downstream,
  (req: { method: string; path: string; headers: Record<string, unknown> }) => boolean
> = {
  slack: (r) => r.path === '/api/chat.postMessage',
  github: (r) => r.method === 'POST' && /\/issues$/.test(r.path),
  pagerduty: (r) => r.path === '/v2/enqueue',
  dynamodb: (r) => r.headers['x-amz-target'] === 'DynamoDB_20120810.UpdateItem',
  ssm: (r) => r.headers['x-amz-target'] === 'AmazonSSM.GetParameters',
};

let dynamo: { url: string; close(): Promise<void> };
beforeAll(async () => {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  dynamo = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
});
afterAll(async () => {
  await dynamo.close();
});

let tables = 0;

/** One world per case: fakes, a faulty ledger proxy, a fake SSM, and the incoming handler wired to them. */
async function world(downstream: Downstream, fault: Fault, times: number) {
  let remaining = times;
  const inject =
    (d: Downstream) => (req: { method: string; path: string; headers: Record<string, unknown> }) => {
      if (d !== downstream || !TARGET[d](req) || remaining <= 0) return undefined;
      remaining--;
      return fault;
    };
  const slack = await startFakeSlack({ fault: inject('slack') });
  const github = await startFakeGitHub({ fault: inject('github') });
  const pagerduty = await startFakePagerDuty({ fault: inject('pagerduty') });
  const ledgerProxy = await serve(
    [
      route('POST', '/', async (req) => {
        const res = await fetch(dynamo.url, {
          method: 'POST',
          headers: Object.fromEntries(
            ['content-type', 'x-amz-target', 'authorization', 'x-amz-date'].map((h) => [
              h,
              String(req.headers[h] ?? ''),
            ]),
          ),
          body: req.raw,
        });
        return {
          status: res.status,
          body: await res.text(),
          headers: { 'content-type': res.headers.get('content-type') ?? 'application/x-amz-json-1.0' },
        };
      }),
    ],
    { fault: inject('dynamodb') },
  );
  const ssm = await serve(
    [
      route('POST', '/', ({ body }) => ({
        status: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: {
          Parameters: (body.Names as string[]).map((Name) => ({
            Name,
            Value: Name.endsWith('routing-key') ? 'R0FAULTS' : 'xoxb-or-ghp-faults',
            Type: 'SecureString',
          })),
          InvalidParameters: [],
        },
      })),
    ],
    { fault: inject('ssm') },
  );
  const aws = {
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 2,
    requestHandler: { requestTimeout: 400, connectionTimeout: 400, throwOnRequestTimeout: true },
  };
  const dynamodb = new DynamoDBClient({ ...aws, endpoint: ledgerProxy.url });
  const table = `faults-${++tables}`;
  await createLedgerTable(new DynamoDBClient({ ...aws, endpoint: dynamo.url }), table);
  // Lambda retries a failed event after a minute or two: time moves on between attempts, so leases expire.
  let offset = 0;
  const clock = { now: () => Date.now() + offset, sleep: async (ms: number) => void (offset += ms) };
  const env = parseEnv({
    DISPATCH_GITHUB_OWNER: 'acme',
    DISPATCH_GITHUB_DEFAULT_REPO: 'alarms',
    DISPATCH_GITHUB_DEFAULT_USER: 'acme/security',
    DISPATCH_SLACK_DEFAULT_CHANNEL: 'C0SECURITY',
    DISPATCH_LEDGER_TABLE: table,
    DISPATCH_SLACK_API_URL: `${slack.url}/api/`,
    DISPATCH_GITHUB_API_URL: github.url,
    DISPATCH_PAGERDUTY_EVENTS_URL: pagerduty.url,
    DISPATCH_VENDOR_TIMEOUT_MS: '300',
    DISPATCH_LEASE_MS: '90000',
  });
  const secrets = new SsmSecrets(new SSMClient({ ...aws, endpoint: ssm.url }), clock, {
    prefix: '/dispatch/faults',
    names: ['slack/bot-token', 'github/token', 'pagerduty/routing-key'],
  });
  const handler = createHandler(() => buildRouteDeps(env, { dynamodb, secrets, clock, write: () => {} }));

  /** Delivers like Lambda: the first attempt and two retries, a minute or two apart. Returns the errors. */
  const deliver = async (message: string, messageId: string) => {
    const errors: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await handler({ Records: [{ Sns: { MessageId: messageId, Message: message } }] });
        return { delivered: true, errors };
      } catch (error) {
        errors.push((error as Error).message);
        offset += 120_000;
      }
    }
    return { delivered: false, errors };
  };
  const servers: Running[] = [slack, github, pagerduty, ledgerProxy, ssm];
  return {
    slack: slack as FakeSlack,
    github: github as FakeGitHub,
    pagerduty: pagerduty as FakePagerDuty,
    deliver,
    close: async () => {
      dynamodb.destroy();
      for (const s of servers) await s.close();
    },
  };
}

const selfService = (title: string) =>
  JSON.stringify({
    type: 'self-service',
    users: [{ slackId: 'U024BE7LH', github: 'alice' }],
    body: {
      github: { title, body: 'b' },
      slack: { message: 'm', prompt: 'p', actions: { yes: 'y', no: 'n' } },
    },
  });
const highPriority = (title: string) =>
  JSON.stringify({ type: 'high-priority', body: { pagerduty: { title } } });

function assertExactlyOnce(w: Awaited<ReturnType<typeof world>>, kind: 'self-service' | 'high-priority') {
  if (kind === 'self-service') {
    expect(w.github.issues).toHaveLength(1);
    expect(w.slack.messages.filter((m) => m.channel === 'D024BE7LH')).toHaveLength(1);
    expect(JSON.stringify(w.slack.messages[0]!.blocks)).toContain(w.github.issues[0]!.html_url);
  } else {
    expect(w.pagerduty.incidents).toHaveLength(1);
  }
}

const cases: [Downstream, Fault, 'self-service' | 'high-priority'][] = [];
for (const d of ['slack', 'github', 'pagerduty', 'dynamodb', 'ssm'] as Downstream[]) {
  for (const f of FAULTS) {
    if ((d === 'dynamodb' || d === 'ssm') && f === 'malformed') continue; // covered below for AWS: a 200 that is not JSON
    cases.push([d, f, d === 'pagerduty' ? 'high-priority' : 'self-service']);
  }
}

describe('one transient fault: delivered exactly once', () => {
  it.each(cases)('%s %s', async (downstream, fault, kind) => {
    // Prepare
    const w = await world(downstream, fault, 1);
    try {
      // Act
      const outcome = await w.deliver(
        kind === 'self-service' ? selfService('t') : highPriority('t'),
        'sns-1',
      );
      // Assess
      expect(outcome.delivered, outcome.errors.join(' | ')).toBe(true);
      assertExactlyOnce(w, kind);
    } finally {
      await w.close();
    }
  });

  it.each(['dynamodb', 'ssm'] as Downstream[])(
    '%s answering 200 with a body that is not JSON',
    async (downstream) => {
      // Prepare
      const w = await world(downstream, 'malformed', 1);
      try {
        // Act
        const outcome = await w.deliver(selfService('t'), 'sns-1');
        // Assess
        expect(outcome.delivered, outcome.errors.join(' | ')).toBe(true);
        assertExactlyOnce(w, 'self-service');
      } finally {
        await w.close();
      }
    },
  );
});

describe('a fault that outlasts every retry: dead-lettered with the reason, nothing duplicated', () => {
  it.each([
    ['slack', '5xx', /slack: chat\.postMessage answered HTTP 503/],
    ['github', '5xx', /github: create issue answered HTTP 503/],
    ['pagerduty', '5xx', /pagerduty: trigger event answered HTTP 503/],
    ['dynamodb', 'reset', /dynamodb: ledger/],
    ['ssm', '5xx', /ssm: cannot read parameters/],
  ] as [Downstream, Fault, RegExp][])('%s %s', async (downstream, fault, reason) => {
    // Prepare
    const w = await world(downstream, fault, Infinity);
    try {
      // Act
      const outcome = await w.deliver(
        downstream === 'pagerduty' ? highPriority('t') : selfService('t'),
        'sns-1',
      );
      // Assess
      expect(outcome.delivered).toBe(false);
      expect(outcome.errors.at(-1)).toMatch(reason);
      expect(w.github.issues.length).toBeLessThanOrEqual(1);
      expect(w.slack.messages.filter((m) => m.channel === 'D024BE7LH').length).toBeLessThanOrEqual(1);
      expect(w.pagerduty.incidents).toHaveLength(0);
    } finally {
      await w.close();
    }
  });
});

describe('duplicates under faults', () => {
  it('a duplicate SNS delivery after a lost answer changes nothing', async () => {
    // Prepare
    const w = await world('github', 'lost', 1);
    try {
      // Act
      await w.deliver(selfService('t'), 'sns-1');
      const again = await w.deliver(selfService('t'), 'sns-1');
      // Assess
      expect(again).toEqual({ delivered: true, errors: [] });
      assertExactlyOnce(w, 'self-service');
    } finally {
      await w.close();
    }
  });

  it('concurrent duplicates (same message twice, and a re-publish) while Slack times out once', async () => {
    // Prepare
    const w = await world('slack', 'timeout', 1);
    try {
      // Act
      const outcomes = await Promise.all([
        w.deliver(selfService('t'), 'sns-1'),
        w.deliver(selfService('t'), 'sns-1'),
        w.deliver(selfService('t'), 'sns-2'),
      ]);
      // Assess
      expect(outcomes.every((o) => o.delivered)).toBe(true);
      assertExactlyOnce(w, 'self-service');
    } finally {
      await w.close();
    }
  });
});

describe('a planted marker under faults (issue 12, attack 2)', () => {
  /** The victim's hidden markers, as an attacker predicts them (keys are hashes of public fields): a dry run. */
  async function predicted() {
    const dry = await world('github', '5xx', 0);
    try {
      await dry.deliver(selfService('victim'), 'sns-0');
      return {
        issueMarker: dry.github.issues[0]!.body.trimEnd().split('\n').at(-1)!,
        dmMetadata: dry.slack.messages.find((m) => m.channel === 'D024BE7LH')!.metadata!,
      };
    } finally {
      await dry.close();
    }
  }

  it.each(['5xx', 'reset'] as Fault[])(
    'GitHub %s on the create: a new issue is opened, the planted one is not adopted',
    async (fault) => {
      // Prepare: mallory opened an unrelated issue whose last line is the victim's marker.
      const { issueMarker } = await predicted();
      const w = await world('github', fault, 1);
      try {
        w.github.issues.push({
          owner: 'acme',
          repo: 'alarms',
          number: 1,
          title: 'Unrelated',
          body: `Nothing to see.\n${issueMarker}`,
          labels: [],
          state: 'open',
          html_url: 'https://github.com/acme/alarms/issues/1',
          comments: [],
          created_at: new Date().toISOString(),
          author: 'mallory',
        });
        // Act
        const outcome = await w.deliver(selfService('victim'), 'sns-1');
        // Assess
        expect(outcome.delivered, outcome.errors.join(' | ')).toBe(true);
        const ours = w.github.issues.filter((i) => i.author === FAKE_GITHUB_LOGIN);
        expect(ours).toHaveLength(1);
        const dm = w.slack.messages.find((m) => m.channel === 'D024BE7LH')!;
        expect(JSON.stringify(dm.blocks)).toContain(ours[0]!.html_url);
        expect(JSON.stringify(dm.blocks)).not.toContain('/issues/1"');
      } finally {
        await w.close();
      }
    },
  );

  it('Slack 5xx on the DM: a message another app posted with the key is not taken for it', async () => {
    // Prepare
    const { dmMetadata } = await predicted();
    const w = await world('slack', '5xx', 1);
    try {
      w.slack.messages.push({
        channel: 'D024BE7LH',
        ts: '1000000000.000001',
        text: 'not from Dispatch',
        blocks: [],
        metadata: dmMetadata,
        user: 'UMALLORY',
        bot_id: 'B0MALLORY',
        app_id: 'A0MALLORY',
      });
      // Act
      const outcome = await w.deliver(selfService('victim'), 'sns-1');
      // Assess
      expect(outcome.delivered, outcome.errors.join(' | ')).toBe(true);
      const ours = w.slack.messages.filter(
        (m) => m.channel === 'D024BE7LH' && m.bot_id === FAKE_SLACK_BOT.bot_id,
      );
      expect(ours).toHaveLength(1);
      expect(JSON.stringify(ours[0]!.blocks)).toContain(w.github.issues[0]!.html_url);
    } finally {
      await w.close();
    }
  });
});
