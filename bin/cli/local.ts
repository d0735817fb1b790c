/** `dispatch local` (npm start): the sandbox, or the runner against real services. */
import { startSandbox } from '../local/sandbox.ts';
import type { CliIo } from './io.ts';
import { parseArgs } from './args.ts';

export const localHelp = `Usage: dispatch local [--port N] [--host ADDRESS] [--send FILE]... [--verbose]

Runs Dispatch in one process: POST /alarms, POST /slack/interactions and a sandbox page at /.
It listens on 127.0.0.1 only; --host 0.0.0.0 (or another address or name) listens there instead.
It answers only to Host names 127.0.0.1, localhost, [::1] and the --host given, takes alarms only as
content-type: application/json, refuses writes from other web origins, and its page's own endpoints
need the token that page got when it loaded.
With no configuration, Slack, GitHub and PagerDuty are built-in fakes on loopback and the
ledger is an embedded DynamoDB-compatible store. Set a vendor's token (or its URL) to use a real one:
  DISPATCH_SLACK_BOT_TOKEN, DISPATCH_SLACK_SIGNING_SECRET, DISPATCH_GITHUB_TOKEN,
  DISPATCH_PAGERDUTY_ROUTING_KEY (or DISPATCH_PAGERDUTY_MODE=rest with DISPATCH_PAGERDUTY_API_TOKEN),
and its endpoint with DISPATCH_SLACK_API_URL, DISPATCH_GITHUB_API_URL, DISPATCH_PAGERDUTY_EVENTS_URL,
DISPATCH_PAGERDUTY_API_URL. Settings: DISPATCH_GITHUB_OWNER, DISPATCH_GITHUB_DEFAULT_REPO,
DISPATCH_GITHUB_DEFAULT_USER, DISPATCH_SLACK_DEFAULT_CHANNEL, and DISPATCH_SLACK_TEAM_ID,
DISPATCH_SLACK_APP_ID to answer clicks from that workspace and app only (the fakes: T0SANDBOX,
A0DISPATCH). PORT (default 3000) or --port.

Examples:
  npm start
  npm start -- --send examples/self-service.json
  npm start -- --host 0.0.0.0
  curl -s localhost:3000/alarms -H 'content-type: application/json' -d @examples/broadcast.json`;

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
  const port = Number(args.port ?? io.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(`dispatch local: --port/PORT must be a port number, got "${args.port ?? io.env.PORT}"`);
    return 2;
  }
  let sandbox;
  try {
    sandbox = await startSandbox({
      port,
      host: args.host as string | undefined,
      source: io.env,
      write: args.verbose ? (l) => io.out(l) : undefined,
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    io.err(
      e.code === 'EADDRINUSE'
        ? `dispatch local: port ${port} is in use; try --port 3001`
        : e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND'
          ? `dispatch local: cannot listen on --host ${String(args.host)}: not an address of this machine`
          : `dispatch local: ${e.message}`,
    );
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
  for (const file of (args.send as string[] | undefined) ?? []) {
    const res = await fetch(`${sandbox.url}/alarms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: await io.readFile(file),
    });
    io.out(`  sent ${file}: ${res.status} ${await res.text()}`);
  }
  io.out('Press Ctrl+C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sandbox.close();
  return 0;
}
