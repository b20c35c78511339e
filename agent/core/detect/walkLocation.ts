// Finds what exists at a declared location: one lstat per literal segment, one readdir per `*` segment, never a crawl.
import type { Platform } from '../../common/model.js';
import type { EntryStat, FileSystemPort } from '../../ports/index.js';
import { protectedTreeOf } from '../protectedTargets.js';
import type { DetectContext } from './context.js';
import { hasWildcard, joinPath, segmentMatcher, type ResolvedLocation } from './locations.js';

export interface LocatedEntry {
  path: string;
  stat: EntryStat;
}

/** Per-scan memo of lstat, readdir and realpath, so locations sharing a prefix cost one system call each. */
export interface ScanCache {
  lstat(path: string): EntryStat | null;
  readdir(path: string): string[] | null;
  realpath(path: string): string | null;
}

export function createScanCache(fs: FileSystemPort): ScanCache {
  const stats = new Map<string, EntryStat | null>();
  const dirs = new Map<string, string[] | null>();
  const reals = new Map<string, string | null>();
  return {
    lstat(path) {
      if (!stats.has(path)) stats.set(path, fs.lstat(path));
      return stats.get(path) ?? null;
    },
    readdir(path) {
      if (!dirs.has(path)) dirs.set(path, fs.readdir(path));
      return dirs.get(path) ?? null;
    },
    realpath(path) {
      if (!reals.has(path)) reals.set(path, fs.realpath(path));
      return reals.get(path) ?? null;
    },
  };
}

/** Symlinked folders followed in one location at most: enough for any developer's layout, bounded for a planted maze. */
const MAX_LINKS_FOLLOWED = 32;

/**
 * Entries that exist at the location. A symlinked folder on the way (`~/.npm-global` on another disk) is read
 * through, and what is found is reported at its real path; link loops end in the OS's ELOOP, each real folder is
 * entered once, and at most MAX_LINKS_FOLLOWED links are followed. Reading through a link is all detection does:
 * quarantine still refuses to move anything through a link. The final entry may be anything, including a
 * symlink, which the caller reports as itself. `mayEnter` keeps links from leading into folders off limits.
 */
export function walkLocation(
  cache: ScanCache,
  location: ResolvedLocation,
  platform: Platform,
  mayEnter: (realDir: string) => boolean = () => true,
  /** A link on the way that leads nowhere (dangling, a loop) or past the bound: what lies behind it was not looked at. */
  onBrokenLink: (link: string, why: string) => void = () => undefined,
): LocatedEntry[] {
  let frontier = [location.base];
  const found: LocatedEntry[] = [];
  let linksFollowed = 0;
  location.segments.forEach((segment, index) => {
    const last = index === location.segments.length - 1;
    const next = new Set<string>();
    for (const dir of frontier) {
      const names = hasWildcard(segment) ? (cache.readdir(dir) ?? []).filter(segmentMatcher(segment, platform)).sort() : [segment];
      for (const name of names) {
        const path = joinPath(dir, name);
        const stat = cache.lstat(path);
        if (!stat) continue;
        if (last) found.push({ path, stat });
        else if (stat.type === 'dir') next.add(path);
        else if (stat.type === 'symlink' && linksFollowed >= MAX_LINKS_FOLLOWED) onBrokenLink(path, `more than ${MAX_LINKS_FOLLOWED} links on the way`);
        else if (stat.type === 'symlink') {
          linksFollowed += 1;
          const real = cache.realpath(path);
          if (real === null) onBrokenLink(path, 'it leads nowhere (a dangling link or a loop)');
          else if (cache.lstat(real)?.type === 'dir' && mayEnter(real)) next.add(real);
        }
      }
    }
    frontier = [...next];
  });
  return found;
}

/** Links are read through into a user's or the system's ordinary folders, never into the system's or a user's secrets. */
export function readableThroughLinks(ctx: Pick<DetectContext, 'homes' | 'systemRoot' | 'platform'>): (realDir: string) => boolean {
  const homes = ctx.homes.map((h) => h.home);
  return (realDir) => protectedTreeOf(realDir, homes, ctx.systemRoot, [], ctx.platform) === null;
}
