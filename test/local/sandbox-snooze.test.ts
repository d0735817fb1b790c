/**
 * Snooze in the local runner (issue 15): a nag's DM shows the snooze choice, POST /sandbox/click sends a signed
 * dispatch_snooze click with the option chosen, and the next repeat of the nag is held.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, source: {} });
});
afterAll(async () => {
  await sandbox.close();
});

const post = (path: string, body: unknown) =>
  fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-dispatch-sandbox-token': sandbox.token },
  });

const nag = {
  type: 'nag',
  users: [{ slackId: 'U024BE7LH', github: 'alice' }],
  body: { github: { title: `Disk not encrypted ${Date.now()}` }, slack: { message: 'Turn on FileVault' } },
};

describe('snooze in the sandbox', () => {
  it('snoozes from the DM: the DM says until when, and the next repeat sends no DM', async () => {
    // Prepare
    const routed = (await (await post('/alarms', nag)).json()) as {
      deliveries: { key: string; dms: { channel: string; ts: string }[] }[];
    };
    await sandbox.jobs.idle();
    const { key, dms } = routed.deliveries[0]!;
    const message = sandbox.slack!.messages.find((m) => m.ts === dms[0]!.ts)!;
    const choice = message.blocks.find((b) => b.block_id === key) as {
      elements: { action_id: string; options: { value: string }[] }[];
    };
    // Act
    const res = await post('/sandbox/click', {
      action_id: choice.elements[0]!.action_id,
      block_id: key,
      selected_option: { value: choice.elements[0]!.options[0]!.value },
      channel: dms[0]!.channel,
      ts: dms[0]!.ts,
      user: 'U024BE7LH',
    });
    await sandbox.jobs.idle();
    const repeat = (await (await post('/alarms', nag)).json()) as {
      deliveries: { snoozed?: { repeats: number }; dms: unknown[] }[];
    };
    // Assess
    expect(res.status).toBe(200);
    const updated = sandbox.slack!.messages.find((m) => m.ts === dms[0]!.ts)!;
    expect(JSON.stringify(updated.blocks)).toContain('Snoozed by <@U024BE7LH> until');
    expect(updated.blocks.some((b) => b.block_id === key)).toBe(false);
    expect(repeat.deliveries[0]).toMatchObject({ snoozed: { repeats: 1 }, dms: [] });
  });
});
