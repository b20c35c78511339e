// Adds the tools a signed policy defines to the built-in catalog; a policy can extend a known tool but never weaken it.
import type { Catalog, ToolSignature } from './types.js';

/**
 * A new id is added as it is. An id the catalog already knows gains the policy's processes, installs, configs and
 * packages on top of its own: detection only grows, so a policy cannot hide a built-in signal.
 */
export function mergeCatalog(base: Catalog, extra: ToolSignature[]): Catalog {
  const tools = base.tools.map((t) => ({ ...t }));
  const byId = new Map(tools.map((t) => [t.id, t]));
  for (const add of extra) {
    const known = byId.get(add.id);
    if (!known) {
      tools.push(add);
      byId.set(add.id, add);
      continue;
    }
    known.processes = [...(known.processes ?? []), ...(add.processes ?? [])];
    known.installs = [...(known.installs ?? []), ...(add.installs ?? [])];
    known.configs = [...(known.configs ?? []), ...(add.configs ?? [])];
    known.packages = [...(known.packages ?? []), ...(add.packages ?? [])];
  }
  return { interpreters: base.interpreters, tools };
}
