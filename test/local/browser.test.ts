/**
 * The sandbox in a real browser (Debian's Chromium driven by playwright-core): send the self-service example,
 * answer "no" in the DM, and see the issue escalated and the incident listed.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox.ts';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('sandbox page in Chromium', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, source: {} });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  it('escalates a self-service alarm when the user clicks "no"', async () => {
    // Prepare
    const page = await browser.newPage();
    await page.goto(`${sandbox.url}/`);
    // Act
    await page.getByTestId('example-self-service').click();
    const no = page.locator('[data-testid="dm"] [data-testid="button-dispatch_no"]');
    await no.waitFor({ timeout: 15_000 });
    await expect
      .poll(() => page.locator('[data-testid="dm"] >> text=Audit trail on GitHub').count(), {
        timeout: 10_000,
      })
      .toBe(1);
    await no.click();
    // Assess
    const issue = page.locator('[data-testid="issue"]');
    await expect
      .poll(() => issue.locator('[data-testid="label"]').allTextContents(), { timeout: 15_000 })
      .toContain('escalated');
    expect(await issue.getAttribute('data-state')).toBe('open');
    await expect.poll(() => page.locator('[data-testid="incident"]').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('[data-testid="incident"]').textContent()).toContain(
      'the user says it was not them',
    );
    await expect
      .poll(() => page.locator('[data-testid="dm"] [data-testid="button-dispatch_no"]').count(), {
        timeout: 10_000,
      })
      .toBe(0);
    expect(await issue.locator('[data-testid="comment"]').first().textContent()).toMatch(
      /Answered \*\*no\*\*/,
    );
  }, 60_000);
});
