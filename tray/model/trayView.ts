// What the tray knows at one moment, and the icon, tooltip and menu (as data) that follow from it.
import type { Finding, Status } from '../../agent/common/model.js';
import { formatDueIn } from './countdown.js';
import type { UiLocale } from './locale.js';
import { t, type StringKey } from './strings.js';

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
  | { type: 'quit-tray' };

export type MenuItemModel = { kind: 'separator' } | { kind: 'item'; label: string; enabled: boolean; action?: MenuAction };

/** Findings the user still has to act on (open, or a removal that failed). */
export function pendingFindings(status: Status | null): Finding[] {
  return (status?.findings ?? []).filter((f) => f.state === 'open' || f.state === 'failed');
}

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

const STATE_WORD: Record<Finding['state'], StringKey> = {
  open: 'stateOpen',
  remediated: 'stateRemediated',
  exempt: 'stateExempt',
  failed: 'stateFailed',
};

function findingLine(f: Finding, view: TrayView, nowMs: number): string {
  if (f.deadline && f.state === 'open') {
    return t(view.locale, 'menuFindingDue', { tool: toolLabel(f), due: t(view.locale, 'dueIn', { when: formatDueIn(f.deadline, nowMs, view.locale) }) });
  }
  return t(view.locale, 'menuFindingNoDeadline', { tool: toolLabel(f), state: t(view.locale, STATE_WORD[f.state]) });
}

const SEPARATOR: MenuItemModel = { kind: 'separator' };
/** Findings listed in the menu itself; the rest are one "more" line away in the window. */
export const MENU_FINDINGS_MAX = 8;

/** The tray menu as data; the Electron shell renders it and dispatches the actions. Quitting never stops the agent. */
export function buildMenu(view: TrayView, nowMs: number): MenuItemModel[] {
  const connected = view.connection === 'connected';
  const item = (label: string, action?: MenuAction, enabled = action !== undefined): MenuItemModel => ({
    kind: 'item',
    label,
    enabled,
    ...(action ? { action } : {}),
  });
  const pending = pendingFindings(view.status);
  const findings = pending.slice(0, MENU_FINDINGS_MAX).map((f) => item(findingLine(f, view, nowMs), { type: 'open-window', page: 'findings' }));
  if (pending.length > MENU_FINDINGS_MAX) findings.push(item(t(view.locale, 'menuMore', { n: pending.length - MENU_FINDINGS_MAX }), { type: 'open-window', page: 'findings' }));
  const fixes = connected ? ownFixableFindings(view).map((f) => item(t(view.locale, 'menuFix', { tool: toolLabel(f) }), { type: 'remediate', finding: f.id })) : [];
  return [
    item(statusLine(view)),
    ...(findings.length ? [SEPARATOR, ...findings] : []),
    ...(fixes.length ? [SEPARATOR, ...fixes] : []),
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
