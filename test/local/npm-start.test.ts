/** The README's quick start as written: `npm start` serves the sandbox and takes alarms. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm start', () => {
  it('serves the sandbox and delivers an example sent with --send', async () => {
    // Prepare
    const child = spawn('npm', ['start', '--', '--port', '0', '--send', 'examples/self-service.json'], {
      env: { ...process.env, PORT: '' },
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    try {
      // Act
      await expect.poll(() => output, { timeout: 30_000, interval: 100 }).toContain('Press Ctrl+C to stop.');
      const url = /Dispatch is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
      const page = await fetch(`${url}/`);
      const token = /name="dispatch-sandbox-token" content="([^"]+)"/.exec(await page.text())![1]!;
      const state = (await (
        await fetch(`${url}/sandbox/state`, { headers: { 'x-dispatch-sandbox-token': token } })
      ).json()) as {
        github: { issues: { title: string }[] };
      };
      // Assess
      expect(page.status).toBe(200);
      expect(output).toContain('sent examples/self-service.json: 200');
      expect(state.github.issues.map((i) => i.title)).toEqual(['self-service title']);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
  }, 40_000);
});
