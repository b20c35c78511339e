// Approved alternatives from several policies, each listed once, for the CLI and the tray alike.
import type { Alternative } from './model.js';

/** Two policies naming the same alternative (same name, or same link) list it once, in the order first given. */
export function uniqueAlternatives(all: readonly Alternative[]): Alternative[] {
  const seen = new Set<string>();
  return all.filter((a) => {
    const keys = [`name:${a.name.trim().toLowerCase()}`, ...(a.url ? [`url:${a.url.replace(/\/+$/, '').toLowerCase()}`] : [])];
    if (keys.some((k) => seen.has(k))) return false;
    keys.forEach((k) => seen.add(k));
    return true;
  });
}
