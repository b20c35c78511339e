// The one thing to do, per tool: "Remove Claude Code by Fri, Dec 4, 18:00 China Standard Time (3 days left)", with the
// policy's own time, what happens at the deadline, and the upcoming rules; shared by the menu and the window.
import type { Action, Finding, Status, UpcomingRule } from '../../agent/common/model.js';
import { timeLeft } from './countdown.js';
import type { UiLocale } from './locale.js';
import { t, type StringKey } from './strings.js';

export type HeadlineKind = 'due' | 'deadline' | 'remove';

export interface Headline {
  tool: string;
  toolName: string;
  kind: HeadlineKind;
  /** The whole sentence, e.g. "Remove Claude Code by Fri, Dec 4, 18:00 China Standard Time (3 days left)". */
  text: string;
  deadline?: string;
  /** The deadline as the policy wrote it, in the policy's offset ("Fri, Dec 4, 18:00 UTC+08:00"). */
  policyTime?: string;
  /** What happens at the deadline (or now, when due), in words. */
  consequence: string;
  findings: Finding[];
}

const ACTION_WORD: Record<Action, StringKey> = {
  report: 'consequenceReport',
  notify: 'consequenceNotify',
  narrow: 'actionNarrow',
  prevent: 'actionPrevent',
  kill: 'consequenceKill',
  quarantine: 'consequenceQuarantine',
};

/** Actions of a list, in words joined the way the language joins them. */
export function actionWords(actions: readonly Action[], locale: UiLocale): string {
  return actions.map((a) => t(locale, ACTION_WORD[a])).join(locale === 'zh-CN' ? '；' : '; ');
}

/** Findings the user still has to act on (open, or a removal that failed). */
export function pendingFindings(status: Status | null): Finding[] {
  return (status?.findings ?? []).filter((f) => f.state === 'open' || f.state === 'failed');
}

/** Past its deadline, as the agent decided: a removal is due and not done, or a removal failed. */
const isDue = (f: Finding): boolean => f.due === true;

/** A date and time with the zone named: "Fri, Dec 4, 18:00 China Standard Time" / "12月4日周五 18:00 中国标准时间". */
export function formatWhen(iso: string, locale: UiLocale, timeZone?: string): string {
  const date = new Date(iso);
  const zone = timeZone ? { timeZone } : {};
  const day = new Intl.DateTimeFormat(locale, { weekday: 'short', month: 'short', day: 'numeric', ...zone }).format(date);
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...zone }).format(date);
  const zoneName = new Intl.DateTimeFormat(locale, { timeZoneName: 'long', ...zone }).formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? '';
  return `${day}${locale === 'zh-CN' ? '' : ','} ${time} ${zoneName}`.trim();
}

/** The offset a policy time was written with ("+08:00"), or null for UTC written as Z. */
function offsetOf(iso: string): string | null {
  const m = /([+-])(\d\d):?(\d\d)$/.exec(iso);
  if (!m) return null;
  return `${m[1]}${m[2]}:${m[3]}`;
}

/** The time as the policy wrote it, in the policy's offset: "Fri, Dec 4, 18:00 UTC+08:00". */
export function formatPolicyTime(iso: string, locale: UiLocale): string {
  const offset = offsetOf(iso) ?? '+00:00';
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const shifted = new Date(Date.parse(iso) + minutes * 60_000).toISOString();
  const day = new Intl.DateTimeFormat(locale, { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(shifted));
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' }).format(new Date(shifted));
  return `${day}${locale === 'zh-CN' ? '' : ','} ${time} UTC${offset === '+00:00' ? '' : offset}`;
}

/** "3 days left", "5 hours left", "12 minutes left" / "还剩 3 天"; "overdue" once passed. */
export function leftWords(deadline: string, nowMs: number, locale: UiLocale): string {
  const left = timeLeft(deadline, nowMs);
  if (left.overdue) return t(locale, 'leftOverdue');
  if (left.days >= 1) return t(locale, left.days === 1 ? 'leftDay' : 'leftDays', { n: left.days });
  if (left.hours >= 1) return t(locale, left.hours === 1 ? 'leftHour' : 'leftHours', { n: left.hours });
  const minutes = Math.max(1, left.minutes + (left.seconds > 0 ? 1 : 0));
  return t(locale, minutes === 1 ? 'leftMinute' : 'leftMinutes', { n: minutes });
}

const toolName = (f: Pick<Finding, 'tool' | 'toolName'>): string => f.toolName ?? f.tool;

/** One headline per tool with pending findings, the most urgent first (due, then the earliest deadline). */
export function headlines(status: Status | null, locale: UiLocale, nowMs: number, timeZone?: string): Headline[] {
  const byTool = new Map<string, Finding[]>();
  for (const f of pendingFindings(status)) byTool.set(f.tool, [...(byTool.get(f.tool) ?? []), f]);
  const list = [...byTool].map(([tool, findings]): Headline => {
    const name = toolName(findings[0] as Finding);
    const due = findings.some(isDue);
    const deadline = findings
      .map((f) => f.deadline)
      .filter((d): d is string => d !== undefined)
      .sort((a, b) => Date.parse(a) - Date.parse(b))[0];
    if (due) {
      const now = [...new Set(findings.filter(isDue).flatMap((f) => f.actions))] as Action[];
      return {
        tool,
        toolName: name,
        kind: 'due',
        text: t(locale, 'headlineDue', { tool: name }),
        consequence: actionWords(
          now.filter((a) => a === 'kill' || a === 'quarantine'),
          locale,
        ),
        findings,
      };
    }
    if (deadline) {
      const lead = findings.find((f) => f.deadline === deadline) as Finding;
      const newly = (lead.deadlineActions ?? []).filter((a) => !lead.actions.includes(a));
      return {
        tool,
        toolName: name,
        kind: 'deadline',
        text: t(locale, 'headlineBy', { tool: name, when: formatWhen(deadline, locale, timeZone), left: leftWords(deadline, nowMs, locale) }),
        deadline,
        policyTime: formatPolicyTime(deadline, locale),
        consequence: actionWords(newly.length ? newly : (lead.deadlineActions ?? []), locale),
        findings,
      };
    }
    return { tool, toolName: name, kind: 'remove', text: t(locale, 'headlineRemove', { tool: name }), consequence: '', findings };
  });
  const rank = (h: Headline): number => (h.kind === 'due' ? 0 : h.kind === 'deadline' ? 1 : 2);
  return list.sort((a, b) => rank(a) - rank(b) || (a.deadline && b.deadline ? Date.parse(a.deadline) - Date.parse(b.deadline) : 0));
}

/** "From tomorrow (Wed, Dec 2, 09:00 China Standard Time), Codex CLI is restricted: …" for each rule not started yet. */
export function upcomingLine(u: UpcomingRule, locale: UiLocale, nowMs: number, timeZone?: string): string {
  const names = (u.toolNames ?? u.tools).join(locale === 'zh-CN' ? '、' : ', ');
  const days = Math.round((startOfDay(Date.parse(u.from), timeZone) - startOfDay(nowMs, timeZone)) / 86_400_000);
  const when = formatWhen(u.from, locale, timeZone);
  const key: StringKey = days <= 0 ? 'upcomingToday' : days === 1 ? 'upcomingTomorrow' : 'upcomingLater';
  return t(locale, key, { tools: names, when, n: days, actions: actionWords(u.actions, locale) });
}

/** Midnight of the day `ms` falls on in the zone, as a UTC ms value comparable across days. */
function startOfDay(ms: number, timeZone?: string): number {
  const parts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', ...(timeZone ? { timeZone } : {}) }).format(new Date(ms));
  return Date.parse(`${parts}T00:00:00Z`);
}
