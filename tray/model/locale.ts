// Picks the tray's language from the OS's preferred languages.

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
