/** A CliIo that records what a command prints, with files and stdin given by the test. */
import type { CliIo } from '../../bin/cli/io.ts';

export function fakeIo(files: Record<string, string> = {}, stdin = '') {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = {
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    readFile: async (p) => {
      if (!(p in files)) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return files[p]!;
    },
    readStdin: async () => stdin,
    env: {},
  };
  return { io, stdout, stderr };
}
