/** `dispatch local` (npm start): the sandbox, or the runner against real services. */
import { createServer } from 'node:net';
import { startSandbox } from '../local/sandbox.ts';
import type { CliIo } from './io.ts';
import { parseArgs, UsageError } from './args.ts';
import { shellWord } from './arns.ts';

export const localHelp = `Usage: dispatch local [--port N] [--host ADDRESS] [--send FILE...]... [--verbose]

Runs Dispatch in one process: POST /alarms, POST /slack/interactions and a sandbox page at /.
It listens on 127.0.0.1 only; --host 0.0.0.0 (or another address or name) listens there instead.
It answers only to Host names 127.0.0.1, localhost, [::1] and the --host given, takes alarms only as
content-type: application/json, refuses writes from other web origins, and its page's own endpoints
need the token that page got when it loaded.
With no configuration, Slack, GitHub and PagerDuty are built-in fakes on loopback and the
ledger is an embedded DynamoDB-compatible store; AWS_ENDPOINT_URL_DYNAMODB keeps it in that
DynamoDB-compatible store instead (its table is created when missing).
Set a vendor's token (or its URL) to use a real one:
  DISPATCH_SLACK_BOT_TOKEN, DISPATCH_SLACK_SIGNING_SECRET, DISPATCH_GITHUB_TOKEN,
  DISPATCH_PAGERDUTY_ROUTING_KEY (or DISPATCH_PAGERDUTY_MODE=rest with DISPATCH_PAGERDUTY_API_TOKEN),
and its endpoint with DISPATCH_SLACK_API_URL, DISPATCH_GITHUB_API_URL, DISPATCH_PAGERDUTY_EVENTS_URL,
DISPATCH_PAGERDUTY_API_URL. Settings: DISPATCH_GITHUB_OWNER, DISPATCH_GITHUB_DEFAULT_REPO,
DISPATCH_GITHUB_DEFAULT_USER, DISPATCH_SLACK_DEFAULT_CHANNEL, and DISPATCH_SLACK_TEAM_ID,
DISPATCH_SLACK_APP_ID to answer clicks from that workspace and app only (the fakes: T0SANDBOX,
A0DISPATCH). PORT (default 3000) or --port.
--send sends each FILE once the runner is up and says what happened to it; every file after
--send is sent (--send examples/*.json), and --send may be repeated.

Examples:
  npm start
  npm start -- --send examples/self-service.json
  npm start -- --send examples/*.json
  PORT=3001 npm start
  npm start -- --host 0.0.0.0
  curl -s localhost:3000/alarms -H 'content-type: application/json' -d @examples/broadcast.json`;

/** The first port from `from` that nothing listens on (127.0.0.1), for the hint; `from` itself if none is found. */
async function freePort(from: number, host: string): Promise<number> {
  for (let port = from; port < Math.min(from + 20, 65536); port++) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, host, () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return from;
}

/** Commands that start the sandbox as the user asked, on another port. */
function anotherPort(argv: string[], port: number, explicit: boolean): string[] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') i++;
    else if (!argv[i]!.startsWith('--port=')) rest.push(argv[i]!);
  }
  const words = rest.map(shellWord).join(' ');
  const tail = rest.length ? ` -- ${words}` : '';
  const withFlag = `npm start -- --port ${port}${rest.length ? ` ${words}` : ''}`;
  return explicit ? [withFlag] : [`PORT=${port} npm start${tail}`, withFlag];
}

/**
 * The files to send, in the order given: each --send's value and every word after it up to the next option
 * (`--send examples/*.json` is what a shell expands to several words). Undefined when a word comes before any --send.
 */
function filesToSend(argv: string[]): string[] | undefined {
  const files: string[] = [];
  let after = false;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--send' || word.startsWith('--send=')) {
      after = true;
      if (word !== '--send') files.push(word.slice('--send='.length));
    } else if (word.startsWith('-')) {
      after = false;
      if (word === '--port' || word === '--host') i++; // their value is not a file
    } else if (after) files.push(word);
    else return undefined;
  }
  return files;
}

/** Reads every file to send first, so a wrong path is named before anything starts. */
async function readAlarms(files: string[], io: CliIo): Promise<{ file: string; raw: string }[] | string> {
  const read: { file: string; raw: string }[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      read.push({ file, raw: await io.readFile(file) });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push(
        code === 'ENOENT'
          ? `${file}: no such file`
          : code === 'EISDIR'
            ? `${file}: is a directory, not an alarm file`
            : `${file}: cannot be read (${code ?? (error as Error).message})`,
      );
    }
  }
  if (problems.length === 0) return read;
  return (
    `dispatch local: cannot send ${problems.length === 1 ? 'this file' : 'these files'}:\n` +
    problems.map((p) => `  ${p}`).join('\n') +
    '\nCheck the path (relative to this directory), e.g. npm start -- --send examples/self-service.json'
  );
}

/** What happened to one alarm, from POST /alarms' answer, in words. */
function report(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { summary?: string[]; error?: string };
    if (Array.isArray(body.summary)) return `${status} ${body.summary.join('; ')}`;
    if (body.error) return `${status} ${body.error}`;
  } catch {
    // not JSON: shown as it is
  }
  return `${status} ${text}`;
}

export async function local(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, {
    port: 'string',
    host: 'string',
    send: 'list',
    verbose: 'boolean',
    help: 'boolean',
  });
  if (args.help) {
    io.out(localHelp);
    return 0;
  }
  const port = Number(args.port ?? (io.env.PORT || 3000));
  if (args.port === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(
      `dispatch local: --port/PORT must be a port number (0 to 65535), got "${String(args.port ?? io.env.PORT)}"; ` +
        'e.g. npm start -- --port 3001',
    );
    return 2;
  }
  // `--send a.json b.json` (what a shell makes of examples/*.json) sends every file, as does a repeated --send.
  const files = filesToSend(argv);
  if (files === undefined)
    throw new UsageError(
      `unexpected ${args._.map((a) => `"${a}"`).join(', ')}; to send alarm files, put --send before them`,
    );
  const alarms = await readAlarms(files, io);
  if (typeof alarms === 'string') {
    io.err(alarms);
    return 2;
  }
  let sandbox;
  const host = args.host as string | undefined;
  try {
    sandbox = await startSandbox({
      port,
      host,
      source: io.env,
      write: args.verbose ? (l) => io.out(l) : undefined,
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      const next = await freePort(port + 1, host ?? '127.0.0.1');
      const commands = anotherPort(argv, next, args.port !== undefined);
      io.err(
        `dispatch local: port ${port} is already in use (another sandbox still running?). Stop it, or start on ` +
          `another port:\n${commands.map((c) => `  ${c}`).join('\n')}`,
      );
    } else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') {
      io.err(
        `dispatch local: cannot listen on --host ${String(host)}: not an address of this machine; ` +
          'leave out --host to listen on 127.0.0.1 (npm start)',
      );
    } else if (e.code === 'EACCES') {
      io.err(
        `dispatch local: port ${port} needs privileges; use a port above 1023, e.g. npm start -- --port 3000`,
      );
    } else {
      io.err(`dispatch local: ${e.message}`);
    }
    return 1;
  }
  io.out(`Dispatch is running at ${sandbox.url}`);
  io.out(
    `  Slack: ${sandbox.modes.slack}, GitHub: ${sandbox.modes.github}, PagerDuty: ${sandbox.modes.pagerduty}`,
  );
  io.out(`  Open ${sandbox.url}/ and press an example button, or:`);
  io.out(
    `  curl -s ${sandbox.url}/alarms -H 'content-type: application/json' -d @examples/self-service.json`,
  );
  for (const { file, raw } of alarms) {
    const res = await fetch(`${sandbox.url}/alarms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    });
    io.out(`  sent ${file}: ${report(res.status, await res.text())}`);
  }
  io.out('Press Ctrl+C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sandbox.close();
  return 0;
}
