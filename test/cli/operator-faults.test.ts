/**
 * Issue 17: each operator fault a newcomer hit gets an error that names the fault and the next command to run,
 * never an SDK message about something else ("Region is missing") or a count that reads like success.
 */
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../bin/dispatch.ts';
import { originalExamples } from '../fixtures/alarms/original-readme.ts';
import { fakeIo } from '../helpers/cli-io.ts';
import { useNock } from '../helpers/nock.ts';

useNock();

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:Dispatch-prod-Alarms';
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/Dispatch-prod-DeadLetters';

describe('dispatch doctor (issue 17)', () => {
  it('without --env, asks for it, lists the environments and gives the command, not a deploy', async () => {
    // Prepare
    const { io, stderr } = fakeIo();
    // Act
    const code = await main(['doctor'], io);
    // Assess
    expect(code).toBe(2);
    expect(stderr.join('\n')).toMatch(/--env NAME \(cdk\.json has example, example-rest\)/);
    expect(stderr.join('\n')).toContain('npx dispatch doctor --env example');
    expect(stderr.join('\n')).not.toContain('cdk deploy');
  });

  it('with an unknown --env, names it and gives a command that works', async () => {
    const { io, stderr } = fakeIo();
    expect(await main(['doctor', '--env', 'prod'], io)).toBe(2);
    expect(stderr[0]).toContain('No environment "prod"');
    expect(stderr[0]).toContain('e.g. npx dispatch doctor --env example');
  });

  describe('without an AWS region (none in cdk.json, the environment or a profile)', () => {
    beforeEach(() => {
      vi.stubEnv('AWS_REGION', undefined);
      vi.stubEnv('AWS_DEFAULT_REGION', undefined);
      vi.stubEnv('AWS_PROFILE', undefined);
      vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
      vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    });
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it('says the region is missing, how to give it, and the command to run again', async () => {
      // Prepare: the real SSM client, which fails before any request.
      const { io, stderr } = fakeIo();
      // Act
      const code = await main(['doctor', '--env', 'example'], io);
      // Assess
      expect(code).toBe(1);
      expect(stderr[0]).toMatch(/^reading \/dispatch\/example\/\*: no AWS region is set\. Give --region/);
      expect(stderr[0]).toContain('npx dispatch doctor --env example --region eu-west-1');
      expect(stderr[0]).not.toContain('Error: Region is missing');
    });
  });
});

describe('dispatch send (issue 17)', () => {
  it('refuses a --topic that is not an SNS topic ARN, and says where the ARN is', async () => {
    // Prepare
    const { io, stderr } = fakeIo({ 'a.json': originalExamples.nag! });
    // Act
    const code = await main(['send', 'a.json', '--topic', 'foo'], io);
    // Assess
    expect(code).toBe(2);
    expect(stderr[0]).toContain('--topic "foo" is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME');
    expect(stderr[0]).toContain('AlarmTopicArn');
    expect(stderr[0]).toContain('aws cloudformation describe-stacks --stack-name Dispatch-<env>');
    expect(stderr.join('\n')).not.toMatch(/Region is missing/);
  });

  it('names a file that does not exist', async () => {
    const { io, stderr } = fakeIo();
    expect(await main(['send', 'examples/nope.json', '--topic', TOPIC], io)).toBe(1);
    expect(stderr).toEqual([
      'examples/nope.json: no such file; check the path (e.g. examples/self-service.json)',
    ]);
  });
});

describe('dispatch redrive (issue 17)', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());

  it('a dry run that fails says nothing was changed, why, and the command to run again', async () => {
    // Prepare
    sqs
      .on(ReceiveMessageCommand)
      .rejects(
        Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' }),
      );
    const { io, stdout, stderr } = fakeIo();
    // Act
    const code = await main(['redrive', '--queue', QUEUE, '--topic', TOPIC, '--dry-run'], io);
    // Assess
    expect(code).toBe(1);
    expect(stdout.join('\n')).not.toMatch(/Republished/);
    expect(stdout).toEqual(['Dry run stopped by the error after 0 messages; nothing was changed.']);
    expect(stderr[0]).toMatch(/^redrive --dry-run: not found \(The specified queue does not exist\.\)/);
    expect(stderr[0]).toContain('Check the ARN or URL against the stack outputs');
    expect(stderr[0]).toContain(`then run: npx dispatch redrive --queue ${QUEUE} --topic ${TOPIC} --dry-run`);
  });

  it('a dry run without credentials says how to get them, then the same command', async () => {
    // Prepare
    sqs
      .on(ReceiveMessageCommand)
      .rejects(Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }));
    const { io, stdout, stderr } = fakeIo();
    // Act
    await main(['redrive', '--queue', QUEUE, '--topic', TOPIC, '--dry-run'], io);
    // Assess
    expect(stderr[0]).toContain('no valid AWS credentials');
    expect(stderr[0]).toContain('aws sso login');
    expect(stderr[0]).toContain('then run: npx dispatch redrive');
    expect(stdout.at(-1)).toContain('nothing was changed');
  });

  it('refuses a --queue or --topic of the wrong shape before calling AWS', async () => {
    // Act
    const badQueue = fakeIo();
    const badTopic = fakeIo();
    const queueCode = await main(['redrive', '--queue', 'DeadLetters', '--topic', TOPIC], badQueue.io);
    const topicCode = await main(['redrive', '--queue', QUEUE, '--topic', 'Alarms'], badTopic.io);
    // Assess
    expect([queueCode, topicCode]).toEqual([2, 2]);
    expect(badQueue.stderr[0]).toContain('--queue "DeadLetters" is not an SQS queue URL');
    expect(badQueue.stderr[0]).toContain('DeadLetterQueueUrl');
    expect(badTopic.stderr[0]).toContain('--topic "Alarms" is not an SNS topic ARN');
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
  });
});
