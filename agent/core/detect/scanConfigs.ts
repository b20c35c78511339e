// Config scanner: reads only the declared files, up to a size cap, and says which setting matched where, never its value.
import type { Observation, RiskFlag } from '../../common/model.js';
import type { FileSystemPort } from '../../ports/index.js';
import type { ConfigMatcher, ConfigSignature, ToolSignature } from '../catalog/types.js';
import type { DetectContext } from './context.js';
import { displayPath, resolveLocation } from './locations.js';
import { parseJsonLenient, parseYamlLenient } from './parseLenient.js';
import { createScanCache, readableThroughLinks, walkLocation } from './walkLocation.js';

export const DEFAULT_CONFIG_MAX_BYTES = 1024 * 1024;

export function scanConfigs(fs: FileSystemPort, tools: ToolSignature[], ctx: DetectContext): Observation[] {
  const cache = createScanCache(fs);
  const mayEnter = readableThroughLinks(ctx);
  const observations: Observation[] = [];
  const seen = new Set<string>();
  for (const tool of tools) {
    for (const sig of tool.configs ?? []) {
      if (!sig.platforms.includes(ctx.platform)) continue;
      for (const location of resolveLocation(sig.path, ctx)) {
        for (const entry of walkLocation(cache, location, ctx.platform, mayEnter)) {
          // A config file may be a symlink (dotfile managers); the adapter reads only a regular file behind it.
          if (entry.stat.type !== 'file' && entry.stat.type !== 'symlink') continue;
          const key = `${tool.id}\0${entry.path}`;
          if (seen.has(key)) continue;
          const shown = displayPath(entry.path, location.home);
          const hits = matchConfigFile(fs, sig, entry.path, shown);
          if (hits.length === 0) continue;
          seen.add(key);
          const user = location.home?.user ?? ctx.userName?.(entry.stat.uid);
          const risks = [...new Set(hits.flatMap((h) => h.risks))].sort();
          observations.push({
            tool: tool.id,
            kind: 'config',
            path: entry.path,
            ...(user ? { user } : {}),
            signal: hits.map((h) => h.what).join('; '),
            detail: hits.map((h) => h.detail).join('; '),
            scanRoot: location.base,
            ...(risks.length ? { riskFlags: risks } : {}),
          });
        }
      }
    }
  }
  return observations;
}

interface ConfigHit {
  what: string;
  detail: string;
  risks: RiskFlag[];
}

function risksOf(m: ConfigMatcher): RiskFlag[] {
  return [...(m.secret ? (['plaintext_secret'] as const) : []), ...(m.risk ? [m.risk] : [])];
}

function matchConfigFile(fs: FileSystemPort, sig: ConfigSignature, path: string, shown: string): ConfigHit[] {
  const maxBytes = sig.maxBytes ?? DEFAULT_CONFIG_MAX_BYTES;
  const bytes = fs.readFileCapped(path, maxBytes);
  if (bytes === null || bytes === 'too-large') return [];
  const text = bytes.toString('utf8');
  const lines = text.split(/\r?\n/);
  const lineMatchers = sig.matchers.filter((m) => m.line !== undefined);
  const keyMatchers = sig.matchers.filter((m) => m.key !== undefined);
  const hits: ConfigHit[] = [];
  for (const m of lineMatchers) {
    const re = new RegExp(m.line!, m.flags ?? '');
    const index = lines.findIndex((l) => re.test(l));
    if (index >= 0) hits.push({ what: m.what, detail: `${m.what} in ${shown} line ${index + 1}`, risks: risksOf(m) });
  }
  if (keyMatchers.length > 0 && sig.format !== 'text') {
    const doc = sig.format === 'json' ? parseJsonLenient(text) : parseYamlLenient(text);
    for (const m of keyMatchers) {
      const where = findKey(doc, m, []);
      if (where) hits.push({ what: m.what, detail: `${m.what} in ${shown} (${where})`, risks: risksOf(m) });
    }
  }
  return hits;
}

/** Depth-first search for the matcher's key; returns the key's path (`agent.default_model.provider`), never its value. */
function findKey(node: unknown, m: ConfigMatcher, trail: string[]): string | null {
  if (trail.length > 32 || node === null || typeof node !== 'object') return null;
  const entries: [string, unknown][] = Array.isArray(node)
    ? node.map((v, i) => [String(i), v] as [string, unknown])
    : Object.entries(node as Record<string, unknown>);
  for (const [k, v] of entries) {
    if (k === m.key && valueMatches(v, m)) return [...trail, k].join('.');
  }
  for (const [k, v] of entries) {
    const found = findKey(v, m, [...trail, k]);
    if (found) return found;
  }
  return null;
}

function valueMatches(value: unknown, m: ConfigMatcher): boolean {
  if (m.value === undefined) {
    if (typeof value === 'string') return value.trim() !== '';
    if (Array.isArray(value)) return value.length > 0;
    if (value && typeof value === 'object') return Object.keys(value).length > 0;
    return value === true || typeof value === 'number';
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return false;
  return new RegExp(m.value, m.flags ?? '').test(String(value));
}
