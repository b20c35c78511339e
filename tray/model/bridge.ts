// The API the window sees as `window.cordon`: the same shape from the Electron preload and from the dev bridge.
import type { HistoryEntry } from '../../agent/common/ipc.js';
import type { UiLocale } from './locale.js';
import type { TrayView, WindowPage } from './trayView.js';

export interface RemediateOutcome {
  ok: boolean;
  /** Error message from the daemon when not ok. */
  error?: string;
}

/** What the window's "Ask for an exception" form sends: the tool, the finding it was asked from, why, and an end. */
export interface ExceptionAsk {
  tool: string;
  finding?: string;
  reason: string;
  /** An ISO time with its offset. */
  until?: string;
}

/** The window's form as the main process accepts it: only the known fields, as text; null for anything else. */
export function exceptionAskFrom(raw: unknown): ExceptionAsk | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.tool !== 'string' || typeof r.reason !== 'string') return null;
  if ((r.finding !== undefined && typeof r.finding !== 'string') || (r.until !== undefined && typeof r.until !== 'string')) return null;
  return {
    tool: r.tool,
    reason: r.reason,
    ...(typeof r.finding === 'string' ? { finding: r.finding } : {}),
    ...(typeof r.until === 'string' && r.until !== '' ? { until: r.until } : {}),
  };
}

export interface CordonBridge {
  getView(): Promise<TrayView>;
  /** Calls back with every new view; returns the function that stops the calls. */
  onView(listener: (view: TrayView) => void): () => void;
  /** Calls back when the tray asks the window to show a page (menu "About this policy", "What Cordon checks"). */
  onNavigate(listener: (page: WindowPage) => void): () => void;
  remediate(findingId: string): Promise<RemediateOutcome>;
  /** Asks the agent for an exception in this user's name; the request then shows in the view's status. */
  requestException(ask: ExceptionAsk): Promise<RemediateOutcome>;
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
  requestException: 'cordon:request-exception',
  scan: 'cordon:scan',
  history: 'cordon:history',
  explain: 'cordon:explain',
} as const;
