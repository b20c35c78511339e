// The Electron shell with Electron mocked: icon, menu clicks and notifications follow a real (fake-daemon) socket.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { findingFixture, startFakeDaemon, statusFixture, type FakeDaemon } from '../support/fakeDaemon.js';

interface MenuTemplateItem {
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
}

const electron = vi.hoisted(() => {
  const state = {
    images: [] as string[],
    tooltips: [] as string[],
    menus: [] as MenuTemplateItem[][],
    notifications: [] as { title: string; body: string }[],
    windows: [] as { options: Record<string, unknown>; url?: string }[],
    handlers: new Map<string, (...args: unknown[]) => unknown>(),
    schemes: [] as unknown[],
    served: [] as string[],
    quit: 0,
  };
  return { state };
});

vi.mock('electron', () => {
  const { state } = electron;
  class Tray {
    constructor(image: { path: string }) {
      state.images.push(image.path);
    }
    setImage(image: { path: string }): void {
      state.images.push(image.path);
    }
    setToolTip(text: string): void {
      state.tooltips.push(text);
    }
    setContextMenu(menu: { template: MenuTemplateItem[] }): void {
      state.menus.push(menu.template);
    }
    on(): void {}
    destroy(): void {}
  }
  class Notification {
    static isSupported(): boolean {
      return true;
    }
    constructor(private readonly options: { title: string; body: string }) {}
    on(): void {}
    show(): void {
      state.notifications.push({ title: this.options.title, body: this.options.body });
    }
  }
  class BrowserWindow {
    private readonly record: { options: Record<string, unknown>; url?: string };
    webContents = { setWindowOpenHandler: (): void => {}, on: (): void => {}, send: (): void => {} };
    constructor(options: Record<string, unknown>) {
      this.record = { options };
      state.windows.push(this.record);
    }
    once(): void {}
    on(): void {}
    isDestroyed(): boolean {
      return false;
    }
    show(): void {}
    focus(): void {}
    async loadURL(url: string): Promise<void> {
      this.record.url = url;
    }
  }
  return {
    app: {
      requestSingleInstanceLock: () => true,
      whenReady: async () => undefined,
      isPackaged: false,
      getPreferredSystemLanguages: () => ['zh-CN', 'en-US'],
      setLoginItemSettings: (): void => {},
      dock: { hide: (): void => {} },
      on: (): void => {},
      quit: (): void => {
        state.quit++;
      },
    },
    Tray,
    Notification,
    BrowserWindow,
    Menu: { buildFromTemplate: (template: MenuTemplateItem[]) => ({ template }) },
    nativeImage: { createFromPath: (p: string) => ({ path: p }) },
    ipcMain: { handle: (channel: string, fn: (...args: unknown[]) => unknown) => state.handlers.set(channel, fn) },
    protocol: {
      handle: (scheme: string): void => {
        state.served.push(scheme);
      },
      registerSchemesAsPrivileged: (schemes: unknown[]): void => {
        state.schemes.push(...schemes);
      },
    },
    shell: { openExternal: async (): Promise<void> => {} },
  };
});

const { startTrayApp, trayIconFile } = await import('../../../tray/main/trayApp.js');

let daemon: FakeDaemon;
let stopApp: () => void = () => undefined;

async function until<T>(probe: () => T | undefined): Promise<T> {
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeEach(async () => {
  electron.state.images.length = 0;
  electron.state.menus.length = 0;
  electron.state.notifications.length = 0;
  electron.state.windows.length = 0;
  daemon = await startFakeDaemon(statusFixture([findingFixture()]), { owner: 'alice' });
  const trayApp = await startTrayApp({ socketPath: daemon.socketPath, user: 'alice', platform: 'linux', initialRetryMs: 20, maxRetryMs: 40 });
  stopApp = trayApp.stop;
});

afterEach(async () => {
  stopApp();
  await daemon.stop();
});

const lastMenu = (): MenuTemplateItem[] => electron.state.menus.at(-1) ?? [];
const item = (prefix: string): MenuTemplateItem | undefined => lastMenu().find((m) => m.label?.startsWith(prefix));

describe('tray shell', () => {
  it('starts unreachable, then shows the warning icon and a Chinese menu from the OS locale', async () => {
    expect(electron.state.images[0]).toMatch(/tray-unreachable\.png$/);
    await until(() => (electron.state.images.at(-1)?.endsWith('tray-warning.png') ? true : undefined));
    expect(item('立即修复')).toMatchObject({ label: '立即修复：claude-code', enabled: true });
    expect(electron.state.tooltips.at(-1)).toContain('Cordon: 1 项需在截止时间前移除');
  });

  it('notifies once about the new finding, then once about its removal after "Fix now" in the menu', async () => {
    const fix = await until(() => item('立即修复'));
    expect(electron.state.notifications).toEqual([{ title: 'Cordon：需要处理', body: expect.stringContaining('claude-code') }]);
    fix.click?.();
    await until(() => (electron.state.images.at(-1)?.endsWith('tray-compliant.png') ? true : undefined));
    expect(daemon.requests.filter((r) => r.method === 'remediate')).toEqual([
      { id: expect.any(Number), method: 'remediate', params: { finding: 'f-claude-code-1' } },
    ]);
    expect(electron.state.notifications.map((n) => n.title)).toEqual(['Cordon：需要处理', 'Cordon 已移除 claude-code']);
  });

  it('shows unreachable when the daemon stops and recovers when it returns', async () => {
    await until(() => item('立即修复'));
    await daemon.stop();
    await until(() => (electron.state.images.at(-1)?.endsWith('tray-unreachable.png') ? true : undefined));
    expect(item('立即扫描')).toMatchObject({ enabled: false });
    await daemon.restart();
    await until(() => (electron.state.images.at(-1)?.endsWith('tray-warning.png') ? true : undefined));
    expect(electron.state.notifications).toHaveLength(1);
  });

  it('opens a sandboxed, isolated window without Node on the requested page', async () => {
    (await until(() => item('关于此策略')))?.click?.();
    const win = electron.state.windows[0];
    expect(win?.url).toBe('cordon://app/index.html#policy');
    expect(win?.options.webPreferences).toMatchObject({ contextIsolation: true, nodeIntegration: false, sandbox: true });
    expect(String((win?.options.webPreferences as { preload: string }).preload)).toMatch(/dist\/tray\/preload\/preload\.cjs$/);
  });

  it('serves the window’s requests through the bridge handlers', async () => {
    await until(() => item('立即修复'));
    const remediate = electron.state.handlers.get('cordon:remediate');
    expect(await remediate?.({}, 'nope')).toEqual({ ok: false, error: 'no finding nope' });
    expect(await electron.state.handlers.get('cordon:get-view')?.({})).toMatchObject({ connection: 'connected', user: 'alice', locale: 'zh-CN' });
  });

  it('quits only the tray: Quit sends nothing to the daemon', async () => {
    const before = daemon.requests.length;
    (await until(() => item('退出托盘')))?.click?.();
    expect(electron.state.quit).toBe(1);
    expect(daemon.requests.length).toBe(before);
  });

  it('registers the window scheme as secure and standard on import, and serves it once ready', () => {
    expect(electron.state.schemes).toEqual([{ scheme: 'cordon', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(electron.state.served).toContain('cordon');
  });

  it('uses template images on macOS', () => {
    expect(trayIconFile('/r', { connection: 'connected', status: statusFixture([]), user: 'a', locale: 'en' }, 'darwin')).toBe(
      '/r/tray/assets/tray-compliantTemplate.png',
    );
  });
});
