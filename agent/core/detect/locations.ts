// Turns the catalog's location syntax (`~/x`, `%APPDATA%/x`, `/x`, `C:/x`, `*` inside a segment) into concrete roots and path segments.
import type { Platform } from '../../common/model.js';
import type { HomeDir } from '../../ports/index.js';
import { pathKey } from '../nameCase.js';
import type { DetectContext } from './context.js';

/** One place a location resolves to: an existing base directory (a home or the system root) and the segments below it. */
export interface ResolvedLocation {
  base: string;
  segments: string[];
  /** The home the location lies in; absent for system-wide locations. */
  home?: HomeDir;
}

/**
 * Prefixes and the segments they add below a home or the system root.
 * Windows user folders are written out (`AppData/Roaming`) so that a Windows image can be scanned from any OS.
 */
const HOME_PREFIXES: Readonly<Record<string, readonly string[]>> = {
  '~': [],
  '%USERPROFILE%': [],
  '%APPDATA%': ['AppData', 'Roaming'],
  '%LOCALAPPDATA%': ['AppData', 'Local'],
};

const SYSTEM_PREFIXES: Readonly<Record<string, readonly string[]>> = {
  '': [],
  '%SYSTEMDRIVE%': [],
  'C:': [],
  '%PROGRAMFILES%': ['Program Files'],
  '%PROGRAMFILES(X86)%': ['Program Files (x86)'],
  '%PROGRAMDATA%': ['ProgramData'],
};

export const LOCATION_PREFIXES: readonly string[] = [...Object.keys(HOME_PREFIXES), ...Object.keys(SYSTEM_PREFIXES)];

/** Splits a location into its prefix and the segments after it; null when the prefix is unknown or a segment is malformed. */
export function parseLocation(pattern: string): { prefix: string; scope: 'home' | 'system'; segments: string[] } | null {
  const parts = pattern.split('/');
  const prefix = parts[0] ?? '';
  const scope = prefix in HOME_PREFIXES ? 'home' : prefix in SYSTEM_PREFIXES ? 'system' : null;
  if (!scope) return null;
  const rest = parts.slice(1);
  if (rest.length === 0 || rest.some((s) => s === '' || s === '.' || s === '..' || s.includes('**') || s.includes('\\'))) return null;
  const extra = scope === 'home' ? HOME_PREFIXES[prefix] : SYSTEM_PREFIXES[prefix];
  return { prefix, scope, segments: [...(extra ?? []), ...rest] };
}

export function resolveLocation(pattern: string, ctx: Pick<DetectContext, 'systemRoot' | 'homes'>): ResolvedLocation[] {
  const parsed = parseLocation(pattern);
  if (!parsed) return [];
  if (parsed.scope === 'system') return [{ base: ctx.systemRoot, segments: parsed.segments }];
  return ctx.homes.map((home) => ({ base: home.home, segments: parsed.segments, home }));
}

/** Joins below a base with the base's own separator, so `C:\Users\a` stays Windows-like and `/home/a` POSIX. */
export function joinPath(base: string, ...segments: string[]): string {
  const sep = base.includes('\\') && !base.includes('/') ? '\\' : '/';
  const trimmed = base.replace(/[\\/]+$/, '');
  return segments.reduce((acc, seg) => `${acc}${sep}${seg}`, trimmed);
}

export function hasWildcard(segment: string): boolean {
  return segment.includes('*');
}

/** `*` is any run of characters inside one segment; everything else is literal. Names compare as the OS's disk does (nameCase.ts). */
export function segmentMatcher(segment: string, platform: Platform): (name: string) => boolean {
  const key = pathKey(platform);
  const source = key(segment)
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/\\\\]*');
  const re = new RegExp(`^${source}$`);
  return (name) => re.test(key(name));
}

/** The path relative to its home written with `~`, for human words; system paths stay as they are. */
export function displayPath(path: string, home?: HomeDir): string {
  if (!home) return path;
  const base = home.home.replace(/[\\/]+$/, '');
  return path.startsWith(base) ? `~${path.slice(base.length).replace(/\\/g, '/')}` : path;
}
