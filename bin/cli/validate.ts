/** `dispatch validate FILE... | -`: checks alarms against MESSAGE-SPEC.md without sending them. */
import { describeAlarm } from '../../lambdas/core/describe-alarm.ts';
import { DispatchError } from '../../lambdas/core/errors.ts';
import { parseJsonSetting } from '../../lambdas/core/json-setting.ts';
import { SourcesSchema } from '../../lambdas/core/sources/config.ts';
import { describeNative, parseMessage } from '../../lambdas/core/sources/translate.ts';
import type { CliIo } from './io.ts';

export const validateHelp = `Usage: dispatch validate FILE... (or - or nothing to read one alarm from stdin)

Checks each alarm against MESSAGE-SPEC.md. Prints one line per valid alarm and exits 0;
prints every problem with its JSON path and exits 1 when any alarm is invalid.
An AWS event Dispatch translates (GuardDuty, Security Hub, CloudWatch alarm, root sign-in)
is accepted and named with what it becomes, by the sources settings in DISPATCH_SOURCES
(cdk.json "sources" as JSON), else the defaults.

Examples:
  npx dispatch validate examples/*.json
  echo '{"type":"low-priority","body":{"github":{"title":"t"}}}' | npx dispatch validate
  DISPATCH_SOURCES='{"guardduty":{"severity":{"medium":"high-priority"}}}' npx dispatch validate examples/guardduty-finding.json`;

export async function validate(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(validateHelp);
    return 0;
  }
  const settings = parseJsonSetting(SourcesSchema, io.env.DISPATCH_SOURCES, '{"guardduty": {…}}');
  if ('problems' in settings) {
    io.err(`dispatch validate: DISPATCH_SOURCES ${settings.problems.join('; ')}`);
    return 2;
  }
  const sources = args.length === 0 ? ['-'] : args;
  let failed = 0;
  for (const source of sources) {
    const name = source === '-' ? 'stdin' : source;
    let raw: string;
    try {
      raw = source === '-' ? await io.readStdin() : await io.readFile(source);
    } catch (cause) {
      io.err(
        `${name}: cannot read (${(cause as NodeJS.ErrnoException).code ?? String(cause)}); check the path`,
      );
      failed++;
      continue;
    }
    try {
      const { alarms, native } = parseMessage(raw, { sources: settings.value });
      io.out(`${name}: ok, ${native ? describeNative(native) : describeAlarm(alarms[0]!)}`);
    } catch (error) {
      if (!(error instanceof DispatchError)) throw error;
      failed++;
      const issues = 'issues' in error ? (error.issues as { path: string; message: string }[]) : [];
      io.err(`${name}: invalid`);
      for (const issue of issues) io.err(`  ${issue.path || '(alarm)'}: ${issue.message}`);
    }
  }
  return failed === 0 ? 0 : 1;
}
