/**
 * Answering on the sandbox page in a real browser: the reason form a requireReason prompt's "yes" opens (Cancel,
 * Dispatch's error under the text box, a reason that closes the issue), "Click as" a responder or someone else on
 * the responder copy, and what the AWS example buttons say they are. Skipped without /usr/bin/chromium, like the
 * other browser tests.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox.ts';
import { hasChromium, launchChromium } from '../helpers/chromium.ts';

const RESPONDER = 'U0RESPOND1';

/** The rendered text of the "What happened" card of the alarm titled `title`. */
const timeline = (page: Page, title: string) =>
  page.locator('[data-testid="alarm"]', { hasText: title }).first().innerText();

describe.skipIf(!hasChromium)('answering on the sandbox page', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      source: { DISPATCH_RESPONDERS: RESPONDER, DISPATCH_PROMPT_REQUIRE_REASON: 'true' },
    });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  it('"yes" opens the reason form: Cancel leaves the prompt open, a reason closes the issue quoting it', async () => {
    // Prepare
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${sandbox.url}/`);
    await page.getByTestId('example-self-service').click();
    const dm = page.locator('[data-testid="dm"][data-channel^="D"]', { hasText: 'Two-factor' });
    await dm.getByText('Audit trail on GitHub').waitFor({ timeout: 10_000 });
    const issue = page.locator('[data-testid="issue"]', { hasText: 'Two-factor' });
    const form = page.getByTestId('slack-view');
    // Act: "yes", then Cancel
    await dm.getByTestId('button-dispatch_yes').click();
    await form.waitFor({ timeout: 5_000 });
    const asked = await form.innerText();
    await form.getByTestId('view-cancel').click();
    await expect.poll(() => form.count()).toBe(0);
    const afterCancel = await page.getByTestId('feedback').innerText();
    // Act: "yes" again, a blank reason, then a reason
    await dm.getByTestId('button-dispatch_yes').click();
    await form.getByTestId('view-input').fill('   ');
    await form.getByTestId('view-submit').click();
    const error = await form.getByTestId('view-error').innerText();
    await form.getByTestId('view-input').fill('Moving 2FA to my new phone');
    await form.getByTestId('view-submit').click();
    // Assess
    expect(asked).toContain('Your reason');
    expect(asked).toContain('Why was this you?');
    expect(afterCancel).toMatch(
      /^Form closed without an answer: nothing was recorded and the prompt stays open/,
    );
    expect(error).toBe('Please say why this was you: the answer counts only with a reason.');
    await expect.poll(() => form.count()).toBe(0);
    await expect.poll(() => issue.getAttribute('data-state'), { timeout: 10_000 }).toBe('closed');
    const comment = await issue.getByTestId('comment').last().innerText();
    expect(comment).toContain('Reason given by U024BE7LH');
    expect(comment).toContain('Moving 2FA to my new phone');
    expect(await timeline(page, 'Two-factor')).toContain(
      '“yes” clicked by U024BE7LH: Dispatch opened a form asking why',
    );
    await page.close();
  }, 30_000);

  it('on the responder copy, someone else is refused and a responder answers on behalf of the owner', async () => {
    // Prepare
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${sandbox.url}/`);
    await page.getByTestId('example-ssh-key').click();
    const copy = page.locator('[data-testid="dm"][data-channel="C0SECURITY"]', { hasText: 'new SSH key' });
    await copy.getByText('For the security team').waitFor({ timeout: 10_000 });
    const clickAs = page.getByTestId('click-as');
    // Act: someone else
    await clickAs.selectOption({ label: 'someone else (U0STRANGER)' });
    await copy.getByTestId('button-dispatch_yes').click();
    await expect.poll(() => page.getByTestId('feedback').innerText()).toContain('Dispatch did not take');
    const refused = await page.getByTestId('feedback').innerText();
    // Act: a responder
    await clickAs.selectOption({ label: `${RESPONDER} (responder)` });
    await copy.getByTestId('button-dispatch_no').click();
    // Assess
    expect(refused).toBe(
      'Dispatch did not take this click: This prompt belongs to U0G9QF9C6; only they can answer it. Nothing was changed.',
    );
    await expect
      .poll(() => copy.innerText(), { timeout: 10_000 })
      .toContain(`This was answered by @${RESPONDER} on behalf of @U0G9QF9C6`);
    expect(await timeline(page, 'New SSH key')).toContain(
      `answered “no” by Slack user ${RESPONDER} on behalf of U0G9QF9C6`,
    );
    expect(await page.getByTestId('feedback').innerText()).toMatch(
      new RegExp(`^You answered “no” as Slack user ${RESPONDER} on behalf of U0G9QF9C6\\.`),
    );
    await page.close();
  }, 30_000);

  it('labels each AWS example with the service that sends it and what it becomes', async () => {
    // Act
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${sandbox.url}/`);
    const kind = (name: string) =>
      page.getByTestId(`example-${name}`).getByTestId('example-kind').innerText();
    // Assess
    expect(await kind('guardduty-finding')).toBe('GuardDuty → high-priority');
    expect(await kind('security-hub-finding')).toBe('Security Hub → low-priority');
    expect(await kind('cloudwatch-alarm-event')).toBe('CloudWatch → high-priority');
    expect(await kind('root-sign-in')).toBe('root sign-in → high-priority');
    expect(await kind('self-service')).toBe('self-service');
    expect(await page.getByTestId('example-guardduty-finding').innerText()).toContain(
      'GuardDuty: Credentials',
    );
    await page.close();
  });
});
