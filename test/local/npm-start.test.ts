/** The README's quick start as written: `npm start` serves the sandbox and takes alarms; its faults say what to do. */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { main } from '../../bin/dispatch.ts';
import { fakeIo } from '../helpers/cli-io.ts';

/** `npm start -- ARGS` in its own process group, with what it prints and how it ended. */
function npmStart(args: string[], env: Record<string, string> = {}) {
  const child = spawn('npm', ['start', '--', ...args], {
    env: { ...process.env, PORT: '', ...env },
    detached: true,
  });
  const run = { output: '', errors: '', code: undefined as number | null | undefined };
  child.stdout.on('data', (d: Buffer) => (run.output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (run.errors += d.toString()));
  child.once('exit', (code) => (run.code = code));
  return { run, stop: () => run.code === undefined && process.kill(-child.pid!, 'SIGTERM') };
}

describe('npm start', () => {
  it('sends every file given to --send (a shell glob, a repeated --send) and says what happened to each', async () => {
    // Prepare
    const { run, stop } = npmStart([
      '--port',
      '0',
      '--send',
      'examples/self-service.json',
      'examples/nag.json',
      '--send',
      'examples/self-service.json',
    ]);
    try {
      // Act
      await expect
        .poll(() => run.output, { timeout: 30_000, interval: 100 })
        .toContain('Press Ctrl+C to stop.');
      const url = /Dispatch is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output)![1]!;
      const page = await fetch(`${url}/`);
      const token = /name="dispatch-sandbox-token" content="([^"]+)"/.exec(await page.text())![1]!;
      const state = (await (
        await fetch(`${url}/sandbox/state`, { headers: { 'x-dispatch-sandbox-token': token } })
      ).json()) as { github: { issues: { title: string }[] } };
      // Assess
      expect(page.status).toBe(200);
      const sent = run.output.split('\n').filter((l) => l.includes('sent examples/'));
      expect(sent).toEqual([
        '  sent examples/self-service.json: 200 issue #1 opened in acme/security-alarms; DM sent to U024BE7LH',
        '  sent examples/nag.json: 200 issue #1 opened in acme/alarms; DM sent to U0G9QF9C6',
        expect.stringMatching(
          /^ {2}sent examples\/self-service\.json: 200 suppressed as a repeat of #1 \(issue #1 for this alarm is still open, seen 2 times\)$/,
        ),
      ]);
      expect(state.github.issues.map((i) => i.title)).toEqual([
        'Two-factor authentication turned off for alice',
        'Nightly backup of the billing database failed',
      ]);
    } finally {
      stop();
    }
  }, 40_000);

  it('on a busy port, exits with an error and commands that start it on a free port', async () => {
    // Prepare: something else holds the port.
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const { run, stop } = npmStart([], { PORT: String(port) });
    try {
      // Act
      await expect.poll(() => run.code, { timeout: 20_000, interval: 100 }).not.toBeUndefined();
      // Assess
      expect(run.code).not.toBe(0);
      expect(run.errors).toContain(`dispatch local: port ${port} is already in use`);
      const hint = /PORT=(\d+) npm start\n\s+npm start -- --port (\d+)/.exec(run.errors);
      expect(hint, run.errors).not.toBeNull();
      expect(hint![1]).toBe(hint![2]);
      expect(Number(hint![1])).toBeGreaterThan(port);
      expect(run.errors).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      stop();
      busy.close();
    }
  }, 30_000);
});

describe('dispatch local: what it is asked to send', () => {
  it('names every file it cannot read, and starts nothing', async () => {
    // Prepare
    const { io, stderr } = fakeIo({ 'examples/nag.json': '{}' });
    // Act
    const code = await main(['local', '--send', 'examples/nope.json', 'examples/nag.json', 'other.json'], io);
    // Assess
    expect(code).toBe(2);
    expect(stderr.join('\n')).toBe(
      [
        'dispatch local: cannot send these files:',
        '  examples/nope.json: no such file',
        '  other.json: no such file',
        'Check the path (relative to this directory), e.g. npm start -- --send examples/self-service.json',
      ].join('\n'),
    );
  });

  it('asks for --send before files', async () => {
    const { io, stderr } = fakeIo();
    expect(await main(['local', 'examples/nag.json'], io)).toBe(2);
    expect(stderr[0]).toContain('to send alarm files, put --send before them');
  });
});
