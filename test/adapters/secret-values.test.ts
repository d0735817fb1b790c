/**
 * Regression, issue 13 item 6: a malformed routing-key JSON put the key's first characters into the log, the HTTP
 * 502, the dead-letter reason and the user's DM, because JSON.parse quotes its input. fetch does the same with a
 * token that has a line break in it. Errors about a secret name the secret and the fault, never the value.
 */
import nock from 'nock';
import { checkGitHub, checkPagerDuty, checkSlack } from '../../bin/cli/doctor.ts';
import { describe, expect, it } from 'vitest';
import { appJwt } from '../../lambdas/adapters/github-app-token.ts';
import { EventsPager, parseRoutingKeys } from '../../lambdas/adapters/pagerduty-pager.ts';
import { optionalHeaderToken } from '../../lambdas/adapters/secret-values.ts';
import { ConfigError, DispatchError } from '../../lambdas/core/errors.ts';
import { receiveAlarm } from '../../lambdas/core/receive.ts';
import { jsonLogger } from '../../lambdas/shared/logger.ts';
import { buildRouteDeps } from '../../lambdas/shared/wiring.ts';
import { EnvironmentConfigSchema } from '../../lib/config.ts';
import { fakeDeps } from '../fakes/route-deps.ts';
import { testEnv } from '../helpers/env.ts';
import { recordingClock, useNock } from '../helpers/nock.ts';

useNock();

const KEY = 'R0q7ZxW9vKp2LmT4NcY8';

/** Every four-character piece of the secret found in the error, its causes and their stacks. */
function leaked(error: unknown, secret: string, more = ''): string[] {
  const texts = [more];
  for (let e = error as { message?: string; stack?: string; cause?: unknown } | undefined; e;) {
    texts.push(String(e.message), String(e.stack));
    e = e.cause as typeof e;
  }
  const all = texts.join('\n');
  const pieces = Array.from({ length: secret.length - 3 }, (_, i) => secret.slice(i, i + 4));
  return pieces.filter((p) => all.includes(p));
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  await expect(promise).rejects.toBeInstanceOf(Error);
  return promise.then(
    () => new Error('resolved'),
    (error: unknown) => error as Error,
  );
}

const pager = (routingKey: string) =>
  new EventsPager({ routingKey: async () => routingKey, timeoutMs: 300, clock: recordingClock() });

const page = {
  dedupKey: 'high-priority:abc',
  summary: 'Root login',
  severity: 'critical' as const,
  details: {},
};

describe('a malformed routing-key secret (issue 13 item 6)', () => {
  it.each([
    ['an unquoted value', `{"default": ${KEY}}`],
    ['a value cut short', `{"default":"${KEY}`],
    ['single quotes', `{'default': '${KEY}'}`],
    ['a trailing comma', `{"default": "${KEY}",}`],
    ['an unquoted service ID', `{"default": "R0AAAA", PSEC: "${KEY}"}`],
  ])(
    'with %s fails naming pagerduty/routing-key and the fault, and no part of the key',
    async (_what, secret) => {
      // Act
      const error = await failure(pager(secret).trigger(page));
      // Assess
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(
        /^secret pagerduty\/routing-key is not valid JSON\b.*\(the value is not shown\)$/,
      );
      expect(error).toMatchObject({ code: 'CONFIG_INVALID', retryable: false });
      expect(leaked(error, KEY)).toEqual([]);
    },
  );

  it('says so when the JSON is not a map of keys, again without the value', () => {
    // Act / Assess
    for (const secret of [`{"default": ["${KEY}"]}`, `{"default": {"key": "${KEY}"}}`, '{"default": ""}']) {
      expect(() => parseRoutingKeys(secret)).toThrow(
        /^secret pagerduty\/routing-key is JSON but not a routing key, or a JSON object of routing keys/,
      );
      expect(
        leaked(
          catching(() => parseRoutingKeys(secret)),
          KEY,
        ),
      ).toEqual([]);
    }
  });

  it('reaches neither the log nor the dead-letter reason when a high-priority alarm pages', async () => {
    // Prepare
    const lines: string[] = [];
    const deps = {
      ...fakeDeps(),
      pager: pager(`{"default": ${KEY}}`),
      log: jsonLogger({ service: 'dispatch-incoming' }, (l) => lines.push(l)),
    };
    const alarm = JSON.stringify({ type: 'high-priority', body: { pagerduty: { title: 'Root login' } } });
    // Act
    const error = await failure(receiveAlarm(deps, { messageId: 'm1', body: alarm }));
    // Assess: the error's message is what Lambda puts in the dead-letter record and the local runner answers.
    expect(error.message).toContain('pagerduty/routing-key is not valid JSON');
    expect(leaked(error, KEY, lines.join('\n'))).toEqual([]);
  });
});

function catching(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}

describe('tokens sent in HTTP headers', () => {
  const TOKEN = `${KEY}\nJq4Wm8Xz2Bv6`;
  const wired = (values: Record<string, string>, extra: Record<string, string> = {}) =>
    buildRouteDeps(testEnv({ DISPATCH_LEDGER_TABLE: 'ledger', ...extra }), {
      secrets: { get: async (name) => values[name] ?? '' },
      write: () => {},
    });

  it.each([
    ['slack/bot-token', (d: ReturnType<typeof wired>) => d.chat.post('U1', { text: 'hi', blocks: [] })],
    [
      'github/token',
      (d: ReturnType<typeof wired>) =>
        d.tracker.create({ owner: 'acme', repo: 'alarms' }, { title: 't', body: 'b', labels: [] }),
    ],
  ])('%s with a line break fails naming the secret, and fetch never quotes it', async (name, call) => {
    // Prepare
    const deps = wired({ 'slack/bot-token': 'xoxb-1', 'github/token': 'ghp_1', [name]: `xoxb-${TOKEN}` });
    // Act
    const error = await failure(call(deps));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(new RegExp(`^secret ${name} contains a line break`));
    expect(leaked(error, TOKEN)).toEqual([]);
  });

  it('pagerduty/api-token with a line break fails the same way in REST mode', async () => {
    // Prepare
    const deps = wired(
      { 'pagerduty/api-token': TOKEN },
      {
        DISPATCH_PAGERDUTY_MODE: 'rest',
        DISPATCH_PAGERDUTY_SERVICE_ID: 'PDEF',
        DISPATCH_PAGERDUTY_FROM: 'a@b.co',
      },
    );
    // Act
    const error = await failure(deps.pager.trigger(page));
    // Assess
    expect(error.message).toMatch(/^secret pagerduty\/api-token contains a line break/);
    expect(leaked(error, TOKEN)).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('the optional PagerDuty API token in Events mode (issue 13)', () => {
  const wired = (values: Record<string, string>) =>
    buildRouteDeps(testEnv({ DISPATCH_LEDGER_TABLE: 'ledger' }), {
      secrets: { get: async (name) => values[name] ?? '' },
      write: () => {},
    });
  const toDefault = () =>
    nock('https://events.pagerduty.com')
      .post('/v2/enqueue', (b) => b.routing_key === 'R0DEFAULT')
      .reply(202, {});

  it('with a line break: the alarm still pages (the default service), naming the secret and not its value', async () => {
    // Prepare
    const token = `${KEY}\nJq4Wm8Xz2Bv6`;
    const deps = wired({ 'pagerduty/routing-key': 'R0DEFAULT', 'pagerduty/api-token': token });
    const event = toDefault();
    // Act
    const result = await deps.pager.trigger({ ...page, service: 'PABC123' });
    // Assess
    expect(event.isDone()).toBe(true);
    expect(result.note).toMatch(
      /^service PABC123 could not be looked up: secret pagerduty\/api-token contains a line break/,
    );
    expect(leaked(undefined, token, result.note)).toEqual([]);
  });

  it('not stored: read once, then known to be missing for a while', async () => {
    // Prepare
    const asked: string[] = [];
    const clock = recordingClock();
    const read = optionalHeaderToken(
      {
        get: async (name) => {
          asked.push(name);
          throw new DispatchError('SECRET_MISSING', `secret ${name} is not set`);
        },
      },
      'pagerduty/api-token',
      clock,
    );
    // Act
    const values = [await read(), await read()];
    clock.now = () => Date.parse('2026-11-23T09:05:01Z');
    values.push(await read());
    // Assess
    expect(values).toEqual([undefined, undefined, undefined]);
    expect(asked).toEqual(['pagerduty/api-token', 'pagerduty/api-token']);
  });
});

describe('a malformed GitHub App private key', () => {
  it('fails naming github/app-private-key, and no part of the key', () => {
    // Prepare
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${KEY}${KEY}\n-----END RSA PRIVATE KEY-----`;
    // Act
    const error = catching(() => appJwt('12345', pem, Date.now()));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /^secret github\/app-private-key is not an RSA private key in PEM form/,
    );
    expect(leaked(error, KEY)).toEqual([]);
  });
});

describe('dispatch doctor', () => {
  const config = (pagerduty: Record<string, unknown> = {}) =>
    EnvironmentConfigSchema.parse({
      github: { owner: 'acme', defaultRepo: 'alarms', defaultUser: 'acme/security' },
      slack: { defaultChannel: 'C0123456789' },
      pagerduty,
    });

  it('reports a malformed routing key, or a token with a line break, by name and without the value', async () => {
    // Prepare
    const token = `${KEY}\nJq4Wm8Xz2Bv6`;
    // Act
    const checks = [
      await checkPagerDuty(`{"default": ${KEY}}`, config()),
      await checkPagerDuty(token, config({ mode: 'rest', serviceId: 'PDEF', from: 'a@b.co' })),
      ...(await checkSlack(`xoxb-${token}`, config())),
      ...(await checkGitHub(`ghp_${token}`, config())),
    ];
    // Assess
    expect(checks.map((c) => [c.ok, c.line.split(' ').slice(0, 4).join(' ')])).toEqual([
      [false, 'secret pagerduty/routing-key is not'],
      [false, 'secret pagerduty/api-token contains a'],
      [false, 'secret slack/bot-token contains a'],
      [false, 'secret github/token contains a'],
    ]);
    expect(leaked(undefined, token, checks.map((c) => c.line).join('\n'))).toEqual([]);
  });
});
