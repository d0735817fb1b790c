/** The `dispatch` operator CLI. Each command lives in bin/cli/ and takes its I/O as an argument. */
import { UsageError } from './cli/args.ts';
import type { CliIo } from './cli/io.ts';
import { doctor } from './cli/doctor.ts';
import { local } from './cli/local.ts';
import { redrive } from './cli/redrive.ts';
import { send } from './cli/send.ts';
import { slackManifestCommand } from './cli/slack-manifest.ts';
import { snooze, snoozes, unsnooze } from './cli/snooze.ts';
import { validate } from './cli/validate.ts';

type Command = (args: string[], io: CliIo) => Promise<number>;

const commands: Record<string, { run: Command; summary: string }> = {
  validate: { run: validate, summary: 'check alarm files against MESSAGE-SPEC.md' },
  local: { run: local, summary: 'run Dispatch on this machine with a sandbox page (npm start)' },
  send: { run: send, summary: 'validate alarms and publish them to a deployed topic' },
  redrive: { run: redrive, summary: 'move dead-lettered alarms back to the topic' },
  'slack-manifest': { run: slackManifestCommand, summary: 'print the Slack app manifest for a triage URL' },
  doctor: { run: doctor, summary: "check an environment's secrets and tokens" },
  snooze: { run: snooze, summary: 'snooze an alarm key: its repeats are counted, not sent' },
  snoozes: { run: snoozes, summary: 'list the snoozed alarm keys: until when, by whom, why' },
  unsnooze: { run: unsnooze, summary: 'end a snooze now' },
};

export const usage = `Usage: dispatch <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(16)}${c.summary}`)
  .join('\n')}

Run "dispatch <command> --help" for a command's options and an example.`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`dispatch: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`dispatch ${name}: ${error.message}; see "dispatch ${name} --help"`);
      return 2;
    }
    throw error;
  }
}
