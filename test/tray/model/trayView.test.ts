// The tray's icon, tooltip and menu for every state, computed from plain data.
import { describe, expect, it } from 'vitest';
import { buildMenu, iconStateFor, ownFixableFindings, tooltipFor, type MenuItemModel, type TrayView } from '../../../tray/model/trayView.js';
import { findingFixture, statusFixture } from '../support/fakeDaemon.js';

const NOW = Date.parse('2026-07-01T08:00:00Z');
const warningStatus = statusFixture([findingFixture(), findingFixture({ id: 'f-bob', user: 'bob', path: '/home/bob/.local/bin/claude' })]);
const violationStatus = statusFixture([findingFixture({ actions: ['report', 'notify', 'kill', 'quarantine'], deadline: undefined })]);
const view = (over: Partial<TrayView>): TrayView => ({ connection: 'connected', status: warningStatus, user: 'alice', locale: 'en', ...over });
const labels = (menu: MenuItemModel[]): string[] => menu.flatMap((m) => (m.kind === 'item' ? [m.label] : ['---']));

describe('tray icon', () => {
  it.each([
    ['compliant', view({ status: statusFixture([]) })],
    ['warning', view({})],
    ['violation', view({ status: violationStatus })],
    ['unreachable', view({ connection: 'unreachable' })],
    ['unreachable', view({ connection: 'connecting', status: null })],
  ] as const)('shows %s', (icon, v) => {
    expect(iconStateFor(v)).toBe(icon);
  });

  it('shows unreachable while disconnected even when the last known status was compliant', () => {
    expect(iconStateFor(view({ connection: 'unreachable', status: statusFixture([]) }))).toBe('unreachable');
  });
});

describe('tooltip', () => {
  it('says how many items must go and when the next deadline falls', () => {
    expect(tooltipFor(view({}), NOW)).toBe('Cordon: 2 item(s) to remove before the deadline (due in 8 days)');
  });
  it('speaks Chinese when the OS does', () => {
    expect(tooltipFor(view({ locale: 'zh-CN' }), NOW)).toBe('Cordon: 2 项需在截止时间前移除 (8 天后截止)');
  });
  it('says the agent is unreachable without a stale deadline', () => {
    expect(tooltipFor(view({ connection: 'unreachable' }), NOW)).toBe('Cordon: Cordon agent unreachable, retrying');
  });
  it('says compliant when nothing is left', () => {
    expect(tooltipFor(view({ status: statusFixture([]) }), NOW)).toBe('Cordon: Compliant: nothing to fix');
  });
});

describe('menu', () => {
  it('leads with the one thing to do per tool, with the deadline in the given zone, then Fix now for the user’s own', () => {
    const menu = buildMenu(view({}), NOW, 'Asia/Shanghai');
    expect(labels(menu)).toEqual([
      '2 item(s) to remove before the deadline',
      '---',
      'Remove claude-code by Fri, Jul 10, 00:00 China Standard Time (8 days left)',
      'Fix now: claude-code',
      '---',
      'Open Cordon',
      'Scan now',
      'About this policy',
      'What Cordon checks',
      '---',
      'Quit tray (the agent keeps running)',
    ]);
    const fix = menu.find((m) => m.kind === 'item' && m.label.startsWith('Fix now'));
    expect(fix).toMatchObject({ enabled: true, action: { type: 'remediate', finding: 'f-claude-code-1' } });
    expect(labels(buildMenu(view({}), NOW, 'Europe/Berlin'))[2]).toBe('Remove claude-code by Thu, Jul 9, 18:00 Central European Summer Time (8 days left)');
  });

  it('offers Fix all when the user has several findings, and lists what is coming', () => {
    const status = statusFixture([findingFixture(), findingFixture({ id: 'f-2', path: '/home/alice/.claude' })], {
      upcoming: [
        {
          policy: 'p',
          rule: 'codex',
          tools: ['codex-cli'],
          toolNames: ['OpenAI Codex CLI'],
          from: '2026-07-02T09:00:00+08:00',
          actions: ['report', 'notify'],
          found: false,
        },
      ],
    });
    const menu = buildMenu(view({ status }), NOW, 'Asia/Shanghai');
    expect(menu.find((m) => m.kind === 'item' && m.label === 'Fix all now (2)')).toMatchObject({
      action: { type: 'remediate-all', findings: ['f-claude-code-1', 'f-2'] },
    });
    expect(labels(menu)).toContain('From tomorrow, Thu, Jul 2, 09:00 China Standard Time: OpenAI Codex CLI is restricted (it is recorded; you are notified)');
  });

  it('keeps the last findings but disables Scan and Fix while the agent is unreachable', () => {
    const menu = buildMenu(view({ connection: 'unreachable' }), NOW);
    expect(labels(menu)[0]).toBe('Cordon agent unreachable, retrying');
    expect(labels(menu).some((l) => l.startsWith('Fix now'))).toBe(false);
    expect(menu.find((m) => m.kind === 'item' && m.label === 'Scan now')).toMatchObject({ enabled: false });
  });

  it('quits only the tray: the quit action is quit-tray, never a daemon method', () => {
    const quit = buildMenu(view({}), NOW).at(-1);
    expect(quit).toMatchObject({ kind: 'item', action: { type: 'quit-tray' } });
  });

  it('opens the policy and transparency pages from the menu', () => {
    const actions = buildMenu(view({}), NOW).flatMap((m) => (m.kind === 'item' && m.action?.type === 'open-window' ? [m.action.page] : []));
    expect(actions).toContain('policy');
    expect(actions).toContain('transparency');
  });

  it('says a tool past its deadline is being removed, before tools that still have time', () => {
    const status = statusFixture([
      findingFixture(),
      findingFixture({ id: 'd', tool: 'claude-desktop', toolName: 'Claude Desktop', actions: ['report', 'kill', 'quarantine'], deadline: undefined }),
    ]);
    expect(labels(buildMenu(view({ status }), NOW, 'UTC')).slice(2, 4)).toEqual([
      'Claude Desktop is past its deadline: it is being removed',
      'Remove claude-code by Thu, Jul 9, 16:00 Coordinated Universal Time (8 days left)',
    ]);
  });

  it('renders in Simplified Chinese', () => {
    const zh = labels(buildMenu(view({ locale: 'zh-CN' }), NOW, 'Asia/Shanghai'));
    expect(zh).toContain('立即修复：claude-code');
    expect(zh).toContain('请在 7月10日周五 00:00 中国标准时间 前移除 claude-code（还剩 8 天）');
  });

  it('offers no Fix now for exempt, remediated or other users’ findings', () => {
    const status = statusFixture([
      findingFixture({ id: 'a', state: 'exempt' }),
      findingFixture({ id: 'b', state: 'remediated' }),
      findingFixture({ id: 'c', user: 'bob' }),
    ]);
    expect(ownFixableFindings(view({ status }))).toEqual([]);
  });

  it('offers Fix now where the agent says it would act: a failed removal yes, a settings file never', () => {
    const status = statusFixture([
      findingFixture({ id: 'failed', state: 'failed', actions: ['kill'] }),
      findingFixture({ id: 'setting', kind: 'config', path: '/home/alice/.bashrc' }),
    ]);
    expect(ownFixableFindings(view({ status })).map((f) => f.id)).toEqual(['failed']);
  });

  it('follows the agent’s Fix now decision rather than its own idea of one', () => {
    const status = statusFixture([findingFixture()]);
    const overruled = { ...status, findings: status.findings.map((f) => ({ ...f, actionable: false })) };
    expect(ownFixableFindings(view({ status: overruled }))).toEqual([]);
  });
});

describe('status line', () => {
  it('counts only the items past their deadline when in violation', () => {
    const status = statusFixture([findingFixture({ id: 'a' }), findingFixture({ id: 'b', actions: ['kill'] }), findingFixture({ id: 'c', state: 'failed' })]);
    expect(buildMenu(view({ status }), NOW)[0]).toMatchObject({ label: '2 item(s) past the deadline', enabled: false });
  });

  it('counts what the agent marked due', () => {
    const status = statusFixture([findingFixture({ id: 'a' }), findingFixture({ id: 'b', actions: ['kill'] })], { compliance: 'violation' });
    const marked = { ...status, findings: status.findings.map((f) => ({ ...f, due: true })) };
    expect(buildMenu(view({ status: marked }), NOW)[0]).toMatchObject({ label: '2 item(s) past the deadline' });
  });
});
