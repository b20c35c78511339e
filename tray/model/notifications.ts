// Decides which desktop notifications a status change deserves, remembering what was shown so nothing repeats.
import type { ExceptionRequest, Finding } from '../../agent/common/model.js';
import { formatDueIn } from './countdown.js';
import { formatWhen } from './headline.js';
import { t, type StringKey } from './strings.js';
import { pendingFindings, toolLabel, type TrayView } from './trayView.js';

export interface TrayNotification {
  /** Identity of what is announced; the same key is never announced twice. */
  key: string;
  title: string;
  body: string;
  urgent: boolean;
}

/** Words for findings not yet due, by what the agent says happens to them (its `notice`). */
const AHEAD: { notice: Finding['notice']; title: StringKey; many: StringKey }[] = [
  { notice: 'removal-at-deadline', title: 'notifyNewTitle', many: 'notifyNewMany' },
  { notice: 'recorded', title: 'notifyRecordedTitle', many: 'notifyRecordedMany' },
];

/**
 * Announces a pending finding when it first appears and again when it becomes due (status worsened), and a
 * remediated or failed finding once (an action was taken). What a finding means (due, removed at its deadline or
 * only reported) is the agent's decision, read from the status. Connection changes are shown by the icon only.
 */
export class NotificationDecider {
  private readonly shown = new Set<string>();
  /** The user's requests seen pending: only their answer is news (an answer already known at start is not). */
  private readonly waiting = new Set<string>();

  /** The answer to one of the user's own exception requests, once, when it comes while the tray watches. */
  private answers(view: TrayView): TrayNotification[] {
    const out: TrayNotification[] = [];
    const own = (view.status?.exceptions ?? []).filter((r: ExceptionRequest) => r.user === view.user);
    for (const r of own) {
      if (r.state === 'pending') {
        this.waiting.add(r.id);
        continue;
      }
      if (!this.waiting.delete(r.id) || (r.state !== 'granted' && r.state !== 'denied')) continue;
      const tool = r.toolName ?? r.tool;
      const granted = r.state === 'granted';
      out.push({
        key: `exception:${r.id}:${r.state}`,
        title: t(view.locale, granted ? 'notifyExceptionGrantedTitle' : 'notifyExceptionDeniedTitle', { tool }),
        body: granted
          ? t(view.locale, 'exceptionGranted', { when: formatWhen(r.grantedUntil ?? '', view.locale) })
          : (r.denial ?? t(view.locale, 'exceptionHint')),
        urgent: false,
      });
    }
    return out;
  }

  /**
   * A notification the agent sent for this session (its policy's notify action): shown as it is, and the finding it is
   * about is not announced again from the status that follows.
   */
  fromAgent(note: { title: string; message: string; finding?: string }): TrayNotification {
    if (note.finding !== undefined) for (const stage of ['due', 'ahead']) this.shown.add(`pending:${note.finding}:${stage}`);
    return { key: `agent:${note.finding ?? note.title}`, title: note.title, body: note.message, urgent: true };
  }

  decide(view: TrayView, nowMs: number): TrayNotification[] {
    if (view.connection !== 'connected' || view.status === null) return [];
    const locale = view.locale;
    const out: TrayNotification[] = [];
    const stage = (f: Finding): string => `pending:${f.id}:${f.due ? 'due' : 'ahead'}`;
    const fresh = pendingFindings(view.status).filter((f) => f.state === 'open' && !this.shown.has(stage(f)));
    for (const f of fresh.filter((f) => f.due)) {
      const body: StringKey = f.notice === 'edit-due' ? 'notifyEditDueBody' : 'notifyViolationBody';
      out.push({ key: stage(f), title: t(locale, 'notifyViolationTitle'), body: t(locale, body, { tool: toolLabel(f) }), urgent: true });
    }
    for (const words of AHEAD) {
      const ahead = fresh.filter((f) => !f.due && f.notice === words.notice);
      const [first] = ahead;
      if (ahead.length === 1 && first) {
        const body =
          words.notice === 'removal-at-deadline'
            ? t(locale, 'notifyNewOne', {
                tool: toolLabel(first),
                due: first.deadline ? t(locale, 'dueIn', { when: formatDueIn(first.deadline, nowMs, locale) }) : t(locale, 'stateOpen'),
              })
            : t(locale, 'notifyRecordedOne', { tool: toolLabel(first) });
        out.push({ key: stage(first), title: t(locale, words.title), body, urgent: false });
      } else if (ahead.length > 1) {
        out.push({ key: ahead.map(stage).join('|'), title: t(locale, words.title), body: t(locale, words.many, { n: ahead.length }), urgent: false });
      }
    }
    for (const f of view.status.findings) {
      if (f.state !== 'remediated' && f.state !== 'failed') continue;
      const key = `${f.state}:${f.id}`;
      if (this.shown.has(key)) continue;
      const remediated = f.state === 'remediated';
      out.push({
        key,
        title: t(locale, remediated ? 'notifyRemediatedTitle' : 'notifyFailedTitle', { tool: toolLabel(f) }),
        body: t(locale, 'notifyRemediatedBody', { detail: f.outcome ?? f.detail }),
        urgent: !remediated,
      });
    }
    out.push(...this.answers(view));
    for (const n of out) for (const k of n.key.split('|')) this.shown.add(k);
    return out;
  }
}
