// Browser side of the dev bridge: provides `window.cordon` over fetch and server-sent events instead of Electron IPC.
import type { HistoryEntry } from '../../agent/common/ipc.js';
import type { CordonBridge, RemediateOutcome } from '../model/bridge.js';
import { pickLocale } from '../model/locale.js';
import type { TrayView, WindowPage } from '../model/trayView.js';

/** The browser's language stands in for the OS locale, as Electron's main process would report it. */
const withBrowserLocale = (view: TrayView): TrayView => ({ ...view, locale: pickLocale(navigator.languages) });

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const payload = (await response.json()) as T | { error: string };
  if (!response.ok) throw new Error((payload as { error: string }).error);
  return payload as T;
}

const events = new EventSource('/api/events');
const listeners = new Set<(view: TrayView) => void>();
const navigateListeners = new Set<(page: WindowPage) => void>();
events.addEventListener('view', (e) => {
  const view = withBrowserLocale(JSON.parse((e as MessageEvent<string>).data) as TrayView);
  for (const l of listeners) l(view);
});
events.addEventListener('navigate', (e) => {
  for (const l of navigateListeners) l(JSON.parse((e as MessageEvent<string>).data) as WindowPage);
});

const bridge: CordonBridge = {
  getView: async () => withBrowserLocale(await call<TrayView>('GET', '/api/view')),
  onView(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  onNavigate(listener) {
    navigateListeners.add(listener);
    return () => navigateListeners.delete(listener);
  },
  remediate: (finding) => call<RemediateOutcome>('POST', '/api/remediate', { finding }),
  requestException: (ask) => call<RemediateOutcome>('POST', '/api/request-exception', ask),
  scan: () => call<void>('POST', '/api/scan', {}),
  history: () => call<HistoryEntry[]>('GET', '/api/history'),
  explain: (locale) => call<unknown>('GET', `/api/explain?lang=${encodeURIComponent(locale)}`),
};

window.cordon = bridge;
