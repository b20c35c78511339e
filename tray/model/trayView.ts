// What the tray knows at one moment, and the icon, tooltip and menu (as data) that follow from it.
import type { Finding, Status } from '../../agent/common/model.js';
import { formatDueIn } from './countdown.js';
import { headlines, pendingFindings, upcomingLine } from './headline.js';
import type { UiLocale } from './locale.js';
import { t, type StringKey } from './strings.js';

export { pendingFindings };

export type Connection = 'connecting' | 'connected' | 'unreachable';
export type TrayIconState = 'compliant' | 'warning' | 'violation' | 'unreachable';
export const TRAY_ICON_STATES: readonly TrayIconState[] = ['compliant', 'warning', 'violation', 'unreachable'];

export interface TrayView {
  connection: Connection;
  /** The last status the daemon sent; kept while unreachable so the window still shows what was known. */
  status: Status | null;
  /** The logged-in user running the tray, as the daemon confirmed it (hello): only their own findings offer "Fix now". */
  user: string;
  locale: UiLocale;
}

export type WindowPage = 'findings' | 'history' | 'policy' | 'transparency';

export type MenuAction =
  | { type: 'open-window'; page: WindowPage }
  | { type: 'scan' }
  | { type: 'remediate'; finding: string }
  | { type: 'remediate-all'; findings: string[] }
  | { type: 'quit-tray' };

export type MenuItemModel = { kind: 'separator' } | { kind: 'item'; label: string; enabled: boolean; action?: MenuAction };

/** The user's own findings that the agent says it would remove now on request ("Fix now"). */
export function ownFixableFindings(view: TrayView): Finding[] {
  return pendingFindings(view.status).filter((f) => f.actionable === true && f.user === view.user);
}

export function iconStateFor(view: TrayView): TrayIconState {
  if (view.connection !== 'connected' || view.status === null) return 'unreachable';
  return view.status.compliance;
}

const STATUS_LINE: Record<TrayIconState, StringKey> = {
  compliant: 'statusCompliant',
  warning: 'statusWarning',
  violation: 'statusViolation',
  unreachable: 'statusUnreachable',
};

/** One line saying where the user stands, used as the menu's first line and in the tooltip. */
export function statusLine(view: TrayView): string {
  if (view.connection === 'connecting' && view.status === null) return t(view.locale, 'statusConnecting');
  const state = iconStateFor(view);
  const pending = pendingFindings(view.status);
  const counted = state === 'violation' ? pending.filter((f) => f.due === true) : pending;
  return t(view.locale, STATUS_LINE[state], { n: counted.length });
}

/** The next deadline among pending findings, if any. */
export function nextDeadline(status: Status | null): string | undefined {
  return pendingFindings(status)
    .map((f) => f.deadline)
    .filter((d): d is string => d !== undefined)
    .sort((a, b) => Date.parse(a) - Date.parse(b))[0];
}

export function tooltipFor(view: TrayView, nowMs: number): string {
  const line = `${t(view.locale, 'appName')}: ${statusLine(view)}`;
  const deadline = view.connection === 'connected' ? nextDeadline(view.status) : undefined;
  return deadline ? `${line} (${t(view.locale, 'dueIn', { when: formatDueIn(deadline, nowMs, view.locale) })})` : line;
}

const SEPARATOR: MenuItemModel = { kind: 'separator' };
/** Headlines listed in the menu itself; the rest are one "more" line away in the window. */
export const MENU_HEADLINES_MAX = 6;

/**
 * The tray menu as data, led by the one thing to do: a headline per tool ("Remove Claude Code by … (3 days left)"),
 * then Fix now (or Fix all), then what is coming; the Electron shell renders it. Quitting never stops the agent.
 */
export function buildMenu(view: TrayView, nowMs: number, timeZone?: string): MenuItemModel[] {
  const connected = view.connection === 'connected';
  const item = (label: string, action?: MenuAction, enabled = action !== undefined): MenuItemModel => ({
    kind: 'item',
    label,
    enabled,
    ...(action ? { action } : {}),
  });
  const heads = headlines(view.status, view.locale, nowMs, timeZone);
  const lines = heads.slice(0, MENU_HEADLINES_MAX).map((h) => item(h.text, { type: 'open-window', page: 'findings' }));
  if (heads.length > MENU_HEADLINES_MAX)
    lines.push(item(t(view.locale, 'menuMore', { n: heads.length - MENU_HEADLINES_MAX }), { type: 'open-window', page: 'findings' }));
  const own = connected ? ownFixableFindings(view) : [];
  const fixes =
    own.length === 1
      ? [item(t(view.locale, 'menuFix', { tool: toolLabel(own[0] as Finding) }), { type: 'remediate', finding: (own[0] as Finding).id })]
      : own.length > 1
        ? [item(t(view.locale, 'menuFixAll', { n: own.length }), { type: 'remediate-all', findings: own.map((f) => f.id) })]
        : [];
  const upcoming = (view.status?.upcoming ?? []).map((u) => item(upcomingLine(u, view.locale, nowMs, timeZone), { type: 'open-window', page: 'policy' }));
  return [
    item(statusLine(view)),
    ...(lines.length ? [SEPARATOR, ...lines] : []),
    ...(fixes.length ? [...fixes] : []),
    ...(upcoming.length ? [SEPARATOR, ...upcoming] : []),
    SEPARATOR,
    item(t(view.locale, 'menuOpen'), { type: 'open-window', page: 'findings' }),
    item(t(view.locale, 'menuScan'), { type: 'scan' }, connected),
    item(t(view.locale, 'menuAbout'), { type: 'open-window', page: 'policy' }, (view.status?.policies.length ?? 0) > 0),
    item(t(view.locale, 'menuChecks'), { type: 'open-window', page: 'transparency' }),
    SEPARATOR,
    item(t(view.locale, 'menuQuit'), { type: 'quit-tray' }),
  ];
}

/** The tool's display name when the agent sent one, else its catalog id. */
export function toolLabel(f: Pick<Finding, 'tool' | 'toolName'>): string {
  return f.toolName ?? f.tool;
}
