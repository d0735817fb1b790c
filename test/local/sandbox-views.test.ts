/**
 * The reason form and "Click as" in the local runner: the fake Slack's views.open (answered as Slack answers it,
 * through Dispatch's own adapter), the trigger_id every sandbox click carries, POST /sandbox/view sending the
 * view_submission (or view_closed) Slack would, POST /sandbox/click's user (the message's owner by default, a
 * responder, someone else), and what the example buttons say each example is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackViews } from '../../lambdas/adapters/slack-views.ts';
import { reasonModal } from '../../lambdas/core/answer/reason-modal.ts';
import type { PromptRecord } from '../../lambdas/core/ports.ts';
import { startFakeSlack, TRIGGER_TTL_MS, type FakeSlack } from '../../bin/local/fake-slack.ts';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox.ts';
import { TOKEN_HEADER } from '../../bin/local/sandbox-guard.ts';

const OWNER = 'U024BE7LH';
const RESPONDER = 'U0RESPOND1';

const prompt: PromptRecord = {
  slackUserId: OWNER,
  severity: 'critical',
  summary: 'Two-factor authentication turned off',
  message: 'm',
  yesLabel: 'Yes, it was me',
  noLabel: 'No',
};

describe('the fake Slack: views.open', () => {
  let slack: FakeSlack;
  let clock = 1_800_000_000_000;
  beforeAll(async () => {
    slack = await startFakeSlack({}, { now: () => clock });
  });
  afterAll(async () => {
    await slack.close();
  });

  const open = async (body: Record<string, unknown>, token = 'xoxb-sandbox') =>
    (await (
      await fetch(`${slack.url}/api/views.open`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      })
    ).json()) as { ok: boolean; error?: string; view?: Record<string, unknown>; response_metadata?: unknown };

  it("opens Dispatch's reason form for the clicker through Dispatch's own adapter, once per trigger", async () => {
    // Prepare
    const trigger = slack.trigger(OWNER);
    const views = new SlackViews({
      token: async () => 'xoxb-sandbox',
      apiUrl: `${slack.url}/api/`,
      timeoutMs: 2_000,
    });
    const metadata = { key: 'self-service:abc', occurrence: 1 };
    // Act
    await views.open(trigger, reasonModal(prompt, metadata, OWNER));
    const again = await open({ trigger_id: trigger, view: reasonModal(prompt, metadata, OWNER) });
    // Assess
    expect(slack.views).toHaveLength(1);
    const opened = slack.views[0]!;
    expect(opened.id).toMatch(/^V[0-9A-Z]+$/);
    expect(opened).toMatchObject({ user: OWNER, trigger });
    expect(opened.view).toMatchObject({
      id: opened.id,
      type: 'modal',
      callback_id: 'dispatch_reason',
      private_metadata: JSON.stringify(metadata),
      state: { values: {} },
      notify_on_close: false,
      root_view_id: opened.id,
      team_id: 'T0SANDBOX',
      app_id: 'A0DISPATCH',
      title: { type: 'plain_text', text: 'Your reason' },
    });
    expect(again).toEqual({ ok: false, error: 'exchanged_trigger_id' });
  });

  it('answers a view as Slack does, and refuses what Slack refuses', async () => {
    // Prepare
    const view = { type: 'modal', title: { type: 'plain_text', text: 'A form' }, blocks: [] };
    const expired = slack.trigger(OWNER);
    clock += TRIGGER_TTL_MS + 1;
    // Act
    const opened = await open({ trigger_id: slack.trigger(OWNER), view: JSON.stringify(view) });
    const late = await open({ trigger_id: expired, view });
    const unknown = await open({ trigger_id: '12345.98765.abcd2358fdea', view });
    const noToken = await open({ trigger_id: slack.trigger(OWNER), view }, '');
    const longTitle = await open({
      trigger_id: slack.trigger(OWNER),
      view: { ...view, title: { type: 'plain_text', text: 'x'.repeat(25) } },
    });
    // Assess
    expect(opened).toMatchObject({
      ok: true,
      view: { type: 'modal', callback_id: '', private_metadata: '' },
    });
    expect(late).toEqual({ ok: false, error: 'expired_trigger_id' });
    expect(unknown).toEqual({ ok: false, error: 'invalid_trigger_id' });
    expect(noToken).toEqual({ ok: false, error: 'not_authed' });
    expect(longTitle).toEqual({
      ok: false,
      error: 'invalid_arguments',
      response_metadata: {
        messages: ['[ERROR] must be no more than 24 characters [json-pointer:/view/title/text]'],
      },
    });
  });
});

describe('the sandbox: the reason form and Click as', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, source: { DISPATCH_RESPONDERS: RESPONDER } });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const page = (path: string, body?: unknown) =>
    fetch(`${sandbox.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: sandbox.token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  let n = 0;
  /** A self-service prompt to alice: its key, its DM and its responder copy in the default channel. */
  async function promptFor(requireReason: boolean) {
    const title = `Prompt ${++n}`;
    const res = await page('/alarms', {
      type: 'self-service',
      requireReason,
      users: [{ slackId: OWNER, github: 'alice' }],
      body: {
        github: { title },
        slack: { message: 'Was this you?', prompt: 'p', actions: { yes: 'Yes, it was me', no: 'No' } },
      },
    });
    const routed = (await res.json()) as {
      deliveries: { key: string; dms: { channel: string; ts: string }[] }[];
    };
    const { key, dms } = routed.deliveries[0]!;
    const copy = sandbox.slack!.messages.find(
      (m) => m.channel === 'C0SECURITY' && JSON.stringify(m.blocks).includes(key),
    )!;
    return { title, key, dm: dms[0]!, copy: { channel: copy.channel, ts: copy.ts } };
  }

  async function click(
    on: { channel: string; ts: string },
    key: string,
    action: 'dispatch_yes' | 'dispatch_no',
    user?: string,
  ) {
    const res = await page('/sandbox/click', { action_id: action, value: key, ...on, user });
    await sandbox.jobs.idle();
    return { status: res.status, ...((await res.json()) as { text: string; user: string; form?: string }) };
  }

  async function view(body: Record<string, unknown>) {
    const res = await page('/sandbox/view', body);
    await sandbox.jobs.idle();
    return {
      status: res.status,
      ...((await res.json()) as { text: string; closed: boolean; viewClosed?: number }),
    };
  }

  const issue = (title: string) => sandbox.github!.issues.find((i) => i.title === title)!;
  const typed = (text: string) => ({ dispatch_reason: { reason: text } });

  it('"yes" opens the form for the clicker; Dispatch\'s error keeps it open; a reason closes it and the issue', async () => {
    // Prepare
    const { title, key, dm } = await promptFor(true);
    // Act
    const clicked = await click(dm, key, 'dispatch_yes');
    const form = sandbox.slack!.views.find((v) => v.id === clicked.form)!;
    const blank = await view({ view: form.id, action: 'submit', values: typed('   ') });
    const errorShown = form.errors;
    const openAfterBlank = issue(title).state;
    const sent = await view({ view: form.id, action: 'submit', values: typed('Moving 2FA to my new phone') });
    // Assess
    expect(clicked).toMatchObject({ status: 200, user: OWNER });
    expect(clicked.text).toMatch(/^Dispatch needs a reason with “yes”: it opened a form for U024BE7LH/);
    expect(form).toMatchObject({ user: OWNER, view: { callback_id: 'dispatch_reason' } });
    expect(blank).toMatchObject({ status: 200, closed: false });
    expect(blank.text).toContain('Please say why this was you');
    expect(errorShown).toEqual({
      dispatch_reason: 'Please say why this was you: the answer counts only with a reason.',
    });
    expect(openAfterBlank).toBe('open');
    expect(sent).toMatchObject({ status: 200, closed: true });
    expect(sent.text).toMatch(/^You answered “yes” as Slack user U024BE7LH, with your reason/);
    expect(sandbox.slack!.views.some((v) => v.id === form.id)).toBe(false);
    expect(issue(title).state).toBe('closed');
    expect(issue(title).comments.at(-1)!.body).toContain('Moving 2FA to my new phone');
  });

  it('keeps a form Slack would not send (empty); Cancel closes it, tells Dispatch nothing, and the prompt stays open', async () => {
    // Prepare
    const { title, key, dm } = await promptFor(true);
    const { form } = await click(dm, key, 'dispatch_yes');
    // Act
    const empty = await view({ view: form, action: 'submit', values: typed('') });
    const cancelled = await view({ view: form, action: 'cancel' });
    const gone = await view({ view: form, action: 'submit', values: typed('late') });
    // Assess
    expect(empty).toMatchObject({
      closed: false,
      text: 'The form was not sent: Please fill out this field.',
    });
    expect(cancelled).toMatchObject({ status: 200, closed: true });
    expect(cancelled.viewClosed).toBeUndefined();
    expect(cancelled.text).toMatch(
      /^Form closed without an answer: nothing was recorded and the prompt stays open/,
    );
    expect(gone.status).toBe(404);
    expect(issue(title).state).toBe('open');
    expect(JSON.stringify(sandbox.slack!.messages.find((m) => m.ts === dm.ts)!.blocks)).toContain(
      'dispatch_yes',
    );
  });

  it('sends a signed view_closed on Cancel when the view asked for it (notify_on_close)', async () => {
    // Prepare
    const trigger = sandbox.slack!.trigger(OWNER);
    const opened = (await (
      await fetch(`${sandbox.slack!.url}/api/views.open`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer xoxb-sandbox' },
        body: JSON.stringify({
          trigger_id: trigger,
          view: {
            type: 'modal',
            callback_id: 'dispatch_reason',
            notify_on_close: true,
            title: { type: 'plain_text', text: 'Your reason' },
            blocks: [],
          },
        }),
      })
    ).json()) as { view: { id: string } };
    // Act
    const cancelled = await view({ view: opened.view.id, action: 'cancel' });
    // Assess
    expect(cancelled).toMatchObject({ status: 200, closed: true, viewClosed: 200 });
    expect(cancelled.text).toContain('Slack sent view_closed (HTTP 200)');
  });

  it("sends a click as the message's owner by default, or as the user given", async () => {
    // Prepare
    const first = await promptFor(false);
    const second = await promptFor(false);
    // Act
    const ownerOnCopy = await click(first.copy, first.key, 'dispatch_yes');
    const strangerOnCopy = await click(first.copy, first.key, 'dispatch_yes', 'U0STRANGER');
    const responderOnCopy = await click(first.copy, first.key, 'dispatch_yes', RESPONDER);
    const ownerOnDm = await click(second.dm, second.key, 'dispatch_yes');
    const malformed = await page('/sandbox/click', {
      ...second.dm,
      action_id: 'dispatch_yes',
      value: second.key,
      user: '<@U1>',
    });
    // Assess
    expect(ownerOnCopy).toMatchObject({ status: 200, user: OWNER });
    expect(ownerOnCopy.text).toContain('please answer on the DM Dispatch sent you');
    expect(strangerOnCopy).toMatchObject({ status: 200, user: 'U0STRANGER' });
    expect(strangerOnCopy.text).toBe(
      'Dispatch did not take this click: This prompt belongs to U024BE7LH; only they can answer it. Nothing was changed.',
    );
    expect(responderOnCopy.text).toMatch(
      /^You answered “yes” as Slack user U0RESPOND1 on behalf of U024BE7LH\./,
    );
    expect(issue(first.title).comments.at(-1)!.body).toContain(
      'answered by `U0RESPOND1` on behalf of `U024BE7LH`',
    );
    expect(ownerOnDm.text).toMatch(/^You answered “yes” as Slack user U024BE7LH\. /);
    expect(issue(second.title).state).toBe('closed');
    expect(malformed.status).toBe(400);
  });

  it('says what each example is: its alarm type, or the AWS service that sends it', async () => {
    // Act
    const labels = (await (await page('/sandbox/example-labels')).json()) as {
      name: string;
      kind: string;
      becomes?: string;
      title: string;
    }[];
    const by = Object.fromEntries(labels.map((l) => [l.name, l]));
    // Assess
    expect(by['guardduty-finding']).toMatchObject({ kind: 'GuardDuty', becomes: 'high-priority' });
    expect(by['guardduty-finding']!.title).toMatch(/^GuardDuty: /);
    expect(by['security-hub-finding']).toMatchObject({ kind: 'Security Hub', becomes: 'low-priority' });
    expect(by['cloudwatch-alarm-event']).toMatchObject({ kind: 'CloudWatch', becomes: 'high-priority' });
    expect(by['cloudwatch-alarm-notification']).toMatchObject({ kind: 'CloudWatch' });
    expect(by['root-sign-in']).toMatchObject({ kind: 'root sign-in', becomes: 'high-priority' });
    expect(by['self-service']).toMatchObject({
      kind: 'self-service',
      title: 'Two-factor authentication turned off for alice',
    });
  });
});
