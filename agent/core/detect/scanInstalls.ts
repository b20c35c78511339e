// Install scanner: reports every declared install location that exists, under each home and the system root.
import type { Observation } from '../../common/model.js';
import type { FileSystemPort } from '../../ports/index.js';
import type { InstallSignature, ToolSignature } from '../catalog/types.js';
import type { DetectContext } from './context.js';
import { displayPath, resolveLocation } from './locations.js';
import { createScanCache, walkLocation, type LocatedEntry } from './walkLocation.js';

export function scanInstalls(fs: FileSystemPort, tools: ToolSignature[], ctx: DetectContext): Observation[] {
  const cache = createScanCache(fs);
  const seen = new Set<string>();
  const observations: Observation[] = [];
  for (const tool of tools) {
    for (const sig of tool.installs ?? []) {
      if (!sig.platforms.includes(ctx.platform)) continue;
      for (const location of resolveLocation(sig.path, ctx)) {
        for (const entry of walkLocation(cache, location, ctx.platform)) {
          if (!typeFits(sig, entry)) continue;
          const key = `${tool.id}\0${entry.path}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const linkTarget = entry.stat.type === 'symlink' ? (fs.readlink(entry.path) ?? '') : undefined;
          const user = location.home?.user ?? ctx.userName?.(entry.stat.uid);
          observations.push({
            tool: tool.id,
            kind: 'install',
            path: entry.path,
            ...(user ? { user } : {}),
            signal: sig.what,
            role: sig.role,
            scanRoot: location.base,
            detail:
              linkTarget === undefined
                ? `${sig.what} at ${displayPath(entry.path, location.home)}`
                : `${sig.what} at ${displayPath(entry.path, location.home)} (symlink to ${linkTarget}, not followed)`,
            ...(linkTarget === undefined ? {} : { linkTarget }),
          });
        }
      }
    }
  }
  return observations;
}

/** A symlink is always reported as itself; otherwise the entry must have the declared type. */
function typeFits(sig: InstallSignature, entry: LocatedEntry): boolean {
  const type = entry.stat.type;
  if (type === 'symlink') return true;
  switch (sig.type ?? 'any') {
    case 'any':
      return true;
    case 'file':
      return type === 'file';
    case 'dir':
      return type === 'dir';
  }
}
