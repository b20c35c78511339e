// The one pass every caller runs: evaluate what was collected, plan, carry out, build the status, so a preview never lies.
import type { StartHookStatus, StatusError, TargetedFinding, Observation, Status } from '../common/model.js';
import type { EnforcementMemory } from '../core/enforce/memory.js';
import { planEnforcement, type PlanGuard, type PlannedStep } from '../core/enforce/plan.js';
import { auditFields, carryOut, type EnforcerDeps, type StepOutcome } from './enforcer.js';
import { buildStatus, findFindings, toolNamesOf, type PolicyState } from './engine.js';

/** What was observed, and a way to look again once something was removed. */
export interface Collection {
  observations(): Observation[];
  /** Killed processes are gone, and what sat in a quarantined install went with it. */
  afterRemoval(outcomes: readonly StepOutcome[]): void;
  /** What kept the look from being complete (a failed process list, an unreadable home). */
  problems?(): StatusError[];
}

export interface PassDeps {
  /** Null for a plan-only pass (`cordon scan`): nothing is carried out, nothing is written. */
  enforcer: EnforcerDeps | null;
  host: string;
  groupsOf(user: string): string[];
  /** The agent's own processes and folders, never acted on. */
  guard?: PlanGuard;
  /**
   * The daemon hands quarantine steps to a queue of their own (see quarantineLane.ts), so a kill never waits behind
   * a large install; the promise holds their outcomes. Without it (`cordon enforce`) they run in the pass.
   */
  queueQuarantine?(steps: readonly PlannedStep[]): Promise<StepOutcome[]>;
}

export interface PassInput {
  collection: Collection;
  policyState: PolicyState;
  /** Trusted time, or the `--at` time. */
  now: Date;
  memory: EnforcementMemory;
  /** A remediation request: this finding's removal runs now, whatever its phase or retry wait, and it is not notified. */
  insist?: string;
  warnings?: string[];
  pid?: number;
  /** The tools' start hooks as last kept in step with the policies (see startHooks.ts). */
  startHooks?: StartHookStatus[];
}

export interface PassResult {
  status: Status;
  plan: PlannedStep[];
  outcomes: StepOutcome[];
  /** The findings as shown, with their targets (what a remediation request acts on). */
  findings: TargetedFinding[];
  /** Outcomes of the quarantine steps handed to the daemon's queue (empty otherwise), known once they are done. */
  queued: Promise<StepOutcome[]>;
}

function isRemoval(step: PlannedStep): boolean {
  return step.action === 'kill' || step.action === 'quarantine' || step.action === 'uninstall';
}

/** Kills first: a running tool is stopped before anyone is told or anything is moved. */
function killsFirst(steps: readonly PlannedStep[]): PlannedStep[] {
  return [...steps.filter((s) => s.action === 'kill'), ...steps.filter((s) => s.action !== 'kill')];
}

/** The finding a user asked to fix, with its removal due now. */
function insisted(f: TargetedFinding): TargetedFinding {
  const removal = f.target.kind === 'process' ? 'kill' : 'quarantine';
  return { ...f, actions: f.actions.includes(removal) ? f.actions : [...f.actions, removal] };
}

/** detect (done by the caller) → evaluate → plan → carry out → status; `scan` stops after the plan. */
export async function runPass(input: PassInput, deps: PassDeps): Promise<PassResult> {
  const { collection, policyState, now, memory } = input;
  const evaluation = { now, host: deps.host, groupsOf: (u: string) => deps.groupsOf(u), ...(deps.guard?.platform ? { platform: deps.guard.platform } : {}) };
  let observations = collection.observations();
  let findings = findFindings(observations, policyState, evaluation);
  if (input.insist !== undefined) findings = findings.map((f) => (f.id === input.insist && f.state === 'open' ? insisted(f) : f));
  const plan = planEnforcement(findings, deps.guard);
  const status = (shown: readonly TargetedFinding[]): Status =>
    buildStatus({
      now,
      host: deps.host,
      policyState,
      observations,
      findings: shown,
      ...(input.warnings ? { warnings: input.warnings } : {}),
      ...(input.pid !== undefined ? { pid: input.pid } : {}),
      ...(input.startHooks ? { startHooks: input.startHooks } : {}),
      detectionProblems: collection.problems?.() ?? [],
    });
  const nothingQueued = Promise.resolve([]);
  if (!deps.enforcer) return { status: status(findings), plan, outcomes: [], findings, queued: nothingQueued };

  const { audit } = deps.enforcer;
  for (const f of memory.changes(findings).detected) audit.write({ event: 'detected', outcome: f.state, ...auditFields(f), detail: f.detail });
  const nowMs = now.getTime();
  const due = killsFirst(plan.filter((s) => (s.finding.id === input.insist ? isRemoval(s) : memory.isDue(s, nowMs))));
  const slow = (s: PlannedStep): boolean => s.action === 'quarantine' || s.action === 'uninstall';
  const toQueue = deps.queueQuarantine ? due.filter(slow) : [];
  const steps = toQueue.length ? due.filter((s) => !slow(s)) : due;
  const outcomes = steps.length ? await carryOut(deps.enforcer, steps, toolNamesOf(policyState.catalog)) : [];
  const queued = toQueue.length && deps.queueQuarantine ? deps.queueQuarantine(toQueue) : nothingQueued;
  memory.remember(outcomes, nowMs);
  if (outcomes.some((o) => o.state === 'remediated' && isRemoval(o.step))) {
    // Look again: what was removed is gone, and what sat inside a quarantined folder went with it.
    collection.afterRemoval(outcomes);
    observations = collection.observations();
    findings = findFindings(observations, policyState, evaluation);
  }
  for (const id of memory.changes(findings).resolved) audit.write({ event: 'resolved', outcome: 'gone', finding: id });
  const shown = memory.shown(findings, plan);
  return { status: status(shown), plan, outcomes, findings: shown, queued };
}
