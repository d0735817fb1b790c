/** `dispatch local`: runs Dispatch on this machine. */
import { readdir } from 'node:fs/promises';
import type { CliIo } from './io.ts';
import { validate } from './validate.ts';

export const localHelp = `Usage: dispatch local

Runs Dispatch on this machine. Today it validates the example alarms in examples/;
the local sandbox (fake Slack, GitHub and PagerDuty with a page to watch them) is not there yet.

Example:
  npm start`;

export async function local(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(localHelp);
    return 0;
  }
  const files = (await readdir('examples')).filter((f) => f.endsWith('.json')).map((f) => `examples/${f}`);
  io.out(`Validating the ${files.length} example alarms in examples/:`);
  const code = await validate(files, io);
  io.out('');
  io.out(
    'Not there yet: the local sandbox that delivers these alarms to built-in fakes of Slack, GitHub and',
  );
  io.out('PagerDuty. Meanwhile, check your own alarms with: npx dispatch validate FILE...');
  return code;
}
