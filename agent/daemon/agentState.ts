// The daemon's one state and its one way to act: every trigger (event, tick, request) queues a pass here, one at a time.
import { CordonError } from '../common/errors.js';
import type { AuditLog } from '../adapters/auditLog.js';
import type { Quarantine } from '../adapters/quarantine/index.js';
import { EnforcementMemory, RETRY_CHANGING_MS } from '../core/enforce/memory.js';
import type { PlanGuard } from '../core/enforce/plan.js';
import type { TargetedFinding } from '../common/model.js';
import type { Clock, Notifier, PackageRemover, ProcessKiller, UserDirectory } from '../ports/index.js';
import type { Collector } from './collector.js';
import type { PolicyState } from './engine.js';
import { carryOut, type EnforcerDeps, type StepOutcome } from './enforcer.js';
import { toolNamesOf } from './engine.js';
import { runPass, type PassResult } from './pass.js';
import { QuarantineLane } from './quarantineLane.js';
import type { PlannedStep } from '../core/enforce/plan.js';
import { auditPolicyChanges } from './policyChanges.js';
import { auditStartHookChanges, type StartHookSync } from './startHooks.js';
import { decisionFor } from '../core/gate/decisions.js';
import type { GateDecision } from '../common/gate.js';
import type { StatusPublisher } from './statusPublisher.js';
import type { ExceptionDesk } from './exceptionDesk.js';

export interface AgentStateDeps {
  users: UserDirectory;
  clock: Clock;
  killer: ProcessKiller;
  notifier: Notifier;
  quarantine: Quarantine;
  /** The OS's remover of managed packages (MSIX), where there is one. */
  packages?: PackageRemover;
  audit: AuditLog;
  collector: Collector;
  publisher: StatusPublisher;
  /** The employees' exception requests, settled against the policies on every pass and shown in the status. */
  exceptions: ExceptionDesk;
  loadPolicies(now: Date): PolicyState & { now: Date };
  /** Keeps the tools' start hooks in step with the policies (install, update, remove); see startHooks.ts. */
  syncStartHooks(policies: PolicyState['policies'], now: Date): StartHookSync;
  lang: string;
  warnings: string[];
  guard: PlanGuard;
}

export class AgentState {
  policyState: PolicyState = { policies: [], errors: [], catalog: { interpreters: [], tools: [] } };
  private readonly memory = new EnforcementMemory();
  private trustedTime = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private last: PassResult | null = null;
  private hooks: StartHookSync | null = null;
  private readonly catalogListeners: Array<() => void> = [];
  /** Quarantines, restores and the recovery of interrupted ones: apart from the passes, so kills never wait for them. */
  readonly quarantineLane = new QuarantineLane();
  private readonly enforcer: EnforcerDeps;

  constructor(private readonly deps: AgentStateDeps) {
    this.enforcer = {
      killer: deps.killer,
      quarantine: deps.quarantine,
      ...(deps.packages ? { packages: deps.packages } : {}),
      notifier: deps.notifier,
      audit: deps.audit,
      lang: deps.lang,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    };
  }

  get collector(): Collector {
    return this.deps.collector;
  }

  /** Runs `fn` after everything queued before it; a failure is audited and does not stop the queue. */
  serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch((err: unknown) => {
      // A refusal (bad request, another user's finding, a failed removal) is the caller's answer, already audited
      // where it matters; only a fault of the agent itself is an error record.
      if (err instanceof CordonError && err.code !== 'internal') return;
      this.deps.audit.write({ event: 'error', outcome: 'internal', detail: (err as Error).stack ?? String(err) });
    });
    return next;
  }

  /** Resolves when every queued pass and quarantine has finished. */
  async drained(): Promise<void> {
    await this.quarantineLane.drained();
    await this.queue.catch(() => undefined);
  }

  /**
   * The quarantine steps of each finding (every part of one install) run in the lane as one job, once however many
   * passes plan them meanwhile; when they are done, what they removed is remembered and a pass shows it.
   */
  private queueQuarantine(steps: readonly PlannedStep[]): Promise<StepOutcome[]> {
    const byFinding = new Map<string, PlannedStep[]>();
    for (const step of steps) byFinding.set(step.finding.id, [...(byFinding.get(step.finding.id) ?? []), step]);
    const jobs = [...byFinding].map(([id, parts]) =>
      this.quarantineLane.run(id, async () => {
        const outcomes = await carryOut(this.enforcer, parts, toolNamesOf(this.policyState.catalog));
        await this.serial(async () => {
          this.memory.remember(outcomes, this.now().getTime());
          if (outcomes.some((o) => o.state === 'remediated')) this.deps.collector.afterRemoval(outcomes);
          await this.pass();
        });
        // An install still being written refused the move; nothing else may trigger a pass soon enough to retry it.
        if (outcomes.some((o) => o.changing)) setTimeout(() => void this.serial(() => this.pass()), RETRY_CHANGING_MS + 50).unref();
        return outcomes;
      }),
    );
    return Promise.all(jobs).then((done) => done.flat());
  }

  /** Called whenever policies bring other tools (the install watcher plans its watches again). */
  /** `fn` runs when the places to look change: a catalog with other tools, or homes that appeared or left. */
  onLocationsChange(fn: () => void): void {
    this.catalogListeners.push(fn);
  }

  /** Lists the machine's homes again; a user who appeared is watched, scanned and given the start hook without a restart. */
  relistHomes(): void {
    if (!this.deps.collector.useHomes(this.deps.users.homes())) return;
    for (const fn of this.catalogListeners) fn();
    this.syncStartHooks();
  }

  /** Trusted time never goes back, even when the clock does. */
  private now(): Date {
    this.trustedTime = Math.max(this.trustedTime, this.deps.clock.now().getTime());
    return new Date(this.trustedTime);
  }

  async reloadPolicies(reason: string): Promise<void> {
    const loaded = this.deps.loadPolicies(this.now());
    this.trustedTime = Math.max(this.trustedTime, loaded.now.getTime());
    const next: PolicyState = { policies: loaded.policies, errors: loaded.errors, catalog: loaded.catalog };
    auditPolicyChanges(this.deps.audit, this.policyState, next, reason);
    this.policyState = next;
    if (this.deps.collector.useCatalog(next.catalog)) for (const fn of this.catalogListeners) fn();
    this.syncStartHooks();
  }

  /** Writes or removes the start hook files for the policies in force; a problem is audited, never fatal to a pass. */
  syncStartHooks(): void {
    try {
      this.hooks = this.deps.syncStartHooks(this.policyState.policies, this.now());
      auditStartHookChanges(this.deps.audit, this.hooks);
    } catch (err) {
      this.deps.audit.write({ event: 'error', outcome: 'start-hook', detail: (err as Error).message });
    }
  }

  /** What a tool's start hook answers for this user now (allow while no hook is kept for the tool). */
  startDecision(tool: string, user: string): GateDecision {
    const decisions = this.hooks?.decisions.get(tool);
    return decisions ? decisionFor(decisions, user, this.now()) : { kind: 'allow' };
  }

  /** One pass over what is collected now; publishes the status. */
  async pass(opts: { insist?: string } = {}): Promise<PassResult> {
    const { deps } = this;
    const result = await runPass(
      {
        collection: deps.collector,
        policyState: this.policyState,
        now: this.now(),
        memory: this.memory,
        ...(opts.insist !== undefined ? { insist: opts.insist } : {}),
        warnings: deps.warnings,
        pid: process.pid,
        ...(this.hooks ? { startHooks: this.hooks.statuses } : {}),
      },
      {
        enforcer: this.enforcer,
        host: deps.users.hostName(),
        groupsOf: (u) => deps.users.groupsOf(u),
        guard: deps.guard,
        queueQuarantine: (steps) => this.queueQuarantine(steps),
      },
    );
    this.last = { ...result, status: { ...result.status, exceptions: deps.exceptions.settle(this.policyState.policies, this.now()) } };
    deps.publisher.publish(this.last.status);
    return this.last;
  }

  /** Publishes the last status again with the requests as they stand now (after a request or a denial). */
  publishExceptions(): void {
    if (!this.last) return;
    this.last = { ...this.last, status: { ...this.last.status, exceptions: this.deps.exceptions.settle(this.policyState.policies, this.now()) } };
    this.deps.publisher.publish(this.last.status);
  }

  /** Trusted time, for decisions made outside a pass (an exception request). */
  trustedNow(): Date {
    return this.now();
  }

  /** A finding as of the last pass, with its target. */
  finding(id: string): TargetedFinding | undefined {
    return this.last?.findings.find((f) => f.id === id);
  }
}
