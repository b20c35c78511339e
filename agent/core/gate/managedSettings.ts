// Claude Code's managed settings as the start hook must answer them: the organisation's own settings carried through, stricter wins.
import type { GateDecision } from './decisions.js';
import { intersectModels } from './models.js';

export type ManagedSettings = Record<string, unknown>;

/** Keys that only a managed file may hold and that would make no sense inside the helper's answer. */
const FILE_ONLY_KEYS = ['policyHelper'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function mergeValue(base: unknown, next: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(next)) {
    const seen = new Set(base.map((v) => JSON.stringify(v)));
    return [...base, ...next.filter((v) => !seen.has(JSON.stringify(v)))];
  }
  if (isObject(base) && isObject(next)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(next)) out[k] = k in out ? mergeValue(out[k], v) : v;
    return out;
  }
  return next;
}

/**
 * The organisation's file-based managed settings as Claude Code combines them: `managed-settings.json` first, then
 * each `managed-settings.d/*.json` in name order; lists are joined, objects merged, other values the last one wins.
 */
export function mergeManagedLayers(layers: readonly ManagedSettings[]): ManagedSettings {
  return layers.reduce<ManagedSettings>((acc, layer) => mergeValue(acc, layer) as ManagedSettings, {});
}

/** Compares dotted numeric versions (2.1.175); the higher one is the stricter minimum. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const VERSION = /^\d+\.\d+\.\d+$/;

export type StartAnswer =
  | { start: true; settings: ManagedSettings }
  | { start: false; reason: 'policy'; decision: Extract<GateDecision, { kind: 'prevent' }> }
  | { start: false; reason: 'no-common-model'; organisation: string[]; cordon: string[] };

/**
 * What Claude Code gets from the hook. Its answer replaces every file-based managed setting, so the organisation's
 * settings go through unchanged unless Cordon's decision is stricter: models are the intersection of both lists,
 * enforcement is on when either side enforces, the higher minimum version holds. Nothing of the organisation's is dropped.
 */
export function startAnswer(organisation: ManagedSettings, decision: GateDecision): StartAnswer {
  if (decision.kind === 'prevent') return { start: false, reason: 'policy', decision };
  const settings: ManagedSettings = Object.fromEntries(Object.entries(organisation).filter(([k]) => !FILE_ONLY_KEYS.includes(k)));
  if (decision.kind === 'allow') return { start: true, settings };
  const theirs = settings.availableModels;
  if (Array.isArray(theirs) && theirs.length > 0 && theirs.every((m) => typeof m === 'string')) {
    const both = intersectModels(theirs as string[], decision.models);
    if (both.length === 0) return { start: false, reason: 'no-common-model', organisation: theirs as string[], cordon: decision.models };
    settings.availableModels = both;
  } else if (theirs === undefined || (Array.isArray(theirs) && theirs.length === 0)) {
    settings.availableModels = decision.models;
  }
  // Any other value of theirs is invalid, which Claude Code enforces as an empty allow-list: stricter than ours, so it stays.
  settings.enforceAvailableModels = true;
  const minimum = decision.requiredMinimumVersion;
  const current = settings.requiredMinimumVersion;
  // An invalid minimum of theirs fails open in Claude Code, so ours replaces it; a valid higher one of theirs stays.
  if (minimum && !(typeof current === 'string' && VERSION.test(current) && compareVersions(current, minimum) >= 0)) {
    settings.requiredMinimumVersion = minimum;
  }
  return { start: true, settings };
}
