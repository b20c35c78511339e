// Decides, for one tool with a managed start hook and each user, whether it may start, only narrowed, or not at all, over time.
import { exemptionFor, exemptionsOf, duePhaseIndex, policyInForce, type EvaluationContext } from '../policy/evaluate.js';
import type { LoadedPolicy, Phase, Rule } from '../policy/types.js';
import { GATE_DECISIONS_FORMAT, type GateDecision, type GateDecisions, type GateSegment } from './decisions.js';
import { compareVersions } from './managedSettings.js';
import { intersectModels } from './models.js';

/** A user of this machine with the groups the OS lists for them. */
export interface GateUser {
  name: string;
  groups: string[];
}

interface Due {
  loaded: LoadedPolicy;
  rule: Rule;
  phase: Phase;
}

const instant = (iso: string): number => Date.parse(iso);

/** The decision for one user (undefined: a user no exemption names) at one instant. */
export function decideAt(tool: string, policies: readonly LoadedPolicy[], user: GateUser | undefined, host: string, at: number): GateDecision {
  const ctx: EvaluationContext = { now: new Date(at), host, groupsOf: () => user?.groups ?? [] };
  const obs = { tool, kind: 'process' as const, signal: 'start', ...(user ? { user: user.name } : {}) };
  const due: Due[] = [];
  for (const loaded of policies) {
    if (!policyInForce(loaded.policy, at)) continue;
    const exemptions = exemptionsOf(loaded.policy, policies, at);
    for (const rule of loaded.policy.rules) {
      if (!rule.tools.includes(tool)) continue;
      const index = duePhaseIndex(rule, at);
      if (index === null) continue;
      if (exemptionFor(exemptions, rule, obs, ctx, at)) continue;
      due.push({ loaded, rule, phase: rule.phases[index] as Phase });
    }
  }
  const byStart = (a: Due, b: Due): number =>
    instant(a.phase.from) - instant(b.phase.from) || a.loaded.policy.id.localeCompare(b.loaded.policy.id) || a.rule.id.localeCompare(b.rule.id);
  const preventing = due.filter((d) => d.phase.actions.includes('prevent')).sort(byStart);
  if (preventing.length > 0) return refusal(preventing[0] as Due);
  const narrowing = due.filter((d) => d.phase.actions.includes('narrow')).sort(byStart);
  if (narrowing.length === 0) return { kind: 'allow' };
  const refs = narrowing.map((d) => ({ policy: d.loaded.policy.id, rule: d.rule.id }));
  const models = narrowing.slice(1).reduce((acc, d) => intersectModels(acc, d.rule.allowedModels ?? []), narrowing[0]?.rule.allowedModels ?? []);
  if (models.length === 0) return { ...refusal(narrowing[narrowing.length - 1] as Due), noCommonModel: refs };
  const minimum = highestVersion(narrowing.map((d) => d.rule.requiredMinimumVersion));
  return { kind: 'narrow', models, rules: refs, ...(minimum ? { requiredMinimumVersion: minimum } : {}) };
}

function refusal(d: Due): Extract<GateDecision, { kind: 'prevent' }> {
  return {
    kind: 'prevent',
    policy: d.loaded.policy.id,
    rule: d.rule.id,
    issuer: d.loaded.policy.issuer,
    since: d.phase.from,
    message: d.rule.message ?? d.loaded.policy.message,
    alternatives: d.loaded.policy.alternatives ?? [],
  };
}

export function highestVersion(versions: readonly (string | undefined)[]): string | undefined {
  return versions
    .filter((v): v is string => v !== undefined)
    .sort(compareVersions)
    .pop();
}

/** Every instant at which some decision can change: phase starts, exemption ends, policy expiries. */
function changeInstants(tool: string, policies: readonly LoadedPolicy[]): number[] {
  const times = new Set<number>();
  for (const { policy } of policies) {
    if (policy.expiresAt) times.add(instant(policy.expiresAt));
    for (const rule of policy.rules) if (rule.tools.includes(tool)) for (const phase of rule.phases) times.add(instant(phase.from));
    for (const ex of policy.exemptions ?? []) times.add(instant(ex.until));
  }
  return [...times].filter((t) => !Number.isNaN(t)).sort((a, b) => a - b);
}

function timeline(tool: string, policies: readonly LoadedPolicy[], user: GateUser | undefined, host: string, instants: number[]): GateSegment[] {
  const before = (instants[0] ?? 0) - 1;
  const segments: GateSegment[] = [{ from: null, decision: decideAt(tool, policies, user, host, before) }];
  for (const t of instants) {
    const decision = decideAt(tool, policies, user, host, t);
    if (JSON.stringify(decision) !== JSON.stringify((segments[segments.length - 1] as GateSegment).decision)) {
      segments.push({ from: new Date(t).toISOString(), decision });
    }
  }
  return segments;
}

/**
 * The decisions for everyone and for each user whose timeline differs (an exemption names them or their group).
 * The whole timeline is written, so the hook stays right across deadlines without the daemon, and the same
 * policies always give the same bytes (the file is rewritten only when something changed).
 */
export function gateDecisions(tool: string, policies: readonly LoadedPolicy[], users: readonly GateUser[], host: string): GateDecisions {
  const instants = changeInstants(tool, policies);
  const everyone = timeline(tool, policies, undefined, host, instants);
  const same = JSON.stringify(everyone);
  const own: Record<string, GateSegment[]> = {};
  for (const user of users) {
    const mine = timeline(tool, policies, user, host, instants);
    if (JSON.stringify(mine) !== same) own[user.name] = mine;
  }
  return { format: GATE_DECISIONS_FORMAT, tool, host, everyone, users: own };
}

/** The segments that hold at `now` or later (a segment ends where the next one starts). */
function fromNowOn(segments: readonly GateSegment[], now: number): GateSegment[] {
  return segments.filter((_, i) => {
    const next = segments[i + 1];
    return next === undefined || (next.from !== null && Date.parse(next.from) > now);
  });
}

/**
 * The hook goes in this long before a refusal or narrowing starts, so the change happens on time even if the agent
 * is stopped then, while a host exempt for years does not carry Claude Code's start hook all that time.
 */
export const INSTALL_AHEAD_MS = 7 * 24 * 3_600_000;

/** True when some user's start is refused or narrowed now or within INSTALL_AHEAD_MS: only then is the hook installed. */
export function gateNeeded(decisions: GateDecisions, now: Date): boolean {
  const horizon = now.getTime() + INSTALL_AHEAD_MS;
  const lists = [decisions.everyone, ...Object.values(decisions.users)];
  return lists.some((segments) =>
    fromNowOn(segments, now.getTime()).some((s) => s.decision.kind !== 'allow' && (s.from === null || Date.parse(s.from) <= horizon)),
  );
}

/** The first instant at which everyone's start is refused, for the fail-closed choice when no decision can be read. */
export function firstRefusal(decisions: GateDecisions, now: Date): string | null {
  const first = fromNowOn(decisions.everyone, now.getTime()).find((s) => s.decision.kind === 'prevent');
  if (!first) return null;
  return first.from ?? new Date(0).toISOString();
}

/** The highest requiredMinimumVersion of the rules that prevent or narrow the tool: written into the fragment too. */
export function hookMinimumVersion(tool: string, policies: readonly LoadedPolicy[]): string | undefined {
  const rules = policies
    .flatMap((p) => p.policy.rules)
    .filter((r) => r.tools.includes(tool) && r.phases.some((ph) => ph.actions.includes('prevent') || ph.actions.includes('narrow')));
  return highestVersion(rules.map((r) => r.requiredMinimumVersion));
}

/** Everyone whose own timeline may differ: the people with homes here and every user an exemption names. */
export function gateUserNames(homeUsers: readonly string[], policies: readonly LoadedPolicy[]): string[] {
  const named = policies.flatMap((p) => (p.policy.exemptions ?? []).flatMap((e) => e.users ?? []));
  return [...new Set([...homeUsers, ...named])].sort();
}
