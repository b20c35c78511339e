// The employee's experience in the tray window, in headless Chromium against the real daemon: one headline per tool with
// its deadline in the employee's zone and the policy's, one finding per install, upcoming rules, plain history, all of it in Chinese too.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltInCatalog } from '../../agent/adapters/catalogFiles.js';
import { startDevBridge, type DevBridge } from '../../tray/devbridge/server.js';
import { NO_PROCESSES, TEST_POLICY_HEAD, makeAgentFixture, type AgentFixture } from '../support/agentFixture.js';
import { axeViolations, launchChromium, screenshot, seriousOrWorse, watchProblems } from '../tray/support/browser.js';

/** A time `days` from now at 18:00 in UTC+08:00, written the way a policy in Shanghai writes it. */
function shanghaiAt(days: number, hour: number): string {
  const d = new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000);
  const date = d.toISOString().slice(0, 10);
  return `${date}T${String(hour).padStart(2, '0')}:00:00+08:00`;
}

const deadline = shanghaiAt(3, 18);
const codexFrom = shanghaiAt(1, 9);
const POLICY = `${TEST_POLICY_HEAD(1)}  - id: claude-code
    tools: [claude-code]
    phases:
      - { from: 2026-01-01T00:00:00Z, actions: [report, notify] }
      - { from: ${deadline}, actions: [report, notify, kill, quarantine] }
  - id: codex
    tools: [codex-cli]
    phases:
      - { from: ${codexFrom}, actions: [report, notify] }
exemptions:
  - { rules: [codex], users: [root], until: 2027-06-30T00:00:00Z, reason: migration pilot }
  - { rules: [codex], users: [somebody-else], until: 2027-06-30T00:00:00Z, reason: not yours }
`;

let fx: AgentFixture;
let browser: Browser;
let bridge: DevBridge;
const catalog = loadBuiltInCatalog();

function installNative(version: string): string[] {
  const versions = path.join(fx.home, '.local', 'share', 'claude', 'versions');
  fs.mkdirSync(versions, { recursive: true });
  fs.copyFileSync('/bin/true', path.join(versions, version));
  fs.mkdirSync(path.join(fx.home, '.local', 'bin'), { recursive: true });
  fs.rmSync(path.join(fx.home, '.local', 'bin', 'claude'), { force: true });
  fs.symlinkSync(path.join(versions, version), path.join(fx.home, '.local', 'bin', 'claude'));
  return [path.join(fx.home, '.local', 'bin', 'claude'), path.join(fx.home, '.local', 'share', 'claude'), path.join(versions, version)];
}

beforeAll(async () => {
  fx = makeAgentFixture({ processScope: NO_PROCESSES });
  fx.writePolicy('test-ban.yaml', POLICY);
  installNative('2.1.0');
  await fx.start();
  browser = await launchChromium();
  bridge = await startDevBridge({ socketPath: fx.socketPath, user: 'nobody-until-hello', initialRetryMs: 50, maxRetryMs: 200 });
});

afterAll(async () => {
  // The browser first: a page a failed test left open would otherwise keep the bridge's connections alive.
  await browser?.close();
  await bridge?.close();
  fx?.cleanup();
});

async function open(locale: string, timezoneId = 'Asia/Shanghai', hash = ''): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale, timezoneId, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${bridge.url}${hash}`);
  await page.locator('#findings .card, #findings .fix-all').first().waitFor({ state: 'attached' });
  return { page, problems };
}

async function visit(page: Page, name: string, target: 'findings' | 'history' | 'policy' | 'transparency'): Promise<void> {
  await page.locator(`#nav a[data-page="${target}"]`).click();
  if (target === 'history') await page.locator('#history table, #history .empty').first().waitFor();
  if (target === 'transparency') await page.locator('#transparency section').first().waitFor();
  if (target === 'policy') await page.locator('#policies section').first().waitFor();
  await screenshot(page, name);
}

/**
 * Latin words left on a Chinese page, after removing what is rightly not translated: product and vendor names, the
 * policy's own identifiers and words, user and host names, paths and code (marked up as such), and units.
 */
async function englishLeft(page: Page, allowed: readonly string[]): Promise<string[]> {
  const text = await page.evaluate(() => {
    const main = document.querySelector('main') as HTMLElement;
    const clone = main.cloneNode(true) as HTMLElement;
    for (const hidden of Array.from(clone.querySelectorAll('[hidden], code, .finding-where, td.mono'))) hidden.remove();
    const chrome = [
      document.querySelector('#status-badge'),
      document.querySelector('#scan-now'),
      document.querySelector('#nav'),
      document.querySelector('#footer'),
    ];
    return [clone.innerText, ...chrome.map((e) => (e as HTMLElement | null)?.innerText ?? '')].join('\n');
  });
  let rest = text.replace(/(?:https?:\/\/|~\/|\/)[^\s，。：；（）、]+/g, ' ');
  for (const a of [...allowed].sort((x, y) => y.length - x.length)) rest = rest.split(a).join(' ');
  return [...new Set(rest.match(/[A-Za-z]{2,}/g) ?? [])];
}

describe('the employee’s tray window against the real daemon', () => {
  it('leads with one headline per tool: the deadline in the employee’s zone and the policy’s, days left, what happens then', async () => {
    const { page, problems } = await open('en-US');
    const headline = page.locator('.headline h2');
    expect(await headline.allTextContents()).toHaveLength(1);
    expect(await headline.first().textContent()).toMatch(/^Remove Claude Code by \w{3}, \w{3} \d{1,2}, 18:00 China Standard Time \(3 days left\)$/);
    const facts = await page.locator('.headline-facts').first().innerText();
    expect(facts).toMatch(/Policy time:?\s+\w{3}, \w{3} \d{1,2}, 18:00 UTC\+08:00/);
    expect(facts).toMatch(/At the deadline:?\s+running copies are stopped; installs are moved to quarantine \(kept, restorable\)/);
    expect(problems).toEqual([]);
    await screenshot(page, 'experience-findings-en');
    expect(seriousOrWorse(await axeViolations(page))).toEqual([]);
    await page.context().close();

    const ny = await open('en-US', 'America/New_York');
    expect(await ny.page.locator('.headline h2').first().textContent()).toMatch(
      /^Remove Claude Code by \w{3}, \w{3} \d{1,2}, 05:00 Eastern Standard Time \(3 days left\)$/,
    );
    await ny.page.context().close();
  });

  it('shows one install as one finding with every path of it, one Fix now, and the catalog’s steps to remove it by hand', async () => {
    const { page } = await open('en-US');
    const paths = installNative('2.1.0');
    expect(await page.locator('.headline .finding').count()).toBe(1);
    expect(await page.locator('.headline .finding .finding-where').allTextContents()).toEqual(paths);
    expect(await page.locator('.headline .finding .finding-kind').textContent()).toBe('native installer');
    expect(await page.getByRole('button', { name: /^Fix now/ }).count()).toBe(1);
    await page.locator('.steps summary').first().click();
    expect(await page.locator('.steps p').first().textContent()).toContain('claude uninstall');
    await page.context().close();
  });

  it('shows the rules that start later: from tomorrow, Codex CLI is restricted', async () => {
    const { page } = await open('en-US');
    const line = await page.locator('[data-upcoming="test-ban/codex"]').textContent();
    expect(line).toMatch(
      /^From tomorrow, \w{3}, \w{3} \d{1,2}, 09:00 China Standard Time: OpenAI Codex CLI is restricted \(it is recorded; you are notified\)$/,
    );
    await page.context().close();
  });

  it('shows the policy’s phases with dates and only the exemptions that concern this user', async () => {
    const { page } = await open('en-US', 'Asia/Shanghai', '#policy');
    await page.locator('#policies section').first().waitFor();
    const rule = page.locator('[data-rule="claude-code"]');
    expect(await rule.locator('h3').textContent()).toBe('Tools: Claude Code');
    expect(await rule.locator('.phase').allInnerTexts()).toEqual([
      expect.stringMatching(/^From .*: it is recorded; you are notified\s*in force now$/),
      expect.stringMatching(
        /^From .*18:00 China Standard Time \(.*18:00 UTC\+08:00\): it is recorded; you are notified; running copies are stopped; installs are moved to quarantine \(kept, restorable\)\s*next$/,
      ),
    ]);
    expect(await page.locator('ul.exemptions li').allTextContents()).toEqual([expect.stringMatching(/^Until .*: migration pilot$/)]);
    await page.context().close();
  });

  it('speaks Chinese on every page, with no English left but names, paths and the policy’s own words', async () => {
    const { page, problems } = await open('zh-CN');
    expect(await page.locator('.headline h2').first().textContent()).toMatch(/^请在 \d{1,2}月\d{1,2}日周. 18:00 中国标准时间 前移除 Claude Code（还剩 3 天）$/);
    const names = catalog.tools.flatMap((t) => [t.name, t.vendor]);
    const allowed = [
      ...names,
      'Cordon',
      'Qoder',
      'test-ban',
      'test-it',
      'Test IT',
      'root',
      'SHA-256',
      'MiB',
      'API',
      'JSON',
      'SDK',
      'UTC',
      'IT',
      'AI',
      'Linux',
      'Windows',
      'macOS',
      'notify-send',
      'ps-list',
      'ps',
      'tasklist',
      'status.json',
      'audit.jsonl',
      'security.jsonl',
      'exception-requests.json',
      'cordon.db',
      'osquery',
      'Jamf',
      'Intune',
      'MCP',
      'ID',
      'policyHelper',
      'sock_diag',
      'cordon',
      'migration pilot',
      'not yours',
      fx.home,
      (await page.evaluate(() => document.querySelector('#footer')?.textContent ?? '')).split('主机 ')[1] ?? '',
    ];
    const leftovers: Record<string, string[]> = {};
    for (const target of ['findings', 'history', 'policy', 'transparency'] as const) {
      await visit(page, `experience-${target}-zh`, target);
      leftovers[target] = await englishLeft(page, allowed);
    }
    expect(leftovers).toEqual({ findings: [], history: [], policy: [], transparency: [] });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('renders Chinese headings visibly bolder than body text', async () => {
    const { page } = await open('zh-CN');
    const weight = await page.evaluate(() => getComputedStyle(document.querySelector('.headline h2') as Element).fontWeight);
    expect(Number(weight)).toBeGreaterThanOrEqual(600);
    // Ink of the same Chinese words drawn in the heading's font at its weight and at 400: equal ink means no bold at all.
    const ink = await page.evaluate(async () => {
      await document.fonts.ready;
      const family = getComputedStyle(document.querySelector('.headline h2') as Element).fontFamily;
      return ['400', '700'].map((w) => {
        const canvas = document.createElement('canvas');
        canvas.width = 400;
        canvas.height = 60;
        const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
        ctx.font = `${w} 32px ${family}`;
        ctx.fillText('请在截止时间前移除', 4, 44);
        const data = ctx.getImageData(0, 0, 400, 60).data;
        let sum = 0;
        for (let i = 3; i < data.length; i += 4) sum += data[i] as number;
        return sum;
      });
    });
    expect((ink[1] as number) / (ink[0] as number)).toBeGreaterThan(1.15);
    await page.context().close();
  });

  it('Fix now folds the install into Resolved with how to get the files back, and the history says it in plain words', { timeout: 90_000 }, async () => {
    const { page } = await open('en-US');
    await page.getByRole('button', { name: /^Fix now/ }).click();
    await page.locator('details.resolved').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('.headline').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.locator('#status-badge').textContent(), { timeout: 30_000 }).toBe('Compliant');
    expect(await page.locator('#status-badge').textContent()).toBe('Compliant');
    expect(await page.locator('details.resolved').getAttribute('open')).toBeNull();
    await page.locator('details.resolved summary').click();
    const getBack = await page.locator('.getback').allTextContents();
    expect(getBack.length).toBeGreaterThanOrEqual(1);
    expect(getBack[0]).toMatch(/^Your files are kept, not deleted\. To get them back .* ask IT to restore item \S+ or to export it for you\.$/);
    await screenshot(page, 'experience-fixed-en');
    await visit(page, 'experience-history-en', 'history');
    const rows = await page.locator('#history tbody tr').allInnerTexts();
    const text = rows.join('\n');
    expect(text).toContain('You asked to fix it now');
    expect(text).toContain('Moved to quarantine');
    expect(text).toMatch(/Found\s+Claude Code/);
    expect(text).toContain('Policy applied test-ban');
    expect(text).not.toMatch(/remediation-requested|policy-loaded|claude-code|`/);
    const time = page.locator('#history tbody td.col-time time').first();
    const lineHeight = await time.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
    expect((await time.boundingBox())?.height ?? 999).toBeLessThan(lineHeight * 1.5);
    const quarantined = await page.locator('#history tbody tr[data-event="quarantine"] td.mono').allTextContents();
    expect(quarantined.sort()).toEqual([path.join(fx.home, '.local', 'bin', 'claude'), path.join(fx.home, '.local', 'share', 'claude')]);
    await visit(page, 'experience-policy-en', 'policy');
    await visit(page, 'experience-transparency-en', 'transparency');
    await page.context().close();

    const zh = await open('zh-CN', 'Asia/Shanghai', '#history');
    await zh.page.locator('#history table').waitFor();
    const zhText = await zh.page.locator('#history tbody').innerText();
    expect(zhText).toContain('您请求立即修复');
    expect(zhText).toContain('已移入隔离区');
    await screenshot(zh.page, 'experience-history-after-fix-zh');
    await zh.page.locator('#nav a[data-page="findings"]').click();
    await zh.page.locator('details.resolved summary').click();
    await screenshot(zh.page, 'experience-fixed-zh');
    await zh.page.context().close();
  });
});
