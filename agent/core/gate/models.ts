// Model allow-lists the way Claude Code reads them (family, version prefix or full id), and what two lists both allow.

/** Claude model families: a family name allows every model id of that family. */
const FAMILIES = new Set(['haiku', 'sonnet', 'opus']);

/** True when the allow-list entry `general` lets through every model that `specific` names. */
export function modelCovers(general: string, specific: string): boolean {
  const g = general.toLowerCase();
  const s = specific.toLowerCase();
  if (g === s) return true;
  if (FAMILIES.has(g)) return s.startsWith(`claude-${g}-`) || new RegExp(`^claude-\\d[\\w.-]*-${g}(-|$)`).test(s);
  return s.startsWith(`${g}-`);
}

/**
 * The entries that both lists allow: an entry of one list survives when the other list has an entry covering it.
 * An empty result means no model is allowed by both; callers must not hand Claude Code an empty list, which it
 * reads as "no restriction" (docs: an empty availableModels never engages enforcement).
 */
export function intersectModels(a: readonly string[], b: readonly string[]): string[] {
  const out = [...a.filter((x) => b.some((y) => modelCovers(y, x))), ...b.filter((y) => a.some((x) => modelCovers(x, y)))];
  return [...new Set(out)];
}
