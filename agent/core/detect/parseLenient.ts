// Parses the JSON dialect editors write (comments, trailing commas) and YAML, for the config scanner's key matchers.
import { parse as parseYaml } from 'yaml';

/** Removes `//` and `/* *\/` comments and trailing commas outside strings, then parses; null when it still is not JSON. */
export function parseJsonLenient(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      out += text.slice(start, i + 1);
      i++;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += ch;
      i++;
    }
  }
  try {
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1')) as unknown;
  } catch {
    return null;
  }
}

export function parseYamlLenient(text: string): unknown {
  try {
    return parseYaml(text, { uniqueKeys: false, maxAliasCount: 100 }) as unknown;
  } catch {
    return null;
  }
}
