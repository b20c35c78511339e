// Finds what exists at a declared location: one lstat per literal segment, one readdir per `*` segment, never a crawl.
import type { Platform } from '../../common/model.js';
import type { EntryStat, FileSystemPort } from '../../ports/index.js';
import { hasWildcard, joinPath, segmentMatcher, type ResolvedLocation } from './locations.js';

export interface LocatedEntry {
  path: string;
  stat: EntryStat;
}

/** Per-scan memo of lstat and readdir, so locations sharing a prefix cost one system call each. */
export interface ScanCache {
  lstat(path: string): EntryStat | null;
  readdir(path: string): string[] | null;
}

export function createScanCache(fs: FileSystemPort): ScanCache {
  const stats = new Map<string, EntryStat | null>();
  const dirs = new Map<string, string[] | null>();
  return {
    lstat(path) {
      if (!stats.has(path)) stats.set(path, fs.lstat(path));
      return stats.get(path) ?? null;
    },
    readdir(path) {
      if (!dirs.has(path)) dirs.set(path, fs.readdir(path));
      return dirs.get(path) ?? null;
    },
  };
}

/**
 * Entries that exist at the location. Intermediate segments must be real directories: a symlinked directory on the
 * way is not entered, so nothing outside the scanned tree is ever reached. The final entry may be anything,
 * including a symlink, which the caller reports as itself.
 */
export function walkLocation(cache: ScanCache, location: ResolvedLocation, platform: Platform): LocatedEntry[] {
  let frontier = [location.base];
  const found: LocatedEntry[] = [];
  location.segments.forEach((segment, index) => {
    const last = index === location.segments.length - 1;
    const next: string[] = [];
    for (const dir of frontier) {
      const names = hasWildcard(segment)
        ? (cache.readdir(dir) ?? []).filter(segmentMatcher(segment, platform)).sort()
        : [segment];
      for (const name of names) {
        const path = joinPath(dir, name);
        const stat = cache.lstat(path);
        if (!stat) continue;
        if (last) found.push({ path, stat });
        else if (stat.type === 'dir') next.push(path);
      }
    }
    frontier = next;
  });
  return found;
}
