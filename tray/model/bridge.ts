// The API the window sees as `window.cordon`: the same shape from the Electron preload and from the dev bridge.
import type { HistoryEntry } from '../../agent/common/ipc.js';
import type { UiLocale } from './locale.js';
import type { TrayView, WindowPage } from './trayView.js';

export interface RemediateOutcome {
  ok: boolean;
  /** Error message from the daemon when not ok. */
  error?: string;
}

export interface CordonBridge {
  getView(): Promise<TrayView>;
  /** Calls back with every new view; returns the function that stops the calls. */
  onView(listener: (view: TrayView) => void): () => void;
  /** Calls back when the tray asks the window to show a page (menu "About this policy", "What Cordon checks"). */
  onNavigate(listener: (page: WindowPage) => void): () => void;
  remediate(findingId: string): Promise<RemediateOutcome>;
  scan(): Promise<void>;
  history(): Promise<HistoryEntry[]>;
  /** The agent's transparency account, in the window's language. */
  explain(locale: UiLocale): Promise<unknown>;
}

/** Channel names between the preload and the main process: one closed set. */
export const BRIDGE_CHANNELS = {
  getView: 'cordon:get-view',
  view: 'cordon:view',
  navigate: 'cordon:navigate',
  remediate: 'cordon:remediate',
  scan: 'cordon:scan',
  history: 'cordon:history',
  explain: 'cordon:explain',
} as const;
