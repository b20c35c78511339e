// The exception round trip in the tray window, in headless Chromium against the real daemon: the employee asks from a
// finding, an admin runs the real `cordon policy exempt` (or `cordon exception deny`), the daemon applies the signed
// answer and the window shows it granted (or denied), in English and in Chinese.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevBridge, type DevBridge } from '../../tray/devbridge/server.js';
import { makeAgentFixture, type AgentFixture } from '../support/agentFixture.js';
import { cliEntry } from '../support/paths.js';
import { axeViolations, launchChromium, screenshot, seriousOrWorse, watchProblems } from '../tray/support/browser.js';

const POLICY = `apiVersion: cordon/v1
id: test-ban
version: 1
issuer: Test IT
issuedAt: 2026-01-01T00:00:00Z
message:
  en: Claude Code and Codex are not allowed on company machines.
  zh-CN: 公司电脑上不允许使用 Claude Code 和 Codex。
rules:
  - id: claude-code
    tools: [claude-code]
    phases:
      - { from: 2026-01-01T00:00:00Z, actions: [report, notify] }
  - id: codex
    tools: [codex-cli]
    phases:
      - { from: 2026-01-01T00:00:00Z, actions: [report, notify] }
`;

/** A calendar day `days` from now, as a date input holds it. */
const dayFromNow = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const grantUntil = `${dayFromNow(10)}T18:00:00+08:00`;

let fx: AgentFixture;
let browser: Browser;
let bridge: DevBridge;

const cordon = (args: string[]) => spawnSync(process.execPath, [cliEntry, '--config', fx.configFile, ...args], { encoding: 'utf8' });

beforeAll(async () => {
  fx = makeAgentFixture();
  fx.writePolicy('test-ban.yaml', POLICY);
  const versions = path.join(fx.home, '.local', 'share', 'claude', 'versions');
  fs.mkdirSync(versions, { recursive: true });
  fs.copyFileSync('/bin/true', path.join(versions, '2.1.0'));
  fs.mkdirSync(path.join(fx.home, '.codex'), { recursive: true });
  await fx.start();
  browser = await launchChromium();
  bridge = await startDevBridge({ socketPath: fx.socketPath, user: 'nobody-until-hello', initialRetryMs: 50, maxRetryMs: 200 });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  fx?.cleanup();
});

async function open(locale: string): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale, timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(bridge.url);
  await page.locator('#findings .card').first().waitFor();
  return { page, problems };
}

async function ask(page: Page, tool: string, reason: string, until?: string): Promise<string> {
  const block = page.locator(`.ask-exception[data-exception-tool="${tool}"]`);
  if (!(await block.evaluate((d) => (d as HTMLDetailsElement).open))) await block.locator('summary').click();
  await block.locator('textarea').fill(reason);
  if (until) await block.locator('input[type="date"]').fill(until);
  await block.locator('button[type="submit"]').click();
  const note = page.locator(`.headline[data-tool="${tool}"] .exception-note[data-exception-state="pending"]`);
  await note.waitFor({ timeout: 5000 }).catch(async (err: Error) => {
    throw new Error(`${err.message}\n${await page.locator('#findings').innerText()}`);
  });
  return (await note.getAttribute('data-exception')) as string;
}

describe('asking for an exception from the tray', { timeout: 120_000 }, () => {
  let claudeRequest: string;

  it('an empty reason is refused by the form and sends nothing', async () => {
    const { page } = await open('en-US');
    const block = page.locator('.ask-exception[data-exception-tool="claude-code"]');
    await block.locator('summary').click();
    await block.locator('button[type="submit"]').click();
    expect(await block.locator('textarea').evaluate((t) => (t as HTMLTextAreaElement).validity.valueMissing)).toBe(true);
    expect(await page.locator('.exception-note').count()).toBe(0);
    await page.context().close();
  });

  it('shows the form in both languages, and the request pending once sent', async () => {
    const zh = await open('zh-CN');
    await zh.page.locator('.ask-exception[data-exception-tool="claude-code"] summary').click();
    expect(await zh.page.locator('.ask-exception[data-exception-tool="claude-code"]').innerText()).toContain('为什么需要使用？');
    await screenshot(zh.page, 'exception-form-zh');

    const { page, problems } = await open('en-US');
    const block = page.locator('.ask-exception[data-exception-tool="claude-code"]');
    await block.locator('summary').click();
    await block.locator('textarea').fill('Customer demo on Friday needs the Claude Code integration.');
    await block.locator('input[type="date"]').fill(dayFromNow(14));
    await screenshot(page, 'exception-form-en');
    claudeRequest = await ask(page, 'claude-code', 'Customer demo on Friday needs the Claude Code integration.', dayFromNow(14));
    expect(claudeRequest).toMatch(/^req-[0-9a-f]+$/);
    const item = page.locator(`.exceptions li[data-exception="${claudeRequest}"]`);
    expect(await item.getAttribute('data-exception-state')).toBe('pending');
    expect(await item.innerText()).toContain('Pending');
    expect(seriousOrWorse(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'exception-pending-en');
    expect(problems).toEqual([]);

    await zh.page.locator(`.exceptions li[data-exception="${claudeRequest}"]`).waitFor();
    expect(await zh.page.locator('.headline[data-tool="claude-code"] .exception-note').innerText()).toContain('等待管理员决定');
    await screenshot(zh.page, 'exception-pending-zh');
    await page.context().close();
    await zh.page.context().close();
  });

  it('the admin signs the exemption with the real command; the daemon applies it and the window shows it granted', async () => {
    const { page, problems } = await open('en-US');
    const exempt = cordon(['policy', 'exempt', '--request', claudeRequest, '--until', grantUntil, '--key', fx.privateKeyFile]);
    expect(exempt.stderr).toBe('');
    expect(exempt.status).toBe(0);
    const item = page.locator(`.exceptions li[data-exception="${claudeRequest}"][data-exception-state="granted"]`);
    await item.waitFor();
    expect(await item.innerText()).toMatch(/Granted until .*18:00 China Standard Time/);
    await page.locator('.headline[data-tool="claude-code"]').waitFor({ state: 'detached' });
    expect(await page.locator('.headline[data-tool="codex-cli"]').count()).toBe(1);
    await screenshot(page, 'exception-granted-en');
    expect(problems).toEqual([]);

    const zh = await open('zh-CN');
    const zhItem = zh.page.locator(`.exceptions li[data-exception="${claudeRequest}"]`);
    expect(await zhItem.innerText()).toContain('已批准，有效期至');
    await screenshot(zh.page, 'exception-granted-zh');
    // The Policy page lists the signed exemption policy with the exemption that concerns this user.
    for (const [p, name] of [
      [page, 'exception-policy-en'],
      [zh.page, 'exception-policy-zh'],
    ] as const) {
      await p.locator('#nav a[data-page="policy"]').click();
      const card = p.locator(`#policies section[aria-labelledby="policy-exception-${claudeRequest}"]`);
      await card.waitFor();
      expect(await card.innerText()).toContain('Customer demo on Friday');
      // The policy it lifts lists it too, as an exemption that concerns this user.
      expect(await p.locator('#policies section[aria-labelledby="policy-test-ban"]').innerText()).toContain('Customer demo on Friday');
      await screenshot(p, name);
    }
    await page.context().close();
    await zh.page.context().close();
  });

  it('a request the admin denies shows denied, with the admin’s answer', async () => {
    const { page } = await open('en-US');
    const codexRequest = await ask(page, 'codex-cli', 'I maintain the Codex plugin for our IDE.');
    const deny = cordon(['exception', 'deny', '--request', codexRequest, '--reason', 'Use Qoder for this work.']);
    expect(deny.status).toBe(0);
    const item = page.locator(`.exceptions li[data-exception="${codexRequest}"][data-exception-state="denied"]`);
    await item.waitFor();
    expect(await item.innerText()).toContain('Use Qoder for this work.');
    expect(await page.locator('.ask-exception[data-exception-tool="codex-cli"]').count()).toBe(1);
    await screenshot(page, 'exception-denied-en');
    await page.context().close();
  });
});
