/** The sandbox page's buttons come from the fake Slack's workspace and app, so a bound runner still answers them. */
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox.ts';
import { originalExamples } from '../fixtures/alarms/original-readme.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function promptThenClick(source: Record<string, string>, title: string) {
  sandbox = await startSandbox({ port: 0, source });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${sandbox!.url}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
  const alarm = JSON.parse(originalExamples['self-service']!);
  alarm.body.github.title = title;
  const routed = (await (await post('/alarms', alarm)).json()) as {
    deliveries: { key: string; dms: { channel: string; ts: string }[] }[];
  };
  const delivery = routed.deliveries[0]!;
  const click = await post(
    '/sandbox/click',
    {
      action_id: 'dispatch_yes',
      value: delivery.key,
      channel: delivery.dms[0]!.channel,
      ts: delivery.dms[0]!.ts,
      user: 'U024BE7LH',
    },
    { 'x-dispatch-sandbox-token': sandbox.token },
  );
  await sandbox.jobs.idle();
  return { status: click.status, issue: sandbox.github!.issues.find((i) => i.title === title)! };
}

describe('the sandbox with DISPATCH_SLACK_TEAM_ID and DISPATCH_SLACK_APP_ID set (issue 12)', () => {
  it("answers the page's clicks when bound to the fake Slack's workspace and app", async () => {
    // Act
    const { status, issue } = await promptThenClick(
      { DISPATCH_SLACK_TEAM_ID: 'T0SANDBOX', DISPATCH_SLACK_APP_ID: 'A0DISPATCH' },
      'bound to the fake',
    );
    // Assess
    expect(status).toBe(200);
    expect(issue.state).toBe('closed');
  });

  it('refuses them with 401, changing nothing, when bound to another workspace', async () => {
    // Act
    const { status, issue } = await promptThenClick(
      { DISPATCH_SLACK_TEAM_ID: 'T0ELSEWHERE' },
      'bound elsewhere',
    );
    // Assess
    expect(status).toBe(401);
    expect(issue.state).toBe('open');
  });
});
