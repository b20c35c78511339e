// Electron wiring of the tray: renders the menu model, shows notifications and hosts the window; decides nothing itself.
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, nativeImage, Notification, protocol, shell, Tray, type MenuItemConstructorOptions } from 'electron';
import { asCordonError } from '../../agent/common/errors.js';
import { BRIDGE_CHANNELS, exceptionAskFrom, type RemediateOutcome } from '../model/bridge.js';
import { pickLocale } from '../model/locale.js';
import { NotificationDecider, type TrayNotification } from '../model/notifications.js';
import { t } from '../model/strings.js';
import { TraySession } from '../model/traySession.js';
import { buildMenu, iconStateFor, tooltipFor, type MenuAction, type MenuItemModel, type TrayView, type WindowPage } from '../model/trayView.js';
import { dropPerUserLoginItem } from './loginItem.js';
import { packageRoot, resolveRendererFile } from './rendererFiles.js';
import { WINDOW_SCHEME } from './windowScheme.js';

const WINDOW_ORIGIN = `${WINDOW_SCHEME}://app`;
/** The menu's coarse countdowns ("in 3 days") are refreshed this often; the window ticks every second itself. */
const MENU_REFRESH_MS = 60_000;

export interface TrayAppOptions {
  socketPath: string;
  user: string;
  platform: NodeJS.Platform;
  /** Reconnect backoff towards the daemon (tests shorten it). */
  initialRetryMs?: number;
  maxRetryMs?: number;
}

export interface TrayApp {
  session: TraySession;
  stop(): void;
}

/** Tray image per state: template images on macOS (tinted by the menu bar), colour badges elsewhere; @2x is picked up automatically. */
export function trayIconFile(root: string, view: TrayView, platform: NodeJS.Platform): string {
  const state = iconStateFor(view);
  return path.join(root, 'tray', 'assets', platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`);
}

export async function startTrayApp(options: TrayAppOptions): Promise<TrayApp> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    throw new Error('another Cordon tray is already running for this user');
  }
  await app.whenReady();
  const root = packageRoot();
  if (options.platform === 'darwin') app.dock?.hide();
  if (app.isPackaged) dropPerUserLoginItem(app, options.platform);

  protocol.handle(WINDOW_SCHEME, (request) => {
    const found = resolveRendererFile(new URL(request.url).pathname, root);
    if (!found) return new Response('not found', { status: 404 });
    return new Response(fs.readFileSync(found.file), { headers: { 'content-type': found.contentType } });
  });

  const session = new TraySession({ ...options, locale: pickLocale(app.getPreferredSystemLanguages()) });
  const decider = new NotificationDecider();
  const tray = new Tray(nativeImage.createFromPath(trayIconFile(root, session.view, options.platform)));
  let window: BrowserWindow | null = null;

  const showWindow = (page: WindowPage): void => {
    if (window && !window.isDestroyed()) {
      window.webContents.send(BRIDGE_CHANNELS.navigate, page);
      window.show();
      window.focus();
      return;
    }
    const created = new BrowserWindow({
      width: 980,
      height: 720,
      minWidth: 560,
      minHeight: 420,
      show: false,
      title: 'Cordon',
      webPreferences: {
        preload: path.join(root, 'dist', 'tray', 'preload', 'preload.cjs'),
        contextIsolation: true,
        nodeIntegration: false,
        sandbox: true,
      },
    });
    created.webContents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
    created.webContents.on('will-navigate', (event, url) => {
      if (!url.startsWith(`${WINDOW_ORIGIN}/`)) event.preventDefault();
    });
    created.once('ready-to-show', () => created.show());
    created.on('closed', () => {
      window = null;
    });
    window = created;
    void created.loadURL(`${WINDOW_ORIGIN}/index.html#${page}`);
  };

  const notify = (n: TrayNotification): void => {
    if (!Notification.isSupported()) return;
    const shown = new Notification({ title: n.title, body: n.body, urgency: n.urgent ? 'critical' : 'normal' });
    shown.on('click', () => showWindow('findings'));
    shown.show();
  };

  const outcomeOf = async (ask: Promise<unknown>): Promise<RemediateOutcome> => {
    try {
      await ask;
      return { ok: true };
    } catch (err) {
      return { ok: false, error: asCordonError(err).message };
    }
  };
  const remediate = (finding: string): Promise<RemediateOutcome> => outcomeOf(session.remediate(finding));

  /** Fixes one finding after the other; a failure is told in a notification, since the menu has no room for it. */
  const fixFromMenu = async (findings: readonly string[]): Promise<void> => {
    for (const finding of findings) {
      const outcome = await remediate(finding);
      if (outcome.ok) continue;
      const tool = session.view.status?.findings.find((f) => f.id === finding)?.tool ?? finding;
      notify({ key: `fix-failed:${finding}`, title: t(session.view.locale, 'notifyFailedTitle', { tool }), body: outcome.error ?? '', urgent: true });
    }
  };

  const run = (action: MenuAction): void => {
    switch (action.type) {
      case 'open-window':
        return showWindow(action.page);
      case 'scan':
        return void session.scan().catch(() => undefined);
      case 'remediate':
        return void fixFromMenu([action.finding]);
      case 'remediate-all':
        return void fixFromMenu(action.findings);
      case 'quit-tray':
        session.stop();
        return app.quit();
    }
  };

  const toTemplate = (items: MenuItemModel[]): MenuItemConstructorOptions[] =>
    items.map((m) => {
      if (m.kind === 'separator') return { type: 'separator' };
      const action = m.action;
      return { label: m.label, enabled: m.enabled, ...(action ? { click: () => run(action) } : {}) };
    });

  const refreshTray = (): void => {
    const view = session.view;
    tray.setImage(nativeImage.createFromPath(trayIconFile(root, view, options.platform)));
    tray.setToolTip(tooltipFor(view, Date.now()));
    tray.setContextMenu(Menu.buildFromTemplate(toTemplate(buildMenu(view, Date.now()))));
  };

  session.on('notification', (note) => notify(decider.fromAgent(note)));
  session.on('view', (view) => {
    refreshTray();
    if (window && !window.isDestroyed()) window.webContents.send(BRIDGE_CHANNELS.view, view);
    for (const n of decider.decide(view, Date.now())) notify(n);
  });

  ipcMain.handle(BRIDGE_CHANNELS.getView, () => session.view);
  ipcMain.handle(BRIDGE_CHANNELS.remediate, (_event, finding: unknown) => remediate(String(finding)));
  ipcMain.handle(BRIDGE_CHANNELS.requestException, (_event, raw: unknown) => {
    const ask = exceptionAskFrom(raw);
    return ask ? outcomeOf(session.requestException(ask)) : { ok: false, error: 'the request form was not understood' };
  });
  ipcMain.handle(BRIDGE_CHANNELS.scan, () => session.scan());
  ipcMain.handle(BRIDGE_CHANNELS.history, () => session.history());
  ipcMain.handle(BRIDGE_CHANNELS.explain, (_event, locale: unknown) => session.explain(locale === 'zh-CN' ? 'zh-CN' : 'en'));

  app.on('second-instance', () => showWindow('findings'));
  app.on('window-all-closed', () => undefined);
  if (options.platform !== 'darwin') tray.on('click', () => showWindow('findings'));
  const refreshTimer = setInterval(refreshTray, MENU_REFRESH_MS);

  refreshTray();
  session.start();
  return {
    session,
    stop: () => {
      clearInterval(refreshTimer);
      session.stop();
      tray.destroy();
    },
  };
}
