// Picks the text of a policy message for a language (exact tag, its base language, English, then any): one rule for CLI, daemon and tray.
import type { LocalizedText } from './model.js';

export function localize(text: LocalizedText | undefined, lang: string): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  const base = (lang.split(/[-_]/)[0] ?? lang).toLowerCase();
  const byBase = Object.keys(text).find((k) => k.split(/[-_]/)[0]?.toLowerCase() === base);
  return text[lang] || (byBase ? text[byBase] : undefined) || text.en || Object.values(text)[0] || '';
}
