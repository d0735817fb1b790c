/**
 * Snooze on the sandbox page in a real browser (issue 15): the nag example's DM shows the snooze choice, choosing
 * "1 hour" sends the signed click, and the DM then says until when it is snoozed. Skipped without
 * /usr/bin/chromium, like the other browser tests.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox.ts';
import { hasChromium, launchChromium } from '../helpers/chromium.ts';

describe.skipIf(!hasChromium)('snooze on the sandbox page', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, source: {} });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  it('snoozes the nag from its DM for an hour', async () => {
    // Prepare
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${sandbox.url}/`);
    await page.getByTestId('example-nag').click();
    const dm = page.locator('[data-testid="dm"]', { hasText: 'nightly backup' }).first();
    const choice = dm.getByTestId('select-dispatch_snooze');
    await choice.waitFor({ timeout: 10_000 });
    // Act
    await choice.selectOption({ label: '1 hour' });
    // Assess
    await expect.poll(() => dm.innerText(), { timeout: 10_000 }).toContain('Snoozed by');
    expect(await dm.getByTestId('select-dispatch_snooze').count()).toBe(0);
    expect(await page.getByTestId('feedback').innerText()).toContain('snooze 1h');
  });
});
