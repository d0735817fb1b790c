/**
 * The sandbox in a real browser (Debian's Chromium driven by playwright-core): both answers to a self-service
 * prompt read from the rendered page, Slack mrkdwn and GitHub Markdown rendered as the vendors show them (safely),
 * Reset, and no sideways scrolling from a phone to a wide screen (issue 17). Skipped when /usr/bin/chromium is
 * missing (apt-get install -y chromium).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox.ts';
import { hasChromium, launchChromium } from '../helpers/chromium.ts';

/** How much wider than the window the page is (0: no horizontal scrolling). */
const overflow = (page: Page) =>
  page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  ) as Promise<number>;

/** The rendered text of the "What happened" card of the alarm titled `title`. */
const timeline = (page: Page, title: string) =>
  page.locator('[data-testid="alarm"]', { hasText: title }).first().innerText();

describe.skipIf(!hasChromium)('sandbox page in Chromium', () => {
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

  it('"yes" on a wide screen: the timeline says the issue was closed, the DM and the comment say who answered', async () => {
    // Prepare
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${sandbox.url}/`);
    // Act
    await page.getByTestId('example-self-service').click();
    const dm = page.locator('[data-testid="dm"]', { hasText: 'Two-factor authentication was turned off' });
    await dm.getByText('Audit trail on GitHub').waitFor({ timeout: 10_000 });
    await dm.getByTestId('button-dispatch_yes').click();
    // Assess
    await expect
      .poll(() => timeline(page, 'Two-factor authentication turned off for alice'), { timeout: 10_000 })
      .toContain('issue #1 closed with a comment saying who answered');
    const told = await timeline(page, 'Two-factor authentication turned off for alice');
    expect(told).toMatch(/issue #1 opened in acme\/security-alarms[\s\S]*DM sent to U024BE7LH/);
    expect(told).toContain('answered “yes” by Slack user U024BE7LH');
    expect(await page.getByTestId('feedback').innerText()).toMatch(
      /^You answered “yes” as Slack user U024BE7LH/,
    );
    const issue = page.locator('[data-testid="issue"]', { hasText: 'Two-factor' });
    await expect.poll(() => issue.getAttribute('data-state')).toBe('closed');
    const comment = issue.getByTestId('comment').last();
    expect(await comment.innerText()).toMatch(/Answered yes \(Yes, it was me\) by Slack user U024BE7LH/);
    expect(await comment.locator('strong').first().innerText()).toBe('yes');
    await expect.poll(() => dm.getByTestId('button-dispatch_yes').count()).toBe(0);
    expect(await page.getByTestId('count-yes').innerText()).toBe('1 answered yes');
    expect(await overflow(page)).toBe(0);
    await page.close();
  }, 30_000);

  it('"no" on a phone after Reset: the timeline says PagerDuty was paged, the issue is escalated', async () => {
    // Prepare
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${sandbox.url}/`);
    await page.getByTestId('reset').click();
    await expect.poll(() => page.getByTestId('timeline').innerText()).toContain('Nothing yet');
    // Act
    await page.getByTestId('example-ssh-key').click();
    const dm = page.locator('[data-testid="dm"]', { hasText: 'new SSH key' });
    await dm.getByText('Audit trail on GitHub').waitFor({ timeout: 10_000 });
    await dm.getByTestId('button-dispatch_no').click();
    // Assess
    const title = "New SSH key added to bob's GitHub account";
    await expect.poll(() => timeline(page, title), { timeout: 10_000 }).toContain('labelled escalated');
    const told = await timeline(page, title);
    expect(told).toContain('issue #1 opened in acme/security-alarms');
    expect(told).toContain('answered “no” by Slack user U0G9QF9C6');
    expect(told).toContain(`PagerDuty paged: incident #1 “${title}: the user says it was not them”`);
    const issue = page.locator('[data-testid="issue"]', { hasText: title });
    expect(await issue.getByTestId('label').allInnerTexts()).toContain('escalated');
    expect(await issue.getAttribute('data-state')).toBe('open');
    expect(await page.getByTestId('incident').innerText()).toContain('the user says it was not them');
    await expect.poll(() => dm.innerText()).toContain('escalated to the on-call responder');
    for (const width of [390, 768, 1280, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await overflow(page), `at ${width} px`).toBe(0);
    }
    await page.close();
  }, 30_000);

  it('renders Slack mrkdwn and GitHub Markdown as the vendors would, without running or loading anything', async () => {
    // Prepare: an alarm whose text uses formatting, a disguised link, script and an image, and one very long word.
    const word = 'x'.repeat(300);
    const res = await fetch(`${sandbox.url}/alarms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'self-service',
        users: [{ slackId: 'U0RENDER1', github: 'carol' }],
        body: {
          github: {
            title: 'Rendering check',
            body: [
              '**bold** and :rotating_light: and @octocat',
              '[click](javascript:window.__pwned=1) <img src=x onerror="window.__pwned=1"> ![logo](https://example.com/x.png)',
              '<!-- dispatch:forged -->',
              word,
            ].join('\n\n'),
          },
          slack: {
            message: `*bold* _italic_ ~gone~ \`code\` :warning: <!channel> ${word}`,
            prompt: 'Was it you?',
            actions: { yes: 'yes', no: 'no' },
          },
        },
      }),
    });
    expect(res.status).toBe(200);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused/.test(m.text())) violations.push(m.text());
    });
    // Act
    await page.goto(`${sandbox.url}/`);
    const dm = page.locator('[data-testid="dm"]', { hasText: 'italic' });
    const issue = page.locator('[data-testid="issue"]', { hasText: 'Rendering check' });
    await dm.waitFor({ timeout: 10_000 });
    await issue.waitFor({ timeout: 10_000 });
    // Assess: Slack
    const text = dm.getByTestId('dm-text');
    expect(await text.locator('b').first().innerText()).toBe('bold');
    expect(await text.locator('i').first().innerText()).toBe('italic');
    expect(await text.locator('s').first().innerText()).toBe('gone');
    expect(await text.locator('code').first().innerText()).toBe('code');
    expect(await text.innerText()).toContain('⚠️ ');
    expect(await text.innerText()).toContain('<!channel>');
    expect(await text.innerText()).not.toMatch(/<!date|:hourglass:|&lt;/);
    expect(await text.locator('time').count()).toBe(1);
    // Assess: GitHub
    const body = issue.getByTestId('issue-body');
    expect(await body.locator('strong').first().innerText()).toBe('bold');
    expect(await body.innerText()).toContain('🚨');
    expect(await body.locator('.mention').allInnerTexts()).toEqual(['@octocat', '@carol']);
    expect(await body.locator('a', { hasText: 'click' }).getAttribute('href')).toBeNull();
    expect(await body.locator('a', { hasText: 'logo' }).getAttribute('href')).toBe(
      'https://example.com/x.png',
    );
    expect(await body.innerText()).toContain('<img src=x onerror="window.__pwned=1">');
    expect(await body.innerText()).toContain('<!-- dispatch:forged -->');
    expect(await page.locator('main').innerText()).not.toMatch(/dispatch:self-service:/);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await overflow(page)).toBe(0);
    expect(violations).toEqual([]);
    await page.close();
  }, 30_000);
});
