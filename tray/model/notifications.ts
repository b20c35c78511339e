// Decides which desktop notifications a status change deserves, remembering what was shown so nothing repeats.
import { formatDueIn } from './countdown.js';
import { t } from './strings.js';
import { isDueOrFailed, pendingFindings, toolLabel, type TrayView } from './trayView.js';

export interface TrayNotification {
  /** Identity of what is announced; the same key is never announced twice. */
  key: string;
  title: string;
  body: string;
  urgent: boolean;
}


/**
 * Announces a pending finding when it first appears and again when it becomes due for removal (status worsened),
 * and a remediated or failed finding once (an action was taken). Connection changes are shown by the icon only.
 */
export class NotificationDecider {
  private readonly shown = new Set<string>();

  decide(view: TrayView, nowMs: number): TrayNotification[] {
    if (view.connection !== 'connected' || view.status === null) return [];
    const out: TrayNotification[] = [];
    const fresh = pendingFindings(view.status).filter((f) => f.state === 'open' && !this.shown.has(`pending:${f.id}:${isDueOrFailed(f) ? 'due' : 'ahead'}`));
    const newlyDue = fresh.filter(isDueOrFailed);
    const ahead = fresh.filter((f) => !isDueOrFailed(f));
    for (const f of newlyDue) {
      out.push({ key: `pending:${f.id}:due`, title: t(view.locale, 'notifyViolationTitle'), body: t(view.locale, 'notifyViolationBody', { tool: toolLabel(f) }), urgent: true });
    }
    const [first] = ahead;
    if (ahead.length === 1 && first) {
      const due = first.deadline ? t(view.locale, 'dueIn', { when: formatDueIn(first.deadline, nowMs, view.locale) }) : t(view.locale, 'stateOpen');
      out.push({ key: `pending:${first.id}:ahead`, title: t(view.locale, 'notifyNewTitle'), body: t(view.locale, 'notifyNewOne', { tool: toolLabel(first), due }), urgent: false });
    } else if (ahead.length > 1) {
      out.push({
        key: ahead.map((f) => `pending:${f.id}:ahead`).join('|'),
        title: t(view.locale, 'notifyNewTitle'),
        body: t(view.locale, 'notifyNewMany', { n: ahead.length }),
        urgent: false,
      });
    }
    for (const f of view.status.findings) {
      if (f.state !== 'remediated' && f.state !== 'failed') continue;
      const key = `${f.state}:${f.id}`;
      if (this.shown.has(key)) continue;
      const remediated = f.state === 'remediated';
      out.push({
        key,
        title: t(view.locale, remediated ? 'notifyRemediatedTitle' : 'notifyFailedTitle', { tool: toolLabel(f) }),
        body: t(view.locale, 'notifyRemediatedBody', { detail: f.outcome ?? f.detail }),
        urgent: !remediated,
      });
    }
    for (const n of out) for (const k of n.key.split('|')) this.shown.add(k);
    return out;
  }
}
