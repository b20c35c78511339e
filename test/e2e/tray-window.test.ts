// The tray window in headless Chromium against the real daemon (`cordon run`): findings, countdown, languages, Fix now, live updates.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevBridge, type DevBridge } from '../../tray/devbridge/server.js';
import { ENFORCE_NOW_POLICY, NO_PROCESSES, makeAgentFixture, type AgentFixture } from '../support/agentFixture.js';
import { axeViolations, launchChromium, screenshot, seriousOrWorse, watchProblems } from '../tray/support/browser.js';

/** Warns now; removal becomes due three days from the test run, so the countdown has days, hours, minutes and seconds. */
const warningPolicy = (deadline: string): string =>
  `${ENFORCE_NOW_POLICY(1, 'report, notify')}      - { from: ${deadline}, actions: [report, notify, kill, quarantine] }\n`;

let fx: AgentFixture;
let browser: Browser;
let bridge: DevBridge;
const deadline = new Date(Date.now() + 3 * 86_400_000 + 3_723_000).toISOString().replace(/\.\d+Z$/, 'Z');

function install(version: string): string {
  const versions = path.join(fx.home, '.local', 'share', 'claude', 'versions');
  fs.mkdirSync(versions, { recursive: true });
  fs.copyFileSync('/bin/true', path.join(versions, version));
  return path.join(fx.home, '.local', 'share', 'claude');
}

beforeAll(async () => {
  fx = makeAgentFixture({ processScope: NO_PROCESSES });
  fx.writePolicy('test-ban.yaml', warningPolicy(deadline));
  install('2.1.0');
  await fx.start();
  browser = await launchChromium();
  bridge = await startDevBridge({ socketPath: fx.socketPath, user: 'nobody-until-hello', initialRetryMs: 50, maxRetryMs: 200 });
});

afterAll(async () => {
  await bridge?.close();
  await browser?.close();
  fx?.cleanup();
});

async function open(locale: string): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale, viewport: { width: 1000, height: 760 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(bridge.url);
  await page.locator('.finding').first().waitFor();
  return { page, problems };
}

describe('tray window against the real daemon', () => {
  it('shows the finding with the policy reason, alternative and a ticking countdown, in English', async () => {
    const { page, problems } = await open('en-US');
    expect(await page.locator('#status-badge').textContent()).toBe('Action needed');
    await expect.poll(() => page.locator('#summary').textContent(), { timeout: 5000 }).toBe('1 item(s) to remove before the deadline');
    expect(await page.locator('#findings h2').allTextContents()).toEqual([expect.stringMatching(/^Remove Claude Code by .* \(3 days left\)$/)]);
    expect(await page.locator('.why').first().textContent()).toBe('Why: Claude Code is not allowed on company machines.');
    expect(await page.getByRole('link', { name: 'Qoder' }).first().getAttribute('href')).toBe('https://qoder.com');
    expect(await page.locator('.finding').count()).toBe(1);
    expect(await page.locator('.finding-where').allTextContents()).toEqual([
      path.join(fx.home, '.local', 'share', 'claude'),
      path.join(fx.home, '.local', 'share', 'claude', 'versions', '2.1.0'),
    ]);
    const countdown = page.locator('.countdown').first();
    const first = await countdown.textContent();
    expect(first).toMatch(/^3d 01h \d\dm \d\ds$/);
    await expect.poll(() => countdown.textContent(), { timeout: 3000 }).not.toBe(first);
    await screenshot(page, 'daemon-warning-en');
    expect(seriousOrWorse(await axeViolations(page))).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('speaks Simplified Chinese when the OS does, policy message included', async () => {
    const { page } = await open('zh-CN');
    expect(await page.locator('#heading-findings').textContent()).toBe('本机的发现项');
    expect(await page.locator('.why').first().textContent()).toBe('原因：公司电脑上不允许使用 Claude Code。');
    expect(await page.locator('.countdown').first().textContent()).toMatch(/^3天 01小时 \d\d分 \d\d秒$/);
    await screenshot(page, 'daemon-warning-zh');
    await page.context().close();
  });

  it('shows the agent’s own transparency account and the policy’s signer', async () => {
    const { page } = await open('en-US');
    await page.getByRole('link', { name: 'What Cordon checks' }).click();
    await page.locator('#transparency section, #transparency pre').first().waitFor();
    expect((await page.locator('#transparency').textContent())?.length).toBeGreaterThan(100);
    await screenshot(page, 'daemon-transparency');
    expect(seriousOrWorse(await axeViolations(page))).toEqual([]);
    await page.getByRole('link', { name: 'Policy' }).click();
    expect(await page.locator('#policies dl').textContent()).toContain('test-it');
    await screenshot(page, 'daemon-policy');
    await page.context().close();
  });

  it('Fix now makes the daemon quarantine the install, and the window updates live, history included', async () => {
    const { page } = await open('en-US');
    const installed = path.join(fx.home, '.local', 'share', 'claude');
    await page.getByRole('button', { name: `Fix now: Claude Code at ${installed}`, exact: true }).click();
    await page.locator('.chip-remediated').first().waitFor({ state: 'attached', timeout: 10_000 });
    await expect.poll(() => page.locator('#findings .chip-open').count(), { timeout: 10_000 }).toBe(0);
    // The move runs in the quarantine queue, apart from the pass that answered the click.
    await expect.poll(() => fs.existsSync(installed), { timeout: 10_000 }).toBe(false);
    await expect.poll(() => page.locator('#status-badge').textContent(), { timeout: 10_000 }).toBe('Compliant');
    await screenshot(page, 'daemon-fixed');
    await page.getByRole('link', { name: 'History' }).click();
    await page.locator('#history table').waitFor();
    expect(await page.locator('#history tbody').textContent()).toContain('Moved to quarantine');
    await screenshot(page, 'daemon-history');
    expect(seriousOrWorse(await axeViolations(page))).toEqual([]);
    await page.getByRole('link', { name: 'Findings' }).click();
    install('2.2.0');
    await page.locator('#findings .chip-open').first().waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('#status-badge').textContent(), { timeout: 10_000 }).toBe('Action needed');
    await page.context().close();
  });
});
