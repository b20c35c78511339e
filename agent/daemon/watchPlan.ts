// Which folders to watch so that any new install at a declared location is seen, without crawling the home.
import path from 'node:path';
import type { Platform } from '../common/model.js';
import { segmentMatcher } from '../core/detect/locations.js';
import type { FileSystemPort } from '../ports/index.js';

/** For each watched folder: the names (or single-segment globs) of the children that matter. */
export type WatchPlan = Map<string, string[]>;

/** Bounds the glob expansion so a pathological tree cannot make the watcher heavy. */
const MAX_WATCHED = 2_000;

/**
 * Walks each location (a home or the system root, and the segments below it) as far as it exists, and watches the deepest existing folder of
 * every branch for the next segment (and every folder where a glob segment can gain new matches): when
 * that appears, the plan is made again and goes one step deeper. Folders above are not watched.
 * Symlinked folders are not entered (the scanners do not follow them either).
 */
export function planWatches(fs: FileSystemPort, locations: readonly { base: string; segments: string[] }[], platform: Platform): WatchPlan {
  const plan: WatchPlan = new Map();
  const want = (dir: string, child: string): void => {
    const list = plan.get(dir);
    if (list) {
      if (!list.includes(child)) list.push(child);
    } else if (plan.size < MAX_WATCHED) {
      plan.set(dir, [child]);
    }
  };
  for (const { base, segments } of locations) {
    const walk = (dir: string, i: number): void => {
      const seg = segments[i];
      if (seg === undefined || plan.size >= MAX_WATCHED) return;
      const last = i === segments.length - 1;
      if (!seg.includes('*')) {
        const next = path.join(dir, seg);
        if (!last && fs.lstat(next)?.type === 'dir') walk(next, i + 1);
        else want(dir, seg);
        return;
      }
      want(dir, seg);
      if (last) return;
      const matches = segmentMatcher(seg, platform);
      for (const name of fs.readdir(dir) ?? []) {
        const next = path.join(dir, name);
        if (matches(name) && fs.lstat(next)?.type === 'dir') walk(next, i + 1);
      }
    };
    if (fs.lstat(base)?.type === 'dir') walk(base, 0);
  }
  return plan;
}

/** True for a path the watcher must report: a watched folder itself, or a child that matters to it (named as the scanners match names). */
export function isWatched(plan: WatchPlan, p: string, platform: Platform): boolean {
  if (plan.has(p)) return true;
  const children = plan.get(path.dirname(p));
  if (!children) return false;
  const name = path.basename(p);
  return children.some((c) => segmentMatcher(c, platform)(name));
}
