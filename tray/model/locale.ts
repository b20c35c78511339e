// Picks the tray's language from the OS's preferred languages and reads a policy's text in that language.
import type { LocalizedText } from '../../agent/common/model.js';

export type UiLocale = 'en' | 'zh-CN';
export const UI_LOCALES: readonly UiLocale[] = ['en', 'zh-CN'];

/** First supported language in the OS's order of preference; any Chinese variant reads Simplified Chinese, else English. */
export function pickLocale(preferred: readonly string[]): UiLocale {
  for (const tag of preferred) {
    const lower = tag.toLowerCase().replace(/_/g, '-');
    if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-CN';
    if (lower === 'en' || lower.startsWith('en-')) return 'en';
  }
  return 'en';
}

/** The text in the locale, else the same language in another region, else English, else the first one given. */
export function localize(text: LocalizedText | undefined, locale: UiLocale): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  const exact = text[locale];
  if (exact) return exact;
  const language = locale.split('-')[0] ?? locale;
  const sameLanguage = Object.keys(text).find((k) => k.split('-')[0]?.toLowerCase() === language);
  if (sameLanguage) return text[sameLanguage] ?? '';
  return text.en ?? Object.values(text)[0] ?? '';
}
