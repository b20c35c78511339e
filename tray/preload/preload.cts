// Exposes the window's minimal typed API (`window.cordon`); runs sandboxed, so it may import nothing but electron.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BRIDGE_CHANNELS, CordonBridge } from '../model/bridge.js';
import type { TrayView, WindowPage } from '../model/trayView.js';

/** Must equal BRIDGE_CHANNELS; the type check fails if the two drift apart. */
const CHANNELS: typeof BRIDGE_CHANNELS = {
  getView: 'cordon:get-view',
  view: 'cordon:view',
  navigate: 'cordon:navigate',
  remediate: 'cordon:remediate',
  requestException: 'cordon:request-exception',
  scan: 'cordon:scan',
  history: 'cordon:history',
  explain: 'cordon:explain',
};

function listen<T>(channel: string, listener: (value: T) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, value: T): void => listener(value);
  ipcRenderer.on(channel, wrapped);
  return () => ipcRenderer.removeListener(channel, wrapped);
}

const bridge: CordonBridge = {
  getView: () => ipcRenderer.invoke(CHANNELS.getView),
  onView: (listener) => listen<TrayView>(CHANNELS.view, listener),
  onNavigate: (listener) => listen<WindowPage>(CHANNELS.navigate, listener),
  remediate: (findingId) => ipcRenderer.invoke(CHANNELS.remediate, String(findingId)),
  requestException: (ask) => ipcRenderer.invoke(CHANNELS.requestException, ask),
  scan: () => ipcRenderer.invoke(CHANNELS.scan),
  history: () => ipcRenderer.invoke(CHANNELS.history),
  explain: (locale) => ipcRenderer.invoke(CHANNELS.explain, locale === 'zh-CN' ? 'zh-CN' : 'en'),
};

contextBridge.exposeInMainWorld('cordon', bridge);
