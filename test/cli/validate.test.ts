import { describe, expect, it } from 'vitest';
import { main } from '../../bin/dispatch.ts';
import type { CliIo } from '../../bin/cli/io.ts';
import { originalExamples } from '../fixtures/alarms/original-readme.ts';

function fakeIo(files: Record<string, string>, stdin = ''): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    readFile: async (p) => {
      if (!(p in files)) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return files[p]!;
    },
    readStdin: async () => stdin,
    env: {},
  };
}

describe('dispatch validate', () => {
  it('prints one summary line per valid file and exits 0', async () => {
    // Prepare
    const io = fakeIo({
      'a.json': originalExamples['self-service']!,
      'b.json': originalExamples['high-priority']!,
    });
    // Act
    const code = await main(['validate', 'a.json', 'b.json'], io);
    // Assess
    expect(code).toBe(0);
    expect(io.stdout).toEqual([
      'a.json: ok, self-service: issue "self-service title" in default repo, prompt to 1 user',
      'b.json: ok, high-priority: PagerDuty incident "testAlert" on PABC123',
    ]);
  });

  it('prints every problem with its path and exits 1 when one file is invalid', async () => {
    // Prepare
    const io = fakeIo({
      'good.json': originalExamples['low-priority']!,
      'bad.json':
        '{"type":"self-service","users":[],"body":{"github":{"title":"t"},"slack":{"message":"m","prompt":"p","actions":{"yes":"y"}}}}',
    });
    // Act
    const code = await main(['validate', 'good.json', 'bad.json'], io);
    // Assess
    expect(code).toBe(1);
    expect(io.stdout).toHaveLength(1);
    expect(io.stderr).toEqual(['bad.json: invalid', '  body.slack.actions.no: required for self-service']);
  });

  it('reads stdin when given no file', async () => {
    // Prepare
    const io = fakeIo({}, originalExamples.nag);
    // Act
    const code = await main(['validate'], io);
    // Assess
    expect(code).toBe(0);
    expect(io.stdout[0]).toMatch(/^stdin: ok, nag:/);
  });

  it('says which file cannot be read', async () => {
    // Prepare
    const io = fakeIo({});
    // Act
    const code = await main(['validate', 'missing.json'], io);
    // Assess
    expect(code).toBe(1);
    expect(io.stderr).toEqual(['missing.json: cannot read (ENOENT); check the path']);
  });

  it('rejects an unknown command with the usage', async () => {
    // Prepare
    const io = fakeIo({});
    // Act
    const code = await main(['frobnicate'], io);
    // Assess
    expect(code).toBe(2);
    expect(io.stderr[0]).toContain('unknown command "frobnicate"');
  });
});
