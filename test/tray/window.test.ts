// The tray window in real headless Chromium through the dev bridge, against a scripted daemon (states the real one rarely shows).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startDevBridge, type DevBridge } from '../../tray/devbridge/server.js';
import { axeViolations, launchChromium, screenshot, seriousOrWorse, watchProblems } from './support/browser.js';
import { findingFixture, startFakeDaemon, statusFixture, type FakeDaemon } from './support/fakeDaemon.js';

const soon = (ms: number): string => new Date(Date.now() + ms).toISOString();
const findings = () => [
  findingFixture({ deadline: soon(3 * 86_400_000 + 5_000_000) }),
  findingFixture({
    id: 'f-proc',
    kind: 'process',
    pid: 4242,
    path: '/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js',
    deadline: soon(3 * 86_400_000 + 5_000_000),
  }),
  findingFixture({
    id: 'f-desktop',
    tool: 'claude-desktop',
    toolName: 'Claude Desktop',
    user: 'bob',
    path: '/home/bob/.local/share/Claude',
    actions: ['report', 'notify', 'kill', 'quarantine'],
    deadline: undefined,
  }),
];

let browser: Browser;
let daemon: FakeDaemon;
let bridge: DevBridge;

beforeAll(async () => {
  browser = await launchChromium();
  daemon = await startFakeDaemon(statusFixture(findings()), {
    owner: 'alice',
    history: [{ time: '2026-07-01T06:00:00Z', event: 'kill', tool: 'claude-code', pid: 4100, outcome: 'killed', detail: 'SIGTERM' }],
    explain: { reads: ['the process list (/proc)', 'install locations under every home'], runs: ['nothing'], sends: { collector: 'none configured' } },
  });
  bridge = await startDevBridge({ socketPath: daemon.socketPath, user: 'alice', initialRetryMs: 50, maxRetryMs: 100 });
});

afterAll(async () => {
  await bridge?.close();
  await daemon?.stop();
  await browser?.close();
});

async function open(locale: string, hash = ''): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale, viewport: { width: 1000, height: 760 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${bridge.url}${hash}`);
  await page.locator('.finding').first().waitFor({ state: 'attached' });
  return { page, problems };
}

describe('tray window (scripted daemon)', () => {
  it('groups findings by tool with the reason, alternatives, a ticking countdown, and Fix now only for own findings', async () => {
    const { page, problems } = await open('en-US');
    expect(await page.locator('#findings section.headline h2').allTextContents()).toEqual([
      'Claude Desktop is past its deadline: it is being removed',
      expect.stringMatching(/^Remove claude-code by .* \(3 days left\)$/),
    ]);
    expect(await page.locator('.why').first().textContent()).toBe('Why: Anthropic tools are banned from July 10, 2026.');
    expect(await page.getByRole('link', { name: 'Qoder' }).first().getAttribute('href')).toBe('https://qoder.example/');
    expect(await page.getByRole('button', { name: /^Fix now/ }).count()).toBe(2);
    expect(await page.getByRole('button', { name: 'Fix all (2)' }).count()).toBe(1);
    expect(await page.getByText('Belongs to another user: IT will handle it.').count()).toBe(1);
    const countdown = page.locator('.countdown').first();
    const before = await countdown.textContent();
    expect(before).toMatch(/^3d \d\dh \d\dm \d\ds$/);
    await expect.poll(() => countdown.textContent(), { timeout: 3000 }).not.toBe(before);
    await screenshot(page, 'scripted-warning-en');
    expect(seriousOrWorse(await axeViolations(page))).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('follows a Chinese OS locale', async () => {
    const { page } = await open('zh-CN');
    expect(await page.locator('h1:visible').textContent()).toBe('本机的发现项');
    expect(await page.locator('.why').first().textContent()).toBe('原因：自 2026 年 7 月 10 日起禁止使用 Anthropic 工具。');
    expect(await page.locator('.countdown').first().textContent()).toMatch(/^3天 \d\d小时 \d\d分 \d\d秒$/);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await screenshot(page, 'scripted-warning-zh');
    await page.context().close();
  });

  it('shows the policy, history and transparency pages, each accessible', async () => {
    const { page } = await open('en-US', '#policy');
    expect(await page.locator('#policies dl').textContent()).toContain('it-sec-2026');
    await screenshot(page, 'scripted-policy');
    expect(seriousOrWorse(await axeViolations(page))).toEqual([]);
    await page.getByRole('link', { name: 'History' }).click();
    await page.locator('#history table').waitFor();
    expect(await page.locator('#history tbody tr').first().innerText()).toMatch(/Program stopped\s+claude-code\s+Running \(process 4100\)\s+Stopped\./);
    await screenshot(page, 'scripted-history');
    expect(seriousOrWorse(await axeViolations(page))).toEqual([]);
    await page.getByRole('link', { name: 'What Cordon checks' }).click();
    await page.locator('#transparency section').first().waitFor();
    expect(await page.locator('#transparency').textContent()).toContain('the process list (/proc)');
    await screenshot(page, 'scripted-transparency');
    expect(seriousOrWorse(await axeViolations(page))).toEqual([]);
    await page.context().close();
  });

  it('is usable by keyboard: Tab reaches Fix now with a visible focus ring, Enter remediates', async () => {
    const { page } = await open('en-US');
    let focused: { fix?: string; outline: string } | null = null;
    for (let i = 0; i < 20 && !focused?.fix; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return { fix: el.dataset.fix, outline: getComputedStyle(el).outlineStyle };
      });
    }
    expect(focused).toEqual({ fix: 'f-claude-code-1', outline: 'solid' });
    await page.keyboard.press('Enter');
    await page.locator('[data-finding="f-claude-code-1"] .chip-remediated').waitFor({ state: 'attached' });
    expect(daemon.requests.filter((r) => r.method === 'remediate').map((r) => r.params)).toEqual([{ finding: 'f-claude-code-1' }]);
    await page.context().close();
  });

  it('skips to the content of the current page without leaving it', async () => {
    const { page } = await open('en-US', '#policy');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('skip-link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => [document.activeElement?.id, location.hash])).toEqual(['main', '#policy']);
    expect(await page.locator('#page-policy').isVisible()).toBe(true);
    await page.context().close();
  });

  it('asks the daemon to scan when Scan now is pressed', async () => {
    const { page } = await open('en-US');
    const before = daemon.requests.filter((r) => r.method === 'scan').length;
    await page.getByRole('button', { name: 'Scan now' }).click();
    await expect.poll(() => daemon.requests.filter((r) => r.method === 'scan').length).toBe(before + 1);
    await page.context().close();
  });

  it('shows why a Fix now failed, next to the finding', async () => {
    const failing = await startFakeDaemon(statusFixture(findings()), { owner: 'alice', failRemediation: 'the folder is in use' });
    const failingBridge = await startDevBridge({ socketPath: failing.socketPath, user: 'alice' });
    try {
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      await page.goto(failingBridge.url);
      await page.locator('[data-fix="f-proc"]').click();
      const alert = page.locator('[data-finding="f-proc"] [role="alert"]');
      await alert.waitFor();
      expect(await alert.textContent()).toBe('Could not fix: the folder is in use');
      expect(await page.locator('[data-fix="f-proc"]').isEnabled()).toBe(true);
      await screenshot(page, 'scripted-fix-failed');
      await context.close();
    } finally {
      await failingBridge.close();
      await failing.stop();
    }
  });

  it('shows the agent as unreachable, keeps the last findings, and recovers live', async () => {
    const { page } = await open('en-US');
    await daemon.stop();
    await page.getByRole('alert').filter({ hasText: 'The Cordon agent is not answering' }).waitFor();
    expect(await page.getByRole('button', { name: /^Fix now/ }).count()).toBe(0);
    await screenshot(page, 'scripted-unreachable');
    expect(seriousOrWorse(await axeViolations(page))).toEqual([]);
    await daemon.restart();
    daemon.setStatus(statusFixture([]));
    await page.getByText('Nothing to fix. This computer complies with every policy.').waitFor();
    await screenshot(page, 'scripted-compliant');
    await page.context().close();
  });
});
