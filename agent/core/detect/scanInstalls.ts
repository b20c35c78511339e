// Install scanner: reports every declared install location that exists, under each home and the system root; the
// paths of one install form under one root (launcher, version store, versions) become one observation.
import type { InstallPart, Observation } from '../../common/model.js';
import type { FileSystemPort } from '../../ports/index.js';
import type { InstallSignature, ToolSignature } from '../catalog/types.js';
import type { DetectContext } from './context.js';
import { displayPath, resolveLocation } from './locations.js';
import { createScanCache, readableThroughLinks, walkLocation, type LocatedEntry } from './walkLocation.js';

/** `brokenLinks` hears of each link on the way to a location that could not be read through (reported, not followed). */
export function scanInstalls(
  fs: FileSystemPort,
  tools: ToolSignature[],
  ctx: DetectContext,
  brokenLinks: (link: string, why: string) => void = () => undefined,
): Observation[] {
  const cache = createScanCache(fs);
  const mayEnter = readableThroughLinks(ctx);
  const seen = new Set<string>();
  const observations: Observation[] = [];
  for (const tool of tools) {
    for (const sig of tool.installs ?? []) {
      if (!sig.platforms.includes(ctx.platform)) continue;
      for (const location of resolveLocation(sig.path, ctx)) {
        for (const entry of walkLocation(cache, location, ctx.platform, mayEnter, brokenLinks)) {
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
            ...(linkTarget === undefined ? {} : { detail: `symlink to ${linkTarget}, not followed`, linkTarget }),
            ...(sig.form ? { form: sig.form } : {}),
          });
        }
      }
    }
  }
  return groupByForm(observations, tools, ctx);
}

const partOf = (o: Observation): InstallPart => ({
  path: o.path as string,
  what: o.signal,
  role: o.role ?? 'program',
  ...(o.linkTarget !== undefined ? { linkTarget: o.linkTarget } : {}),
});

/**
 * One observation per install: paths of the same tool and form under the same root (and user) are merged into the
 * first one found, which keeps its own path as the install's path and lists every path as a part (an install found
 * at one path only stays as it is).
 * The install is a program if any part is; evidence alone stays evidence.
 */
function groupByForm(observations: Observation[], tools: ToolSignature[], ctx: DetectContext): Observation[] {
  const groups = new Map<string, Observation[]>();
  const out: (Observation | Observation[])[] = [];
  for (const o of observations) {
    if (!o.form) {
      out.push(o);
      continue;
    }
    const key = [o.tool, o.form, o.scanRoot ?? '', o.user ?? ''].join('\0');
    const group = groups.get(key);
    if (group) group.push(o);
    else {
      const fresh = [o];
      groups.set(key, fresh);
      out.push(fresh);
    }
  }
  const formName = (o: Observation): string => {
    const name = tools.find((t) => t.id === o.tool)?.forms?.find((f) => f.id === o.form)?.name;
    return typeof name === 'string' ? name : (name?.en ?? o.form ?? o.signal);
  };
  return out.map((entry) =>
    !Array.isArray(entry) ? entry : entry.length === 1 ? (entry[0] as Observation) : merge(entry, formName(entry[0] as Observation), ctx),
  );
}

const ROLE_RANK: Record<InstallPart['role'], number> = { program: 0, data: 1, evidence: 2 };

function merge(group: Observation[], form: string, ctx: DetectContext): Observation {
  const first = group[0] as Observation;
  const parts = group.map(partOf);
  const role = parts.map((p) => p.role).sort((a, b) => ROLE_RANK[a] - ROLE_RANK[b])[0] ?? 'program';
  const home = ctx.homes.find((h) => h.home === first.scanRoot);
  const { detail: _detail, linkTarget: _link, ...rest } = first;
  return {
    ...rest,
    signal: form,
    role,
    parts,
    detail: parts
      .map((p) => `${p.what} ${displayPath(p.path, home)}${p.linkTarget !== undefined ? ` (symlink to ${p.linkTarget}, not followed)` : ''}`)
      .join('; '),
  };
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
