// The concrete paths the daemon's file watcher should watch: the fixed prefix of every install and config location.
import type { ToolSignature } from '../catalog/types.js';
import type { DetectContext } from './context.js';
import { hasWildcard, joinPath, resolveLocation } from './locations.js';

/**
 * For `~/.nvm/versions/node/*\/lib/...` the watcher gets `<home>/.nvm/versions/node`: the part before the first
 * `*` segment, which a watcher can follow without globs.
 */
export function watchTargets(tools: ToolSignature[], ctx: DetectContext): string[] {
  const targets = new Set<string>();
  for (const tool of tools) {
    for (const sig of [...(tool.installs ?? []), ...(tool.configs ?? [])]) {
      if (!sig.platforms.includes(ctx.platform)) continue;
      for (const location of resolveLocation(sig.path, ctx)) {
        const firstWild = location.segments.findIndex(hasWildcard);
        const fixed = firstWild < 0 ? location.segments : location.segments.slice(0, firstWild);
        targets.add(joinPath(location.base, ...fixed));
      }
    }
  }
  return [...targets].sort();
}
