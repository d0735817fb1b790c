import { createVerify, generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { GitHubAppToken, appJwt } from '../../lambdas/adapters/github-app-token.ts';
import { GitHubIssues } from '../../lambdas/adapters/github-issues.ts';
import { FakeClock } from '../fakes/clock.ts';
import { useNock } from '../helpers/nock.ts';

useNock();

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

function decode(jwt: string) {
  const [h, p, sig] = jwt.split('.');
  const valid = createVerify('RSA-SHA256')
    .update(`${h}.${p}`)
    .verify(publicKey, Buffer.from(sig!, 'base64url'));
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString()),
    valid,
  };
}

const app = (clock: FakeClock) =>
  new GitHubAppToken({
    appId: '4242',
    installationId: '777',
    privateKey: async () => PEM,
    timeoutMs: 1000,
    clock,
  });

describe('GitHub App authentication', () => {
  it('signs an RS256 JWT for the app, issued a minute back and valid under ten minutes', () => {
    // Act
    const { header, payload, valid } = decode(appJwt('4242', PEM, Date.parse('2026-11-23T09:00:00Z')));
    // Assess
    expect(valid).toBe(true);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
    const now = Date.parse('2026-11-23T09:00:00Z') / 1000;
    expect(payload).toEqual({ iss: '4242', iat: now - 60, exp: now + 540 });
  });

  it('exchanges the JWT for an installation token and caches it until five minutes before expiry', async () => {
    // Prepare
    const clock = new FakeClock();
    const expires = new Date(clock.now() + 60 * 60_000).toISOString();
    let seen = '';
    nock('https://api.github.com')
      .post('/app/installations/777/access_tokens')
      .matchHeader('authorization', (v) => ((seen = v), v.startsWith('Bearer ')))
      .reply(201, { token: 'ghs_first', expires_at: expires })
      .post('/app/installations/777/access_tokens')
      .reply(201, { token: 'ghs_second', expires_at: new Date(clock.now() + 2 * 60 * 60_000).toISOString() });
    const tokens = app(clock);
    // Act
    const first = await tokens.token();
    const cached = await tokens.token();
    clock.advance(55 * 60_000 + 1);
    const refreshed = await tokens.token();
    // Assess
    expect([first, cached, refreshed]).toEqual(['ghs_first', 'ghs_first', 'ghs_second']);
    expect(decode(seen.slice('Bearer '.length)).valid).toBe(true);
  });

  it('says what to check when GitHub refuses the app', async () => {
    // Prepare
    nock('https://api.github.com')
      .post('/app/installations/777/access_tokens')
      .reply(404, { message: 'Not Found' });
    // Act / Assess
    await expect(app(new FakeClock()).token()).rejects.toThrow(
      'github: app token answered HTTP 404: check the installation ID',
    );
  });

  it('creates issues as the app installation', async () => {
    // Prepare
    const clock = new FakeClock();
    nock('https://api.github.com')
      .post('/app/installations/777/access_tokens')
      .reply(201, { token: 'ghs_install', expires_at: new Date(clock.now() + 3_600_000).toISOString() });
    const create = nock('https://api.github.com', { reqheaders: { authorization: 'token ghs_install' } })
      .post('/repos/acme/alarms/issues')
      .reply(201, { number: 3, html_url: 'https://github.com/acme/alarms/issues/3' });
    const tokens = app(clock);
    const github = new GitHubIssues({ token: () => tokens.token(), timeoutMs: 1000, clock });
    // Act
    await github.create({ owner: 'acme', repo: 'alarms' }, { title: 't', body: 'b', labels: [] });
    // Assess
    expect(create.isDone()).toBe(true);
  });
});
