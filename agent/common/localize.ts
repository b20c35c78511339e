// The language of a message: a policy text in the reader's language (exact tag, base language, English, then any), and the
// language of the POSIX locale; one rule for the CLI, the daemon and the tray.
import type { LocalizedText } from './model.js';

export function localize(text: LocalizedText | undefined, lang: string): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  const base = (lang.split(/[-_]/)[0] ?? lang).toLowerCase();
  const byBase = Object.keys(text).find((k) => k.split(/[-_]/)[0]?.toLowerCase() === base);
  return text[lang] || (byBase ? text[byBase] : undefined) || text.en || Object.values(text)[0] || '';
}

/** The user's language from the POSIX locale variables (`zh_CN.UTF-8` → `zh-CN`), English when unset. */
export function languageFromEnv(env: Record<string, string | undefined>): string {
  const raw = env.LC_ALL || env.LC_MESSAGES || env.LANG || 'en';
  const tag = raw.split('.')[0]?.replace('_', '-') ?? 'en';
  return tag === 'C' || tag === 'POSIX' || tag === '' ? 'en' : tag;
}
