import { SSMClient } from '@aws-sdk/client-ssm';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { SsmSecrets } from '../../lambdas/adapters/ssm-secrets.ts';
import { FakeClock } from '../fakes/clock.ts';
import { useNock } from '../helpers/nock.ts';

useNock();

const SSM = 'https://ssm.us-east-1.amazonaws.com';
const ssm = () =>
  new SSMClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
  });

function getParameters(names: string[], values: Record<string, string>) {
  return nock(SSM, { reqheaders: { 'x-amz-target': 'AmazonSSM.GetParameters' } })
    .post('/', { Names: names, WithDecryption: true })
    .reply(200, {
      Parameters: Object.entries(values).map(([Name, Value]) => ({ Name, Value, Type: 'SecureString' })),
      InvalidParameters: names.filter((n) => !(n in values)),
    });
}

describe('SsmSecrets', () => {
  it('fetches every secret of the function in one call, then serves them from the cache', async () => {
    // Prepare
    const scope = getParameters(['/dispatch/prod/slack/bot-token', '/dispatch/prod/github/token'], {
      '/dispatch/prod/slack/bot-token': 'xoxb-1',
      '/dispatch/prod/github/token': 'ghp_1',
    });
    const secrets = new SsmSecrets(ssm(), new FakeClock(), {
      prefix: '/dispatch/prod',
      names: ['slack/bot-token', 'github/token'],
    });
    // Act
    const values = [
      await secrets.get('slack/bot-token'),
      await secrets.get('github/token'),
      await secrets.get('slack/bot-token'),
    ];
    // Assess
    expect(values).toEqual(['xoxb-1', 'ghp_1', 'xoxb-1']);
    expect(scope.isDone()).toBe(true);
  });

  it('fetches again after the TTL, so a rotated token is used without a deploy', async () => {
    // Prepare
    const clock = new FakeClock();
    getParameters(['/d/slack/bot-token'], { '/d/slack/bot-token': 'xoxb-old' });
    getParameters(['/d/slack/bot-token'], { '/d/slack/bot-token': 'xoxb-new' });
    const secrets = new SsmSecrets(ssm(), clock, { prefix: '/d', names: ['slack/bot-token'], ttlMs: 60_000 });
    await secrets.get('slack/bot-token');
    clock.advance(60_001);
    // Act / Assess
    expect(await secrets.get('slack/bot-token')).toBe('xoxb-new');
  });

  it('names a missing parameter and the command that creates it', async () => {
    // Prepare
    getParameters(['/dispatch/prod/github/token'], {});
    const secrets = new SsmSecrets(ssm(), new FakeClock(), {
      prefix: '/dispatch/prod',
      names: ['github/token'],
    });
    // Act / Assess
    await expect(secrets.get('github/token')).rejects.toThrow(
      "SSM parameter /dispatch/prod/github/token does not exist: create it with aws ssm put-parameter --type SecureString --name /dispatch/prod/github/token --value '…'",
    );
  });

  it('reports SSM being unreachable as retryable', async () => {
    // Prepare
    nock(SSM).post('/').reply(500, { __type: 'InternalServerError', message: 'boom' });
    const secrets = new SsmSecrets(ssm(), new FakeClock(), { prefix: '/d', names: ['x'] });
    // Act / Assess
    await expect(secrets.get('x')).rejects.toMatchObject({ vendor: 'ssm', retryable: true });
  });
});
