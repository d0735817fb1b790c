/**
 * dispatch snooze, snoozes and unsnooze (issue 15): the ledger on dynalite, CloudFormation and Lambda mocked with
 * aws-sdk-client-mock.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../bin/dispatch.ts';
import { DynamoLedger } from '../../lambdas/adapters/dynamodb-ledger.ts';
import { freshTable, useDynalite } from '../helpers/dynalite.ts';
import { fakeIo } from '../helpers/cli-io.ts';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const dynamo = useDynalite();
beforeEach(() => {
  cfn.reset();
  lambda.reset();
});

const KEY = 'nag:0123456789abcdef0123456789abcdef';
const WORKER = 'Dispatch-prod-TriageWorker1A2B3C';
const HOUR = 3_600_000;

/** cdk.json with a `prod` environment, a ledger table with the alarm KEY, and the stack's outputs. */
async function setup(options: { known?: boolean } = {}) {
  const table = await freshTable(dynamo());
  const ledger = new DynamoLedger(dynamo().client, { now: Date.now, sleep: async () => {} }, { table });
  if (options.known ?? true) await ledger.join(KEY, 'sns-1');
  const cdk = JSON.parse(readFileSync('cdk.json', 'utf8')) as {
    context: { environments: Record<string, unknown> };
  };
  cdk.context.environments.prod = cdk.context.environments.example;
  cfn.on(DescribeStacksCommand, { StackName: 'Dispatch-prod' }).resolves({
    Stacks: [
      {
        StackName: 'Dispatch-prod',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [
          { OutputKey: 'LedgerTableName', OutputValue: table },
          { OutputKey: 'TriageWorkerName', OutputValue: WORKER },
        ],
      },
    ],
  });
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  const cli = (args: string[]) => {
    const { io, stdout, stderr } = fakeIo({ 'cdk.json': JSON.stringify(cdk) });
    io.env = {
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo().endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      USER: 'alice',
    };
    return main(args, io).then((code) => ({ code, stdout, stderr }));
  };
  const jobs = () =>
    lambda.commandCalls(InvokeCommand).map((c) => ({
      to: c.args[0].input.FunctionName,
      job: JSON.parse(Buffer.from(c.args[0].input.Payload as Uint8Array).toString('utf8')) as Record<
        string,
        unknown
      >,
    }));
  return { table, ledger, cli, jobs };
}

describe('dispatch snooze, snoozes, unsnooze', () => {
  it('snoozes a key, lists it, and ends it, handing the comment and the note to the triage worker', async () => {
    // Prepare
    const { ledger, cli, jobs } = await setup();
    const before = Date.now();
    // Act
    const snoozed = await cli([
      'snooze',
      KEY,
      '--for',
      '2h',
      '--reason',
      'disk replaced tonight',
      '--env',
      'prod',
    ]);
    const listed = await cli(['snoozes', '--env', 'prod']);
    const ended = await cli(['unsnooze', KEY, '--env', 'prod', '--by', 'bob']);
    const after = await cli(['snoozes', '--env', 'prod']);
    // Assess
    expect(snoozed.code).toBe(0);
    const snooze = (await ledger.get(KEY))!.snooze!;
    expect(snooze).toMatchObject({
      by: 'alice',
      via: 'cli',
      reason: 'disk replaced tonight',
      endedBy: 'bob',
    });
    expect(snooze.until - before).toBeGreaterThanOrEqual(2 * HOUR);
    expect(snooze.until - before).toBeLessThan(2 * HOUR + 60_000);
    expect(snoozed.stdout[0]).toMatch(
      new RegExp(`^Snoozed: ${KEY} until 20\\d\\d-.*Z \\(2h\\) by operator alice\\.`),
    );
    expect(snoozed.stdout[1]).toContain(`The triage worker (${WORKER}) writes the issue comment`);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${KEY}  until 20\\d\\d-.*Z \\(1h 59m left\\)  by operator alice: "disk replaced tonight"$`,
        ),
      ),
    ]);
    expect(ended.code).toBe(0);
    expect(ended.stdout[0]).toContain(`Unsnoozed: ${KEY}`);
    expect(after.stdout).toEqual([expect.stringMatching(/^Nothing is snoozed in ledger-/)]);
    expect(jobs()).toEqual([
      {
        to: WORKER,
        job: {
          kind: 'snoozed',
          key: KEY,
          id: snooze.id,
          until: snooze.until,
          by: 'alice',
          via: 'cli',
          reason: 'disk replaced tonight',
        },
      },
      {
        to: WORKER,
        job: { kind: 'snooze-ended', key: KEY, id: snooze.id, until: snooze.until, by: 'alice', via: 'cli' },
      },
    ]);
  });

  it.each([
    [
      '2x',
      /--for "2x" is not a duration: give a whole number and m \(minutes\), h \(hours\) or d \(days\), e\.g\. 30m, 2h, 1d/,
    ],
    ['0m', /--for "0m" is too short: snooze for at least 1m/],
    ['31d', /--for "31d" is too long: snooze for at most 30d/],
    ['1.5h', /--for "1\.5h" is not a duration/],
  ])('refuses --for %s with what a duration looks like, and changes nothing', async (duration, error) => {
    // Prepare
    const { ledger, cli } = await setup();
    // Act
    const { code, stderr } = await cli(['snooze', KEY, '--for', duration, '--env', 'prod']);
    // Assess
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(error);
    expect(stderr[0]).toContain('see "dispatch snooze --help"');
    expect((await ledger.get(KEY))!.snooze).toBeUndefined();
  });

  it.each([
    ['snooze', [KEY, '--for', '2h']],
    ['snoozes', []],
    ['unsnooze', [KEY]],
  ])('%s without --env names the environments and the --table alternative', async (command, rest) => {
    // Prepare
    const { cli } = await setup();
    // Act
    const { code, stderr } = await cli([command, ...rest]);
    // Assess
    expect(code).toBe(2);
    expect(stderr[0]).toContain(
      `which environment? Give --env NAME (cdk.json has example, example-rest, prod)`,
    );
    expect(stderr[0]).toContain(`e.g. npx dispatch ${command} --env example`);
    expect(stderr[0]).toContain('--table dispatch-local-ledger');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('works on a ledger table and endpoint alone (the local runner), saying no comment is written', async () => {
    // Prepare
    const { table, ledger, cli, jobs } = await setup();
    // Act
    const { code, stdout } = await cli(['snooze', KEY, '--for', '30m', '--table', table]);
    // Assess
    expect(code).toBe(0);
    expect((await ledger.get(KEY))!.snooze).toMatchObject({ by: 'alice', via: 'cli' });
    expect(stdout[1]).toMatch(/^Recorded in the ledger only: no triage worker is known/);
    expect(jobs()).toEqual([]);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('a second snooze ending sooner changes nothing and says how to shorten it', async () => {
    // Prepare
    const { ledger, cli } = await setup();
    await cli(['snooze', KEY, '--for', '1d', '--env', 'prod']);
    // Act
    const { code, stderr } = await cli(['snooze', KEY, '--for', '1h', '--env', 'prod']);
    // Assess
    expect(code).toBe(1);
    expect(stderr[0]).toMatch(
      /is already snoozed by operator alice until .*, longer than asked; nothing changed/,
    );
    expect(stderr[0]).toContain(`npx dispatch unsnooze ${KEY} --env prod`);
    expect((await ledger.get(KEY))!.snooze!.until - Date.now()).toBeGreaterThan(23 * HOUR);
  });

  it('a second snooze ending later extends the running one: same period, a later end', async () => {
    // Prepare
    const { ledger, cli, jobs } = await setup();
    await cli(['snooze', KEY, '--for', '1h', '--env', 'prod']);
    const first = (await ledger.get(KEY))!.snooze!;
    // Act
    const { code, stdout } = await cli(['snooze', KEY, '--for', '1d', '--env', 'prod', '--by', 'bob']);
    // Assess
    expect(code).toBe(0);
    expect(stdout[0]).toMatch(new RegExp(`^Snooze extended: ${KEY} until .* by operator bob\\.`));
    const snooze = (await ledger.get(KEY))!.snooze!;
    expect(snooze).toMatchObject({ id: first.id, by: 'alice', extendedBy: 'bob' });
    expect(snooze.until - first.until).toBeGreaterThan(22 * HOUR);
    expect(jobs().map((j) => j.job.extended)).toEqual([undefined, true]);
  });

  it('never snoozes a self-service prompt', async () => {
    // Prepare
    const { ledger, cli } = await setup();
    const prompt = 'self-service:0123456789abcdef0123456789abcdef';
    await ledger.join(prompt, 'sns-2');
    await ledger.annotate(prompt, 1, {
      prompt: {
        slackUserId: 'U1',
        severity: 'critical',
        summary: 's',
        message: 'm',
        yesLabel: 'y',
        noLabel: 'n',
      },
    });
    // Act
    const { code, stderr } = await cli(['snooze', prompt, '--for', '2h', '--env', 'prod']);
    // Assess
    expect(code).toBe(1);
    expect(stderr[0]).toContain('a self-service prompt is never snoozed');
    expect((await ledger.get(prompt))!.snooze).toBeUndefined();
  });

  it('names an unknown key, and a key that is not snoozed', async () => {
    // Prepare
    const { cli } = await setup({ known: false });
    // Act
    const snoozed = await cli(['snooze', KEY, '--for', '2h', '--env', 'prod']);
    const ended = await cli(['unsnooze', KEY, '--env', 'prod']);
    // Assess
    expect(snoozed.code).toBe(1);
    expect(snoozed.stderr[0]).toContain(`no alarm with key "${KEY}"`);
    expect(ended.code).toBe(1);
    expect(ended.stderr[0]).toContain(`${KEY} is not snoozed`);
    expect(ended.stderr[0]).toContain('npx dispatch snoozes --env prod lists what is');
  });

  it('says when the stack does not exist, and how to go on', async () => {
    // Prepare
    const { cli } = await setup();
    cfn.reset();
    cfn
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id Dispatch-prod does not exist'), { name: 'ValidationError' }),
      );
    // Act
    const { code, stderr } = await cli(['snoozes', '--env', 'prod']);
    // Assess
    expect(code).toBe(1);
    expect(stderr[0]).toBe(
      'dispatch snoozes: stack Dispatch-prod does not exist in eu-west-1: deploy it (npx cdk deploy -c env=prod), give the region it is in (--region), or give --table NAME',
    );
  });

  it.each(['snooze', 'snoozes', 'unsnooze'])('%s --help shows an example', async (command) => {
    const { io, stdout } = fakeIo();
    expect(await main([command, '--help'], io)).toBe(0);
    expect(stdout[0]).toMatch(new RegExp(`^Usage: dispatch ${command}`));
    expect(stdout[0]).toContain(`Example:\n  npx dispatch ${command}`);
  });
});
