// The running agent: named actors (process poller, install watcher, policy watcher, clock tick, IPC server) around one state.
import { watch, type FSWatcher } from 'chokidar';
import type { AgentConfig } from '../adapters/config.js';
import { AuditLog } from '../adapters/auditLog.js';
import type { Reporter } from '../adapters/reporter.js';
import { ensureStateDir, writeStatusFile } from '../adapters/statusFile.js';
import type { Quarantine } from '../adapters/quarantine/index.js';
import { resolveLocation, type DetectContext } from '../core/detect/index.js';
import { planEnforcement, type PlannedStep } from '../core/enforce/plan.js';
import { explainAgent } from '../core/explain.js';
import { CordonError } from '../common/errors.js';
import type { Finding, Observation, ProcessInfo, Status } from '../common/model.js';
import type { Clock, FileSystemPort, Notifier, ProcessKiller, ProcessSource, UserDirectory } from '../ports/index.js';
import { applyOutcomes, auditFields, carryOut, type EnforcerDeps, type StepOutcome } from './enforcer.js';
import { buildStatus, detectContextFor, detectFiles, detectProcesses, explainInputFor, findFindings, observationFinder, type PolicyState } from './engine.js';
import { IpcServer, type Peer } from './ipcServer.js';
import { isWatched, planWatches, type WatchPlan } from './watchPlan.js';

export interface DaemonDeps {
  config: AgentConfig;
  fs: FileSystemPort;
  users: UserDirectory;
  clock: Clock;
  /** Incremental: reads only processes it has not seen before, or (with `recheck`) that changed. */
  processes: ProcessSource;
  killer: ProcessKiller;
  notifier: Notifier;
  quarantine: Quarantine;
  loadPolicies(now: Date): PolicyState & { now: Date };
  lang: string;
  /** Uploads the status to the configured collector; null when no report URL is configured. */
  reporter: Reporter | null;
}

/** How often processes are checked again, and settings files rescanned and time re-checked for phases (no event tells either). */
const FULL_PROCESS_RESYNC_MS = 10_000;
const SLOW_TICK_MS = 30_000;
/** Policy files are reloaded on every change the watcher sees; this reload is a safety net for a missed event. */
const POLICY_RELOAD_MS = 300_000;
const DEFAULT_REPORT_INTERVAL_S = 300;
const INSTALL_DEBOUNCE_MS = 25;
const POLICY_DEBOUNCE_MS = 150;
/** A removal that failed is retried after this long, not on every evaluation. */
const RETRY_FAILED_MS = 60_000;
/** Remediated findings stay visible (state `remediated`) this many at most. */
const KEEP_REMEDIATED = 50;

function procKey(p: { pid: number; startTime?: string }): string {
  return `${p.pid}@${p.startTime ?? ''}`;
}

export class Daemon {
  private readonly audit: AuditLog;
  private readonly ipc: IpcServer;
  private policyState: PolicyState = { policies: [], errors: [], catalog: { interpreters: [], tools: [] } };
  private trustedTime = 0;
  private ctx!: DetectContext;
  private fileObs: Observation[] = [];
  /** Every process seen, by pid and start time: the object last read (sources return the same object while nothing changed) and what matched. */
  private readonly procSeen = new Map<string, { info: ProcessInfo; obs: Observation[] }>();
  private status: Status | null = null;
  private statusJson = '';
  private readonly notified = new Set<string>();
  private readonly failed = new Map<string, { at: number; outcome: string }>();
  private remediated: Finding[] = [];
  private knownFindings = new Set<string>();
  private readonly subscribers = new Set<Peer>();
  private queue: Promise<unknown> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private installWatcher: FSWatcher | null = null;
  private policyWatcher: FSWatcher | null = null;
  private watchPlan: WatchPlan = new Map();
  private installTimer: NodeJS.Timeout | null = null;
  private policyTimer: NodeJS.Timeout | null = null;
  private polling = false;
  private stopped = false;
  private lastReportError: string | undefined;
  private catalogJson = '';

  constructor(private readonly deps: DaemonDeps) {
    const host = deps.users.hostName();
    this.audit = new AuditLog(deps.config.stateDir, host, () => deps.clock.now());
    this.ipc = new IpcServer({
      socketPath: deps.config.socketPath,
      adminSocketPath: deps.config.adminSocketPath,
      userName: (uid) => deps.users.userName(uid),
      onError: (message) => this.audit.write({ event: 'error', outcome: 'ipc', detail: message }),
      handlers: {
        status: () => this.currentStatus(),
        scan: () => this.serial(() => this.rescanAll()),
        enforce: () => this.serial(() => this.rescanAll()),
        subscribe: (_params, peer) => this.subscribe(peer),
        unsubscribe: (_params, peer) => {
          this.subscribers.delete(peer);
          return { subscribed: false };
        },
        remediate: (params, peer) => this.serial(() => this.remediate(params, peer)),
        explain: () => this.explain(),
        history: (params) => this.audit.history(typeof params.limit === 'number' ? Math.min(Math.max(1, params.limit), 1000) : 200),
        reload: () =>
          this.serial(async () => {
            await this.reloadPolicies('reload requested');
            this.fileObs = detectFiles(this.deps.fs, this.policyState.catalog, this.ctx);
            return this.evaluateAndEnforce();
          }),
        restore: (params) => this.serial(() => this.restore(params)),
        'quarantine-list': () => ({ items: this.deps.quarantine.list() }),
      },
    });
  }

  /** Recovers any interrupted quarantine, loads policies, scans, enforces, then starts every actor. */
  async start(): Promise<void> {
    const { config } = this.deps;
    ensureStateDir(config.stateDir);
    this.audit.write({ event: 'agent-start', outcome: 'ok', detail: `pid ${process.pid}, poll ${config.pollIntervalMs} ms` });
    const recovery = await this.deps.quarantine.recover();
    this.audit.write({ event: 'recovery', outcome: 'ok', detail: JSON.stringify(recovery) });
    this.ctx = detectContextFor(config, this.deps.users.homes(), (uid) => this.deps.users.userName(uid));
    await this.reloadPolicies('start');
    await this.rescanAll();
    await this.ipc.start();
    this.startInstallWatcher();
    this.startPolicyWatcher();
    this.timers.push(setInterval(() => void this.pollProcesses(), config.pollIntervalMs));
    this.timers.push(setInterval(() => void this.serial(() => this.resyncProcesses()), FULL_PROCESS_RESYNC_MS));
    this.timers.push(
      setInterval(
        () => void this.serial(async () => {
          this.fileObs = detectFiles(this.deps.fs, this.policyState.catalog, this.ctx);
          await this.evaluateAndEnforce();
        }),
        SLOW_TICK_MS,
      ),
    );
    this.timers.push(setInterval(() => void this.serial(() => this.reloadPolicies('periodic')), POLICY_RELOAD_MS));
    if (this.deps.reporter && config.report) {
      void this.sendReport();
      this.timers.push(setInterval(() => void this.sendReport(), (config.report.intervalSeconds ?? DEFAULT_REPORT_INTERVAL_S) * 1000));
    }
  }

  /** The reporter actor: sends the current status; a failure is audited once, not on every attempt. */
  private async sendReport(): Promise<void> {
    if (!this.deps.reporter || !this.status) return;
    const r = await this.deps.reporter.submit(this.status);
    if (r.error !== this.lastReportError) {
      this.audit.write({ event: 'report', outcome: r.error ? 'queued' : 'ok', detail: r.error ? `collector unreachable (${r.error}); ${r.queued} report(s) wait in the outbox` : `sent ${r.sent} report(s)` });
    }
    this.lastReportError = r.error;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    if (this.installTimer) clearTimeout(this.installTimer);
    if (this.policyTimer) clearTimeout(this.policyTimer);
    await Promise.all([this.installWatcher?.close(), this.policyWatcher?.close()]);
    await this.queue.catch(() => undefined);
    await this.ipc.stop();
    this.audit.write({ event: 'agent-stop', outcome: 'ok' });
  }

  private serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch((err: unknown) => {
      this.audit.write({ event: 'error', outcome: 'internal', detail: (err as Error).stack ?? String(err) });
    });
    return next;
  }

  private currentStatus(): Status {
    if (!this.status) throw new CordonError('internal', 'the agent is still starting');
    return this.status;
  }

  private now(): Date {
    this.trustedTime = Math.max(this.trustedTime, this.deps.clock.now().getTime());
    return new Date(this.trustedTime);
  }

  // --- actors -------------------------------------------------------------------------------------

  /** The process poller: a tick with no new and no vanished process does no work beyond listing pids. */
  private async pollProcesses(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      const procs = await this.deps.processes.list();
      if (this.applyProcessList(procs)) await this.serial(() => this.evaluateAndEnforce());
    } catch (err) {
      this.audit.write({ event: 'error', outcome: 'process-scan', detail: (err as Error).message });
    } finally {
      this.polling = false;
    }
  }

  /** Matches only processes not seen before (or re-read since); true when the set of matched processes changed. */
  private applyProcessList(procs: ProcessInfo[]): boolean {
    const present = new Set<string>();
    let changed = false;
    for (const p of procs) {
      const key = procKey(p);
      present.add(key);
      const seen = this.procSeen.get(key);
      if (seen?.info === p) continue;
      const obs = detectProcesses([p], this.policyState.catalog, this.ctx);
      if (obs.length || seen?.obs.length) changed = true;
      this.procSeen.set(key, { info: p, obs });
    }
    for (const [key, seen] of this.procSeen) {
      if (present.has(key)) continue;
      this.procSeen.delete(key);
      if (seen.obs.length) changed = true;
    }
    return changed;
  }

  /** A process that was stopped may still be listed for a moment (until reaped): it must not be killed twice. */
  private forgetProcess(pid: number): void {
    for (const seen of this.procSeen.values()) if (seen.info.pid === pid) seen.obs = [];
  }

  private async resyncProcesses(): Promise<void> {
    if (this.applyProcessList(await this.deps.processes.list({ recheck: true }))) await this.evaluateAndEnforce();
  }

  private installLocations(): { base: string; segments: string[] }[] {
    const out: { base: string; segments: string[] }[] = [];
    for (const tool of this.policyState.catalog.tools) {
      for (const sig of tool.installs ?? []) {
        if (sig.platforms.includes(this.ctx.platform)) out.push(...resolveLocation(sig.path, this.ctx));
      }
    }
    return out;
  }

  /** The install watcher: chokidar on the deepest existing folder of every declared location, re-planned on each event. */
  private startInstallWatcher(): void {
    this.watchPlan = planWatches(this.deps.fs, this.installLocations());
    this.installWatcher = watch([...this.watchPlan.keys()], {
      ignoreInitial: true,
      depth: 0,
      followSymlinks: false,
      ignored: (p: string) => !isWatched(this.watchPlan, p),
    });
    this.installWatcher.on('all', () => this.onInstallEvent());
    this.installWatcher.on('error', (err) => this.audit.write({ event: 'error', outcome: 'watcher', detail: String(err) }));
  }

  private onInstallEvent(): void {
    if (this.installTimer || this.stopped) return;
    this.installTimer = setTimeout(() => {
      this.installTimer = null;
      void this.serial(async () => {
        this.replanWatches();
        this.fileObs = detectFiles(this.deps.fs, this.policyState.catalog, this.ctx);
        await this.evaluateAndEnforce();
      });
    }, INSTALL_DEBOUNCE_MS);
  }

  private replanWatches(): void {
    if (!this.installWatcher) return;
    const next = planWatches(this.deps.fs, this.installLocations());
    const added = [...next.keys()].filter((d) => !this.watchPlan.has(d));
    const removed = [...this.watchPlan.keys()].filter((d) => !next.has(d));
    this.watchPlan = next;
    if (removed.length) this.installWatcher.unwatch(removed);
    if (added.length) {
      this.installWatcher.add(added);
      // A folder that appeared may already hold the install (created in one go): scan it now, not on the next event.
      this.onInstallEvent();
    }
  }

  /** The policy watcher: any change in the policy folder reloads the policy set (bad files never replace good ones). */
  private startPolicyWatcher(): void {
    this.policyWatcher = watch(this.deps.config.policyDir, { ignoreInitial: true, depth: 0 });
    this.policyWatcher.on('all', () => {
      if (this.policyTimer || this.stopped) return;
      this.policyTimer = setTimeout(() => {
        this.policyTimer = null;
        void this.serial(async () => {
          await this.reloadPolicies('policy folder changed');
          this.fileObs = detectFiles(this.deps.fs, this.policyState.catalog, this.ctx);
          this.replanWatches();
          await this.evaluateAndEnforce();
        });
      }, POLICY_DEBOUNCE_MS);
    });
    this.policyWatcher.on('error', (err) => this.audit.write({ event: 'error', outcome: 'watcher', detail: String(err) }));
  }

  // --- state changes --------------------------------------------------------------------------------

  private async reloadPolicies(reason: string): Promise<void> {
    const before = new Map(this.policyState.policies.map((p) => [p.ref.id, p.ref]));
    const beforeErrors = new Set(this.policyState.errors.map((e) => `${e.file}|${e.code}|${e.message}`));
    const loaded = this.deps.loadPolicies(this.now());
    this.trustedTime = Math.max(this.trustedTime, loaded.now.getTime());
    this.policyState = { policies: loaded.policies, errors: loaded.errors, catalog: loaded.catalog };
    const catalogJson = JSON.stringify(loaded.catalog);
    if (catalogJson !== this.catalogJson) {
      // Tools a policy added or changed: every process is matched again on the next poll.
      this.catalogJson = catalogJson;
      this.procSeen.clear();
    }
    for (const p of loaded.policies) {
      const old = before.get(p.ref.id);
      before.delete(p.ref.id);
      if (!old || old.version !== p.ref.version || old.file !== p.ref.file) {
        this.audit.write({ event: 'policy-loaded', outcome: p.ref.lastKnownGood ? 'last-known-good' : 'ok', policy: p.ref.id, detail: `${reason}: version ${p.ref.version} from ${p.ref.file}, signed by ${p.ref.signedBy ?? 'nobody (unsigned)'}` });
      }
    }
    for (const old of before.values()) this.audit.write({ event: 'policy-retired', outcome: 'ok', policy: old.id, detail: `${reason}: ${old.file} is gone` });
    for (const e of loaded.errors) {
      if (!beforeErrors.has(`${e.file}|${e.code}|${e.message}`)) this.audit.write({ event: 'policy-rejected', outcome: e.code, path: e.file, detail: e.message });
    }
  }

  private async rescanAll(): Promise<Status> {
    this.fileObs = detectFiles(this.deps.fs, this.policyState.catalog, this.ctx);
    this.procSeen.clear();
    this.applyProcessList(await this.deps.processes.list({ recheck: true }));
    return this.evaluateAndEnforce();
  }

  private observations(): Observation[] {
    return [...this.fileObs, ...[...this.procSeen.values()].flatMap((s) => s.obs)];
  }

  private enforcerDeps(): EnforcerDeps {
    const names = new Map(this.policyState.catalog.tools.map((t) => [t.id, t.name]));
    return {
      killer: this.deps.killer,
      quarantine: this.deps.quarantine,
      notifier: this.deps.notifier,
      audit: this.audit,
      lang: this.deps.lang,
      toolName: (id) => names.get(id) ?? id,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    };
  }

  private remember(outcomes: StepOutcome[], findings: Finding[], nowMs: number): void {
    for (const o of outcomes) {
      const id = o.step.finding.id;
      if (o.step.action === 'notify') this.notified.add(id);
      if (o.state === 'failed') this.failed.set(id, { at: nowMs, outcome: o.outcome });
      if (o.state === 'remediated') {
        this.failed.delete(id);
        if (o.step.action === 'kill') this.forgetProcess(o.step.pid);
        const done = findings.find((f) => f.id === id);
        if (done) this.remediated = [done, ...this.remediated.filter((r) => r.id !== id)].slice(0, KEEP_REMEDIATED);
      }
    }
  }

  /** Evaluates, carries out what is due (notifying once per finding), and publishes the status if it changed. */
  private async evaluateAndEnforce(): Promise<Status> {
    const observations = this.observations();
    const now = this.now();
    const host = this.deps.users.hostName();
    let findings = findFindings(observations, this.policyState, { now, host, groupsOf: (u) => this.deps.users.groupsOf(u) });
    const nowMs = this.deps.clock.now().getTime();
    const planned = planEnforcement({ findings, observationOf: observationFinder(observations) });
    const steps = planned.filter((s) => this.shouldRun(s, nowMs));
    // A removal that failed recently and waits for its retry keeps showing as failed.
    findings = findings.map((f) => {
      const failed = this.failed.get(f.id);
      const waiting = failed && planned.some((s) => s.finding.id === f.id && (s.action === 'kill' || s.action === 'quarantine')) && !steps.some((s) => s.finding.id === f.id && s.action !== 'notify');
      return waiting && failed ? { ...f, state: 'failed' as const, outcome: failed.outcome } : f;
    });
    if (steps.length) {
      const outcomes = await carryOut(this.enforcerDeps(), steps);
      findings = applyOutcomes(findings, outcomes);
      this.remember(outcomes, findings, nowMs);
      if (outcomes.some((o) => o.state === 'remediated' && o.step.action === 'quarantine')) {
        this.fileObs = detectFiles(this.deps.fs, this.policyState.catalog, this.ctx);
      }
    }
    this.auditFindingChanges(findings);
    const live = new Set(findings.map((f) => f.id));
    const status = buildStatus({
      now,
      host,
      policyState: this.policyState,
      observations: this.observations(),
      findings: [...findings, ...this.remediated.filter((r) => !live.has(r.id))],
      warnings: this.warnings(),
      pid: process.pid,
    });
    this.publish(status);
    return status;
  }

  /** Notify once per finding; removal steps unless they failed within the retry period. */
  private shouldRun(step: PlannedStep, nowMs: number): boolean {
    if (step.action === 'notify') return !this.notified.has(step.finding.id);
    if (step.action === 'manual') return false;
    const failed = this.failed.get(step.finding.id);
    return failed === undefined || nowMs - failed.at >= RETRY_FAILED_MS;
  }

  private warnings(): string[] {
    return this.deps.config.allowUnsigned ? ['allowUnsigned is on: unsigned policies are accepted (development only)'] : [];
  }

  private auditFindingChanges(findings: Finding[]): void {
    const now = new Set<string>();
    for (const f of findings) {
      now.add(f.id);
      if (!this.knownFindings.has(f.id)) this.audit.write({ event: 'detected', outcome: f.state, ...auditFields(f), detail: f.detail });
    }
    for (const id of this.knownFindings) if (!now.has(id)) this.audit.write({ event: 'resolved', outcome: 'gone', finding: id });
    this.knownFindings = now;
  }

  private publish(status: Status): void {
    const { evaluatedAt: _at, ...rest } = status;
    const json = JSON.stringify(rest);
    this.status = status;
    if (json === this.statusJson) return;
    this.statusJson = json;
    try {
      writeStatusFile(this.deps.config.stateDir, status);
    } catch (err) {
      this.audit.write({ event: 'error', outcome: 'status-file', detail: (err as Error).message });
    }
    for (const peer of this.subscribers) peer.push({ event: 'status', result: status });
  }

  // --- IPC requests -----------------------------------------------------------------------------------

  private subscribe(peer: Peer): { subscribed: true } {
    if (!this.subscribers.has(peer)) {
      this.subscribers.add(peer);
      peer.onClose(() => this.subscribers.delete(peer));
    }
    if (this.status) setImmediate(() => peer.push({ event: 'status', result: this.status }));
    return { subscribed: true };
  }

  /** The employee asks to fix their own finding now: its removal runs whatever the phase. */
  private async remediate(params: Record<string, unknown>, peer: Peer): Promise<{ finding: Finding }> {
    const id = params.finding;
    if (typeof id !== 'string') throw new CordonError('ipc-bad-request', 'params.finding must be a finding id');
    if (peer.user === undefined) throw new CordonError('forbidden', 'say hello first: only a known user can fix findings');
    const finding = this.status?.findings.find((f) => f.id === id);
    if (!finding) throw new CordonError('not-found', `no finding ${id.slice(0, 64)}`);
    const own = finding.user === peer.user || peer.uid === 0 || peer.admin;
    if (!own) throw new CordonError('forbidden', 'this finding belongs to another user');
    if (finding.state !== 'open' && finding.state !== 'failed') return { finding };
    if (finding.kind === 'config') throw new CordonError('forbidden', `Cordon does not edit your settings: ${finding.detail}`);
    this.audit.write({ event: 'remediation-requested', outcome: 'ok', ...auditFields(finding), detail: `by ${peer.user}` });
    const observations = this.observations();
    const due: Finding = { ...finding, state: 'open', actions: [...new Set([...finding.actions, finding.kind === 'process' ? 'kill' : 'quarantine'] as const)] };
    const steps = planEnforcement({ findings: [due], observationOf: observationFinder(observations) }).filter((s) => s.action !== 'notify');
    const outcomes = await carryOut(this.enforcerDeps(), steps);
    const [result] = applyOutcomes([due], outcomes);
    this.remember(outcomes, result ? [result] : [], this.deps.clock.now().getTime());
    this.fileObs = detectFiles(this.deps.fs, this.policyState.catalog, this.ctx);
    this.procSeen.clear();
    this.applyProcessList(await this.deps.processes.list({ recheck: true }));
    await this.evaluateAndEnforce();
    if (!result || result.state === 'failed') throw new CordonError('internal', result?.outcome ?? 'nothing could be done');
    return { finding: result };
  }

  private async restore(params: Record<string, unknown>): Promise<unknown> {
    if (typeof params.id !== 'string') throw new CordonError('ipc-bad-request', 'params.id must be a quarantine item id');
    const item = await this.deps.quarantine.restore(params.id);
    this.audit.write({ event: 'restore', outcome: 'ok', tool: item.tool, path: item.originalPath, policy: item.policy, rule: item.rule, detail: `quarantine item ${params.id} put back` });
    return item;
  }

  private explain(): unknown {
    return explainAgent(explainInputFor(this.deps.config, this.policyState.catalog));
  }

}


