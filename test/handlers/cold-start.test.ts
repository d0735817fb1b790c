/**
 * Secrets load during Lambda's init (issue 14): importing a handler module in Lambda builds its deps and starts the
 * SSM fetch, so the first invocation's first vendor call does not wait for an SSM round trip. A fetch that fails
 * during init fails no init: the first invocation reports it, and the next one reads SSM again.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SsmSecrets } from '../../lambdas/adapters/ssm-secrets.ts';
import { depsAtColdStart } from '../../lambdas/shared/cold-start.ts';
import { FakeClock } from '../fakes/clock.ts';
import { freshTable, useDynalite } from '../helpers/dynalite.ts';
import { useNock } from '../helpers/nock.ts';

useNock();
const dynamo = useDynalite();

const SSM = 'https://ssm.us-east-1.amazonaws.com';
const SSM_MS = 300;
const SECRETS = {
  '/dispatch/cold/slack/bot-token': 'xoxb-cold',
  '/dispatch/cold/slack/signing-secret': '0123456789abcdef0123456789abcdef',
  '/dispatch/cold/github/token': 'ghp_cold',
  '/dispatch/cold/pagerduty/routing-key': 'R0COLD',
};

/** SSM answering GetParameters after SSM_MS; records when each request arrived. */
function slowSsm(asked: number[], status = 200) {
  return nock(SSM, { reqheaders: { 'x-amz-target': 'AmazonSSM.GetParameters' } })
    .post('/')
    .delay(SSM_MS)
    .reply((_uri, body) => {
      asked.push(performance.now());
      if (status !== 200) return [status, { __type: 'InternalServerError', message: 'unavailable' }];
      const names = (JSON.parse(String(body)) as { Names: string[] }).Names;
      return [
        200,
        {
          Parameters: names
            .filter((n) => n in SECRETS)
            .map((Name) => ({ Name, Value: SECRETS[Name as keyof typeof SECRETS], Type: 'SecureString' })),
        },
      ];
    });
}

async function lambdaEnv(extra: Record<string, string> = {}) {
  const table = await freshTable(dynamo());
  const env: Record<string, string> = {
    AWS_LAMBDA_FUNCTION_NAME: 'dispatch-test-fn',
    DISPATCH_GITHUB_OWNER: 'acme',
    DISPATCH_GITHUB_DEFAULT_REPO: 'alarms',
    DISPATCH_GITHUB_DEFAULT_USER: 'acme/security',
    DISPATCH_SLACK_DEFAULT_CHANNEL: 'C0DEFAULT',
    DISPATCH_LEDGER_TABLE: table,
    DISPATCH_DYNAMODB_ENDPOINT: dynamo().endpoint,
    DISPATCH_SSM_PREFIX: '/dispatch/cold',
    DISPATCH_STORM_WINDOW_SECONDS: '0',
    ...extra,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true); // the functions' JSON log lines
  vi.resetModules();
}

function snsEvent(message: unknown, id: string) {
  return { Records: [{ Sns: { MessageId: id, Message: JSON.stringify(message) } }] };
}

const highPriority = (title: string) => ({ type: 'high-priority', body: { pagerduty: { title } } });

const until = async (ready: () => boolean) => {
  for (let i = 0; i < 200 && !ready(); i++) await new Promise((r) => setTimeout(r, 10));
};

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('secrets at cold start (issue 14)', () => {
  it('starts the SSM fetch when the incoming module loads in Lambda; the first page does not wait for SSM', async () => {
    // Prepare
    await lambdaEnv();
    const asked: number[] = [];
    slowSsm(asked);
    let paged = 0;
    const pd = nock('https://events.pagerduty.com')
      .post('/v2/enqueue', (b) => b.routing_key === 'R0COLD')
      .reply(() => {
        paged = performance.now();
        return [202, { status: 'success' }];
      });
    // Act: the module loads (Lambda's init) and the rest of the cold start takes longer than SSM answers.
    const { handler } = await import('../../lambdas/incoming/handler.ts');
    await until(() => asked.length > 0);
    const beforeInvocation = asked.length;
    await new Promise((r) => setTimeout(r, SSM_MS + 100));
    const invoked = performance.now();
    await handler(snsEvent(highPriority('cold start'), 'cold-1'));
    // Assess
    expect(beforeInvocation).toBe(1);
    expect(asked).toHaveLength(1);
    expect(pd.isDone()).toBe(true);
    expect(paged - invoked).toBeLessThan(SSM_MS);
  });

  it('starts the fetch in the triage and worker modules too', async () => {
    // Prepare
    await lambdaEnv({ DISPATCH_TRIAGE_WORKER: 'dispatch-test-worker' });
    const asked: number[] = [];
    slowSsm(asked);
    slowSsm(asked);
    // Act
    await import('../../lambdas/triage/handler.ts');
    await import('../../lambdas/triage/worker.ts');
    await until(() => asked.length === 2);
    // Assess
    expect(asked).toHaveLength(2);
    await new Promise((r) => setTimeout(r, SSM_MS + 50)); // let the answers arrive before nock is cleaned up
  });

  it('a fetch that fails during init fails no init: the invocation reports it, and a later one succeeds', async () => {
    // Prepare: SSM is down while the module loads and during the first invocation.
    await lambdaEnv();
    const down = nock(SSM)
      .post('/')
      .reply(500, { __type: 'InternalServerError', message: 'unavailable' })
      .persist();
    const { handler } = await import('../../lambdas/incoming/handler.ts');
    // Act / Assess
    await expect(handler(snsEvent(highPriority('ssm down'), 'down-1'))).rejects.toMatchObject({
      vendor: 'ssm',
      retryable: true,
    });
    expect(down.isDone()).toBe(true);
    nock.cleanAll(); // SSM is back
    const asked: number[] = [];
    slowSsm(asked);
    const pd = nock('https://events.pagerduty.com').post('/v2/enqueue').reply(202, { status: 'success' });
    await handler(snsEvent(highPriority('ssm down'), 'down-1'));
    expect(asked).toHaveLength(1);
    expect(pd.isDone()).toBe(true);
  });

  it('outside Lambda, deps are built at the first invocation, without a fetch ahead of it', () => {
    // Prepare
    const built: boolean[] = [];
    const get = depsAtColdStart((p) => built.push(p.prefetchSecrets), {});
    // Act / Assess
    expect(built).toEqual([]);
    get();
    get();
    expect(built).toEqual([false]);
  });

  it('a build that throws during init is built again, and throws, on the invocation', () => {
    // Prepare
    let calls = 0;
    const get = depsAtColdStart(
      () => {
        calls++;
        throw new Error('DISPATCH_TRIAGE_WORKER is not set');
      },
      { AWS_LAMBDA_FUNCTION_NAME: 'f' },
    );
    // Act / Assess
    expect(calls).toBe(1);
    expect(() => get()).toThrow('DISPATCH_TRIAGE_WORKER is not set');
    expect(calls).toBe(2);
  });

  it('SsmSecrets.prefetch asks once for every name; get waits for that fetch instead of asking again', async () => {
    // Prepare
    const asked: number[] = [];
    slowSsm(asked);
    const secrets = new SsmSecrets(new SSMClient({ region: 'us-east-1', maxAttempts: 1 }), new FakeClock(), {
      prefix: '/dispatch/cold',
      names: ['slack/bot-token', 'github/token'],
    });
    // Act
    secrets.prefetch();
    const values = await Promise.all([secrets.get('slack/bot-token'), secrets.get('github/token')]);
    // Assess
    expect(values).toEqual(['xoxb-cold', 'ghp_cold']);
    expect(asked).toHaveLength(1);
  });

  it('SsmSecrets: a failed prefetch is thrown by the first get, without asking again; the next get asks again', async () => {
    // Prepare
    nock(SSM).post('/').reply(500, { __type: 'InternalServerError', message: 'unavailable' });
    const asked: number[] = [];
    const secrets = new SsmSecrets(new SSMClient({ region: 'us-east-1', maxAttempts: 1 }), new FakeClock(), {
      prefix: '/dispatch/cold',
      names: ['slack/bot-token'],
    });
    secrets.prefetch();
    // Act / Assess
    await expect(secrets.get('slack/bot-token')).rejects.toMatchObject({ vendor: 'ssm', retryable: true });
    slowSsm(asked);
    expect(await secrets.get('slack/bot-token')).toBe('xoxb-cold');
    expect(asked).toHaveLength(1);
  });
});
