// Decides, for each observation and a moment in time, which policy rules cover it and which actions are due.
import type { Action, Observation, Platform, TargetedFinding, UpcomingRule } from '../../common/model.js';
import { sameGroup, sameUser } from '../nameCase.js';
import { targetOf } from '../enforce/target.js';
import { findingId } from '../status/findingId.js';
import { sortActions, strictestRank } from './precedence.js';
import type { Exemption, LoadedPolicy, Phase, Policy, Rule } from './types.js';

export interface EvaluationContext {
  /** The moment to evaluate at: trusted time, or the `--at` preview time. */
  now: Date;
  host: string;
  /** Groups of a user where the OS tells them (empty when unknown). */
  groupsOf(user: string): string[];
  /** The machine's OS: Windows compares account names without case (nameCase.ts). */
  platform?: Platform;
}

interface Coverage {
  loaded: LoadedPolicy;
  rule: Rule;
  phaseIndex: number;
  phase: Phase;
  exemption: Exemption | null;
}

const instant = (iso: string): number => Date.parse(iso);

/** A policy is in force until its expiresAt (exclusive). */
export function policyInForce(policy: Policy, at: number): boolean {
  return policy.expiresAt === undefined || at < instant(policy.expiresAt);
}

/** The phase in effect at `at` (a phase starts exactly at its `from`), or null before the first. */
export function duePhaseIndex(rule: Rule, at: number): number | null {
  let due: number | null = null;
  rule.phases.forEach((phase, i) => {
    if (instant(phase.from) <= at) due = i;
  });
  return due;
}

/**
 * The exemptions that can lift a policy's rules: its own, and those an exemption policy in force grants by naming
 * the policy's id (what `cordon policy exempt` writes); an exemption naming another policy never lifts its own.
 */
export function exemptionsOf(policy: Policy, all: readonly LoadedPolicy[], at: number): Exemption[] {
  const own = (policy.exemptions ?? []).filter((ex) => ex.policy === undefined || ex.policy === policy.id);
  const granted = all
    .filter((p) => p.policy.id !== policy.id && policyInForce(p.policy, at))
    .flatMap((p) => (p.policy.exemptions ?? []).filter((ex) => ex.policy === policy.id));
  return [...own, ...granted];
}

/** The matching exemption that lasts longest, or null; an exemption ends exactly at its `until`. */
export function exemptionFor(exemptions: readonly Exemption[], rule: Rule, obs: Observation, ctx: EvaluationContext, at: number): Exemption | null {
  let best: Exemption | null = null;
  for (const ex of exemptions) {
    if (ex.rules && !ex.rules.includes(rule.id)) continue;
    if (instant(ex.until) <= at) continue;
    if (ex.users?.length && !(obs.user !== undefined && ex.users.some((u) => sameUser(ctx.platform ?? 'linux', u, obs.user as string)))) continue;
    if (ex.hosts?.length && !ex.hosts.some((h) => h.toLowerCase() === ctx.host.toLowerCase())) continue;
    if (ex.groups?.length) {
      const groups = obs.user === undefined ? [] : ctx.groupsOf(obs.user);
      if (!ex.groups.some((g) => groups.some((member) => sameGroup(ctx.platform ?? 'linux', g, member)))) continue;
    }
    if (!best || instant(ex.until) > instant(best.until)) best = ex;
  }
  return best;
}

/** One finding per observation covered by an active rule, carrying what enforcement acts on; combination as in COMBINATION_RULES. */
export function evaluate(observations: readonly Observation[], policies: readonly LoadedPolicy[], ctx: EvaluationContext): TargetedFinding[] {
  const at = ctx.now.getTime();
  const inForce = policies.filter((p) => policyInForce(p.policy, at));
  const findings: TargetedFinding[] = [];
  for (const obs of observations) {
    const covering: Coverage[] = [];
    for (const loaded of inForce) {
      const exemptions = exemptionsOf(loaded.policy, inForce, at);
      for (const rule of loaded.policy.rules) {
        if (!rule.tools.includes(obs.tool)) continue;
        const phaseIndex = duePhaseIndex(rule, at);
        if (phaseIndex === null) continue;
        const phase = rule.phases[phaseIndex] as Phase;
        covering.push({ loaded, rule, phaseIndex, phase, exemption: exemptionFor(exemptions, rule, obs, ctx, at) });
      }
    }
    if (covering.length > 0) findings.push(findingFor(obs, covering));
  }
  return findings;
}

function findingFor(obs: Observation, covering: Coverage[]): TargetedFinding {
  const open = covering.filter((c) => c.exemption === null);
  const deciding = open.length > 0 ? open : covering;
  const actions = sortActions(deciding.flatMap((c) => c.phase.actions));
  const lead = [...deciding].sort(byPrecedence)[0] as Coverage;
  const deadline = nextDeadline(deciding, actions);
  const exemptUntil = open.length > 0 ? undefined : earliest(covering.map((c) => (c.exemption as Exemption).until));
  const message = lead.rule.message ?? lead.loaded.policy.message;
  return {
    id: findingId(obs, lead.loaded.policy.id, lead.rule.id),
    tool: obs.tool,
    policy: lead.loaded.policy.id,
    rule: lead.rule.id,
    kind: obs.kind,
    ...(obs.path !== undefined ? { path: obs.path } : {}),
    ...(obs.pid !== undefined ? { pid: obs.pid } : {}),
    ...(obs.user !== undefined ? { user: obs.user } : {}),
    ...(obs.parts && obs.parts.length > 1 ? { parts: obs.parts } : {}),
    actions,
    ...(deadline ? { deadline: deadline.at, deadlineActions: deadline.adds } : {}),
    state: open.length > 0 ? 'open' : 'exempt',
    detail: describeFinding(obs, lead, deciding, actions, deadline?.at, open.length > 0 ? null : (lead.exemption as Exemption), exemptUntil),
    message,
    ...(exemptUntil ? { exemptUntil } : {}),
    target: targetOf(obs),
  };
}

function byPrecedence(a: Coverage, b: Coverage): number {
  return (
    strictestRank(b.phase.actions) - strictestRank(a.phase.actions) ||
    instant(a.phase.from) - instant(b.phase.from) ||
    a.loaded.policy.id.localeCompare(b.loaded.policy.id) ||
    a.rule.id.localeCompare(b.rule.id)
  );
}

/** The earliest later phase that adds an action, and the actions that every phase starting then adds. */
function nextDeadline(deciding: Coverage[], actions: Action[]): { at: string; adds: Action[] } | undefined {
  const later: Phase[] = [];
  for (const c of deciding) {
    const phase = c.rule.phases.slice(c.phaseIndex + 1).find((p) => p.actions.some((a) => !actions.includes(a)));
    const expires = c.loaded.policy.expiresAt;
    if (phase && (expires === undefined || instant(phase.from) < instant(expires))) later.push(phase);
  }
  const at = earliest(later.map((p) => p.from));
  if (at === undefined) return undefined;
  const adds = later.filter((p) => instant(p.from) === instant(at)).flatMap((p) => p.actions.filter((a) => !actions.includes(a)));
  return { at, adds: sortActions(adds) };
}

/** Rules of the policies in force that have not started yet (before their first phase), soonest first. */
export function upcomingRules(observations: readonly Observation[], policies: readonly LoadedPolicy[], now: Date): UpcomingRule[] {
  const at = now.getTime();
  const upcoming: UpcomingRule[] = [];
  for (const loaded of policies.filter((p) => policyInForce(p.policy, at))) {
    for (const rule of loaded.policy.rules) {
      const first = rule.phases[0];
      if (!first || instant(first.from) <= at) continue;
      if (loaded.policy.expiresAt !== undefined && instant(first.from) >= instant(loaded.policy.expiresAt)) continue;
      const found = observations.some((o) => rule.tools.includes(o.tool));
      upcoming.push({ policy: loaded.policy.id, rule: rule.id, tools: rule.tools, from: first.from, actions: first.actions, found });
    }
  }
  return upcoming.sort((a, b) => instant(a.from) - instant(b.from));
}

function earliest(times: string[]): string | undefined {
  return [...times].sort((a, b) => instant(a) - instant(b))[0];
}

function where(obs: Observation): string {
  const who = obs.user ? ` for ${obs.user}` : '';
  switch (obs.kind) {
    case 'process':
      return `running as process ${obs.pid ?? '?'}${obs.path ? ` (${obs.path})` : ''}${who}`;
    case 'install':
      return `installed at ${obs.path ?? '?'}${who}`;
    case 'config':
      return `configured in ${obs.path ?? '?'}${who}`;
  }
}

function listWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function describeFinding(
  obs: Observation,
  lead: Coverage,
  deciding: Coverage[],
  actions: Action[],
  deadline: string | undefined,
  exemption: Exemption | null,
  exemptUntil: string | undefined,
): string {
  const parts = [`${obs.tool} ${where(obs)}: ${obs.signal}.`];
  parts.push(`Policy ${lead.loaded.policy.id}, rule ${lead.rule.id}: ${listWords(actions)} due since ${lead.phase.from}.`);
  const others = deciding.filter((c) => c !== lead).map((c) => `${c.loaded.policy.id}/${c.rule.id}`);
  if (others.length > 0) parts.push(`Also covered by ${listWords(others)}.`);
  if (deadline) parts.push(`Stricter actions from ${deadline}.`);
  if (exemption && exemptUntil) parts.push(`Exempt until ${exemptUntil}: ${exemption.reason}.`);
  return parts.join(' ');
}
