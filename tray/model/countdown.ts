// Formats the time left until a deadline the same way in the menu, the tooltip and the window.
import type { UiLocale } from './locale.js';

export interface TimeLeft {
  overdue: boolean;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

export function timeLeft(deadline: string, nowMs: number): TimeLeft {
  const diff = Date.parse(deadline) - nowMs;
  const total = Math.floor(Math.abs(diff) / 1000);
  return {
    overdue: diff <= 0,
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3_600),
    minutes: Math.floor((total % 3_600) / 60),
    seconds: total % 60,
  };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Live countdown with seconds, e.g. `3d 04h 05m 06s` / `3天 04小时 05分 06秒`; `overdue` once the deadline has passed. */
export function formatCountdown(deadline: string, nowMs: number, locale: UiLocale): string {
  const t = timeLeft(deadline, nowMs);
  if (t.overdue) return locale === 'zh-CN' ? '已到期' : 'overdue';
  if (locale === 'zh-CN') return `${t.days > 0 ? `${t.days}天 ` : ''}${pad(t.hours)}小时 ${pad(t.minutes)}分 ${pad(t.seconds)}秒`;
  return `${t.days > 0 ? `${t.days}d ` : ''}${pad(t.hours)}h ${pad(t.minutes)}m ${pad(t.seconds)}s`;
}

/** Coarse countdown for menus and tooltips that are not redrawn every second, e.g. `in 3 days` / `3 天后`. */
export function formatDueIn(deadline: string, nowMs: number, locale: UiLocale): string {
  const t = timeLeft(deadline, nowMs);
  const zh = locale === 'zh-CN';
  if (t.overdue) return zh ? '已到期' : 'overdue';
  if (t.days >= 1) return zh ? `${t.days} 天后` : `in ${t.days} day${t.days === 1 ? '' : 's'}`;
  if (t.hours >= 1) return zh ? `${t.hours} 小时后` : `in ${t.hours} hour${t.hours === 1 ? '' : 's'}`;
  const minutes = Math.max(1, t.minutes + (t.seconds > 0 ? 1 : 0));
  return zh ? `${minutes} 分钟后` : `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** A deadline as local date and time in the user's language. */
export function formatDeadline(deadline: string, locale: UiLocale, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(new Date(deadline));
}
