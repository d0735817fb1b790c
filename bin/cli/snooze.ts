/**
 * `dispatch snooze KEY --for 2h`, `dispatch snoozes`, `dispatch unsnooze KEY`: operators snooze an alarm key, list
 * what is snoozed, and end a snooze early.
 *
 * They work on the environment's ledger table: the `LedgerTableName` output of stack `Dispatch-<env>` (CloudFormation
 * DescribeStacks, https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html), or
 * `--table NAME` (the local runner's is `dispatch-local-ledger`, with `--endpoint` or AWS_ENDPOINT_URL_DYNAMODB).
 * The issue comment, the end timer and the note are the triage worker's (stack output `TriageWorkerName`, or
 * `--worker NAME`): a snooze or unsnooze is handed to it as a job, as a click in Slack is.
 * Rules (a second snooze only moves the end later; self-service prompts are never held): lambdas/core/snooze/.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { endSnooze, listSnoozes, setSnooze } from '../../lambdas/adapters/dynamodb-snoozes.ts';
import { LambdaJobs } from '../../lambdas/adapters/jobs.ts';
import type { TriageJob } from '../../lambdas/core/ports.ts';
import { DurationError, formatDuration, parseDuration } from '../../lambdas/core/snooze/durations.ts';
import { parseArgs, UsageError } from './args.ts';
import { commandLine } from './arns.ts';
import { explainAwsError } from './aws-errors.ts';
import { environmentIn } from './environment-choice.ts';
import type { CliIo } from './io.ts';

const WHERE = `  --env NAME         the environment in cdk.json (its stack Dispatch-NAME has the ledger table)
  --table NAME       a ledger table instead (the local runner's: dispatch-local-ledger)
  --endpoint URL     a DynamoDB-compatible endpoint (or AWS_ENDPOINT_URL_DYNAMODB), e.g. npm start's
  --region REGION    else cdk.json's region for the environment, else AWS_REGION
  --worker NAME      the triage worker function (default: the stack output TriageWorkerName)`;

export const snoozeHelp = `Usage: dispatch snooze KEY --for DURATION [--reason TEXT] [--by NAME] --env NAME

Snoozes the alarm KEY (the key in its issue's footer): until the end, its repeats send no DM,
page or comment; they are counted, and the issue's running note says how many when the snooze
ends. The issue records who snoozed, until when and why. DURATION is a whole number and m, h or d
(30m, 2h, 1d; at most 30d). A second snooze moves the end later, never sooner (unsnooze first).
Self-service prompts are never held by a snooze. --by names you on the issue (default: $USER).

${WHERE}

Example:
  npx dispatch snooze nag:3fa1c0de9b8a7f6e5d4c3b2a19081726 --for 2h --reason "disk replaced tonight" --env prod`;

export const snoozesHelp = `Usage: dispatch snoozes [--all] --env NAME

Lists the snoozed alarm keys: until when, by whom, why. --all adds those that ended in the last 30 days.

${WHERE}

Example:
  npx dispatch snoozes --env prod
  npx dispatch snoozes --table dispatch-local-ledger --endpoint http://127.0.0.1:8000`;

export const unsnoozeHelp = `Usage: dispatch unsnooze KEY [--by NAME] --env NAME

Ends the snooze of KEY now: its repeats notify again, and the issue's running note says how many
arrived while it was snoozed.

${WHERE}

Example:
  npx dispatch unsnooze nag:3fa1c0de9b8a7f6e5d4c3b2a19081726 --env prod`;

const SPEC = {
  env: 'string',
  table: 'string',
  endpoint: 'string',
  region: 'string',
  worker: 'string',
  by: 'string',
  help: 'boolean',
} as const;

const REASON_MAX = 500;
const BY_MAX = 100;

interface Ledger {
  t: { doc: DynamoDBDocumentClient; table: string; now: () => number };
  worker?: string | undefined;
  region?: string | undefined;
  /** How to name the ledger again in a hint: `--env prod` or `--table NAME`. */
  where: string;
}

class CliFault extends Error {
  override name = 'CliFault';
}

/** The ledger table (and the worker) of `--env` or `--table`; throws a CliFault that says what to do. */
async function findLedger(
  args: Record<string, unknown>,
  io: CliIo,
  command: string,
  argv: string[],
): Promise<Ledger> {
  const table = args.table as string | undefined;
  const envName = args.env as string | undefined;
  let region = (args.region as string | undefined) ?? undefined;
  if (envName !== undefined || table === undefined) {
    let config;
    try {
      config = environmentIn(await io.readFile('cdk.json'), envName, command);
    } catch (error) {
      const hint =
        table === undefined
          ? `; or give --table NAME for a ledger table (the local runner's: --table dispatch-local-ledger --endpoint http://127.0.0.1:PORT)`
          : '';
      throw new UsageError(`${(error as Error).message}${hint}`);
    }
    region ??= config.region;
  }
  region ??= io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  const endpoint = (args.endpoint as string | undefined) ?? io.env.AWS_ENDPOINT_URL_DYNAMODB;
  let worker = args.worker as string | undefined;
  let tableName = table;
  if (tableName === undefined) {
    const outputs = await stackOutputs(`Dispatch-${envName!}`, region, commandLine(command, argv));
    tableName = outputs.LedgerTableName;
    worker ??= outputs.TriageWorkerName;
    if (!tableName) {
      throw new CliFault(
        `stack Dispatch-${envName!} has no LedgerTableName output: deploy the current version (npx cdk deploy -c env=${envName!}), or give --table NAME`,
      );
    }
  }
  const client = new DynamoDBClient({
    ...(region ? { region } : endpoint ? { region: 'local' } : {}),
    ...(endpoint ? { endpoint } : {}),
    // A local store takes any credentials; without any configured, the SDK would refuse before asking it.
    ...(endpoint && !io.env.AWS_ACCESS_KEY_ID && !io.env.AWS_PROFILE
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const where =
    table !== undefined
      ? `--table ${table}${endpoint ? ` --endpoint ${endpoint}` : ''}`
      : `--env ${envName!}`;
  return { t: { doc, table: tableName, now: Date.now }, worker, region, where };
}

async function stackOutputs(
  stack: string,
  region: string | undefined,
  retry: string,
): Promise<Record<string, string>> {
  const cfn = new CloudFormationClient(region ? { region } : {});
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
    const outputs = out.Stacks?.[0]?.Outputs ?? [];
    return Object.fromEntries(outputs.map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } catch (error) {
    const e = error as { name?: string; message?: string };
    if (e.name === 'ValidationError' && /does not exist/.test(e.message ?? '')) {
      throw new CliFault(
        `stack ${stack} does not exist${region ? ` in ${region}` : ''}: deploy it (npx cdk deploy -c env=${stack.slice('Dispatch-'.length)}), give the region it is in (--region), or give --table NAME`,
      );
    }
    throw new CliFault(explainAwsError(error, `reading the outputs of stack ${stack}`, retry));
  }
}

/** Hands a job to the triage worker; a line saying what became of it. */
async function tellWorker(
  ledger: Ledger,
  job: TriageJob,
  what: string,
): Promise<{ ok: boolean; line: string }> {
  if (!ledger.worker) {
    return {
      ok: true,
      line: `Recorded in the ledger only: no triage worker is known (give --env, or --worker NAME), so ${what} is not written.`,
    };
  }
  try {
    await new LambdaJobs(
      new LambdaClient(ledger.region ? { region: ledger.region } : {}),
      ledger.worker,
    ).enqueue(job);
    return { ok: true, line: `The triage worker (${ledger.worker}) writes ${what}.` };
  } catch (error) {
    return {
      ok: false,
      line: explainAwsError(
        (error as { cause?: unknown }).cause ?? error,
        `asking the triage worker ${ledger.worker} to write ${what}`,
      ),
    };
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

function who(by: string, via: 'slack' | 'cli'): string {
  return via === 'slack' ? `Slack user ${by}` : `operator ${by}`;
}

function operator(args: Record<string, unknown>, io: CliIo): string {
  const by = ((args.by as string | undefined) ?? io.env.USER ?? io.env.USERNAME ?? 'operator').trim();
  if (!by || by.length > BY_MAX) throw new UsageError(`--by must be a name of 1 to ${BY_MAX} characters`);
  return by;
}

/** Parses, runs `body`, and maps the faults to exit codes and messages. */
async function run(
  command: string,
  argv: string[],
  io: CliIo,
  help: string,
  spec: Record<string, 'string' | 'boolean' | 'list'>,
  body: (args: Record<string, unknown> & { _: string[] }) => Promise<number>,
): Promise<number> {
  const args = parseArgs(argv, { ...SPEC, ...spec });
  if (args.help) {
    io.out(help);
    return 0;
  }
  try {
    return await body(args);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof CliFault) {
      io.err(`dispatch ${command}: ${error.message}`);
      return 1;
    }
    io.err(`dispatch ${command}: ${explainAwsError(error, 'the ledger table', commandLine(command, argv))}`);
    return 1;
  }
}

function oneKey(args: { _: string[] }): string {
  const [key, ...more] = args._;
  if (key === undefined || key === '')
    throw new UsageError("give the alarm KEY (the key in its issue's footer)");
  if (more.length)
    throw new UsageError(`one KEY at a time; also got ${more.map((m) => `"${m}"`).join(', ')}`);
  if (key.length > 255) throw new UsageError('KEY is longer than 255 characters; no alarm key is');
  return key;
}

export async function snooze(argv: string[], io: CliIo): Promise<number> {
  return run('snooze', argv, io, snoozeHelp, { for: 'string', reason: 'string' }, async (args) => {
    const key = oneKey(args);
    const duration = args.for as string | undefined;
    if (duration === undefined) throw new UsageError('--for DURATION is required, e.g. --for 2h');
    let ms: number;
    try {
      ms = parseDuration(duration);
    } catch (error) {
      if (error instanceof DurationError) throw new UsageError(`--for ${error.message}`);
      throw error;
    }
    const reason = (args.reason as string | undefined)?.trim() || undefined;
    if (reason && reason.length > REASON_MAX)
      throw new UsageError(`--reason is longer than ${REASON_MAX} characters`);
    const by = operator(args, io);
    const ledger = await findLedger(args, io, 'snooze', argv);
    const now = ledger.t.now();
    const outcome = await setSnooze(ledger.t, key, {
      id: randomUUID(),
      by,
      via: 'cli',
      at: now,
      until: now + ms,
      ...(reason ? { reason } : {}),
    });
    if (outcome.status === 'unknown') {
      io.err(
        `dispatch snooze: no alarm with key "${key}" that can be snoozed in ${ledger.t.table}: use the key in the issue's footer (an alarm is known once it fired; a self-service prompt is never snoozed), or check the environment`,
      );
      return 1;
    }
    const s = outcome.snooze;
    if (outcome.status === 'kept') {
      io.err(
        `dispatch snooze: ${key} is already snoozed by ${who(s.by, s.via)} until ${iso(s.until)}, longer than asked; nothing changed. To shorten it: npx dispatch unsnooze ${key} ${ledger.where}, then snooze it again`,
      );
      return 1;
    }
    const extended = outcome.status === 'extended';
    io.out(
      `${extended ? 'Snooze extended' : 'Snoozed'}: ${key} until ${iso(s.until)} (${formatDuration(s.until - now)}) by ${who(by, 'cli')}. Its repeats send no DM, page or comment until then; they are counted.`,
    );
    const told = await tellWorker(
      ledger,
      {
        kind: 'snoozed',
        key,
        id: s.id,
        until: s.until,
        by,
        via: 'cli',
        reason,
        extended: extended || undefined,
      },
      'the issue comment and, at the end, the note with the count',
    );
    (told.ok ? io.out : io.err)(told.line);
    return told.ok ? 0 : 1;
  });
}

export async function snoozes(argv: string[], io: CliIo): Promise<number> {
  return run('snoozes', argv, io, snoozesHelp, { all: 'boolean' }, async (args) => {
    if (args._.length) throw new UsageError(`takes no KEY (got "${args._[0]}"); it lists them all`);
    const ledger = await findLedger(args, io, 'snoozes', argv);
    const now = ledger.t.now();
    const listed = (await listSnoozes(ledger.t))
      .filter((s) => args.all || (s.endedAt === undefined && s.until > now))
      .sort((a, b) => a.until - b.until);
    if (listed.length === 0) {
      io.out(`Nothing is snoozed in ${ledger.t.table}.`);
      return 0;
    }
    for (const s of listed) {
      const state =
        s.endedAt !== undefined
          ? `ended ${iso(s.endedAt)}${s.endedBy ? ` by operator ${s.endedBy}` : ''}`
          : s.until > now
            ? `${formatDuration(s.until - now)} left`
            : 'ended';
      const extended = s.extendedBy ? `, extended by ${s.extendedBy}` : '';
      const reason = s.reason ? `: ${JSON.stringify(s.reason)}` : '';
      io.out(`${s.key}  until ${iso(s.until)} (${state})  by ${who(s.by, s.via)}${extended}${reason}`);
    }
    return 0;
  });
}

export async function unsnooze(argv: string[], io: CliIo): Promise<number> {
  return run('unsnooze', argv, io, unsnoozeHelp, {}, async (args) => {
    const key = oneKey(args);
    const by = operator(args, io);
    const ledger = await findLedger(args, io, 'unsnooze', argv);
    const ended = await endSnooze(ledger.t, key, by);
    if (!ended) {
      io.err(
        `dispatch unsnooze: ${key} is not snoozed in ${ledger.t.table}; npx dispatch snoozes ${ledger.where} lists what is`,
      );
      return 1;
    }
    io.out(
      `Unsnoozed: ${key} (snoozed by ${who(ended.by, ended.via)} until ${iso(ended.until)}) notifies again.`,
    );
    const told = await tellWorker(
      ledger,
      { kind: 'snooze-ended', key, id: ended.id, until: ended.until, by: ended.by, via: ended.via },
      'the note with how many repeats arrived',
    );
    (told.ok ? io.out : io.err)(told.line);
    return told.ok ? 0 : 1;
  });
}
