// Language follows the OS with English as fallback; countdowns read the same in the menu and the window.
import { describe, expect, it } from 'vitest';
import { formatCountdown, formatDueIn } from '../../../tray/model/countdown.js';
import { localize } from '../../../agent/common/localize.js';
import { pickLocale } from '../../../tray/model/locale.js';
import { stringTables } from '../../../tray/model/strings.js';

describe('locale', () => {
  it.each([
    [['zh-CN', 'en-US'], 'zh-CN'],
    [['zh-Hans-CN'], 'zh-CN'],
    [['zh_TW'], 'zh-CN'],
    [['en-GB', 'zh-CN'], 'en'],
    [['fr-FR', 'zh-CN'], 'zh-CN'],
    [['de-DE'], 'en'],
    [[], 'en'],
  ])('%j → %s', (preferred, locale) => {
    expect(pickLocale(preferred)).toBe(locale);
  });

  it('reads the policy message in the locale, else English, else whatever is there', () => {
    const message = { en: 'Banned.', 'zh-CN': '禁止。' };
    expect(localize(message, 'zh-CN')).toBe('禁止。');
    expect(localize({ en: 'Banned.' }, 'zh-CN')).toBe('Banned.');
    expect(localize({ zh: '禁止。' }, 'zh-CN')).toBe('禁止。');
    expect(localize({ fr: 'Interdit.' }, 'en')).toBe('Interdit.');
    expect(localize('Plain.', 'zh-CN')).toBe('Plain.');
    expect(localize(message, 'zh_CN')).toBe('禁止。');
    expect(localize(undefined, 'en')).toBe('');
  });

  it('has every string in both languages with the same placeholders', () => {
    const { en, 'zh-CN': zh } = stringTables();
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect([key, (zh[key].match(/\{\w+\}/g) ?? []).sort()]).toEqual([key, (en[key].match(/\{\w+\}/g) ?? []).sort()]);
    }
  });
});

describe('countdown', () => {
  const now = Date.parse('2026-07-01T00:00:00Z');
  it('counts days, hours, minutes and seconds', () => {
    expect(formatCountdown('2026-07-03T04:05:06Z', now, 'en')).toBe('2d 04h 05m 06s');
    expect(formatCountdown('2026-07-03T04:05:06Z', now, 'zh-CN')).toBe('2天 04小时 05分 06秒');
    expect(formatCountdown('2026-07-01T00:00:59Z', now, 'en')).toBe('00h 00m 59s');
  });
  it('says overdue once the deadline has passed', () => {
    expect(formatCountdown('2026-06-30T23:59:59Z', now, 'en')).toBe('overdue');
    expect(formatDueIn('2026-07-01T00:00:00Z', now, 'zh-CN')).toBe('已到期');
  });
  it('rounds coarse countdowns so a deadline a few seconds away is never "in 0 minutes"', () => {
    expect(formatDueIn('2026-07-01T00:00:05Z', now, 'en')).toBe('in 1 minute');
    expect(formatDueIn('2026-07-01T03:00:00Z', now, 'en')).toBe('in 3 hours');
    expect(formatDueIn('2026-07-02T00:00:00Z', now, 'en')).toBe('in 1 day');
  });
});
