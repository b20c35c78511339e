// The running agent as wiring: one state, the named actors around it, started in order and stopped in reverse.
import { agentOwnTargets, type AgentConfig } from '../adapters/config.js';
import { AuditLog } from '../adapters/auditLog.js';
import { openFileLimit, userConnectionBudget } from '../adapters/descriptors.js';
import { createUnixPeerReader } from '../adapters/linux/unixPeer.js';
import { createProofOwner } from '../adapters/proofOwner.js';
import type { Reporter } from '../adapters/reporter.js';
import { ensureStateDir } from '../adapters/statusFile.js';
import type { Quarantine } from '../adapters/quarantine/index.js';
import { isNamedPipe } from '../common/ipc.js';
import type { ActorState, ProcessInfo } from '../common/model.js';
import type { Clock, FileSystemPort, Notifier, ProcessEventSource, ProcessKiller, ProcessSource, UserDirectory } from '../ports/index.js';
import type { Actor } from './actors/actor.js';
import { clockTick } from './actors/clockTick.js';
import { startHookKeeper } from './actors/startHookKeeper.js';
import { syncStartHooks } from './startHooks.js';
import { InstallWatcher } from './actors/installWatcher.js';
import { ipcActor } from './actors/ipc.js';
import { PolicyWatcher } from './actors/policyWatcher.js';
import { processSourceActor, type ProcessSourceActor } from './actors/processSource.js';
import { reporterActor } from './actors/reporter.js';
import { AgentState } from './agentState.js';
import { Collector } from './collector.js';
import { detectContextFor, explainInputFor, type PolicyState } from './engine.js';
import { trayFirstNotifier } from './trayNotifier.js';
import { ExceptionDesk } from './exceptionDesk.js';
import { FleetState } from './fleetState.js';
import { ipcHandlers } from './ipcHandlers.js';
import { IpcServer } from './ipcServer.js';
import { StatusPublisher } from './statusPublisher.js';

export interface DaemonDeps {
  config: AgentConfig;
  fs: FileSystemPort;
  users: UserDirectory;
  clock: Clock;
  /** Incremental: reads only processes it has not seen before, or (with `recheck`) that changed. */
  processes: ProcessSource;
  /** Catalog binary markers found in a process's executable (a renamed copy of a tool). */
  exeMarks?(proc: ProcessInfo, markers: readonly string[]): string[];
  /** This OS's exec events (null: none here, or turned off by the config). */
  processEvents: ProcessEventSource | null;
  /** Whether a matched process may be acted on (config `processScope`; everything otherwise). */
  inProcessScope(p: ProcessInfo): boolean;
  killer: ProcessKiller;
  notifier: Notifier;
  quarantine: Quarantine;
  loadPolicies(now: Date): PolicyState & { now: Date };
  lang: string;
  /** Uploads the status to the configured collector; null when no report URL is configured. */
  reporter: Reporter | null;
}

const DEFAULT_REPORT_INTERVAL_S = 300;

export class Daemon {
  private readonly audit: AuditLog;
  private readonly state: AgentState;
  private readonly publisher: StatusPublisher;
  private readonly exceptions: ExceptionDesk;
  private readonly processSource: ProcessSourceActor;
  /** In start order; stopped in reverse. */
  private readonly actors: Actor[];

  constructor(private readonly deps: DaemonDeps) {
    const { config } = deps;
    this.audit = new AuditLog(config.stateDir, deps.users.hostName(), () => deps.clock.now(), config.auditFormat);
    const audit = this.audit;
    const fleetState = new FleetState({
      stateDir: config.stateDir,
      clock: deps.clock,
      processSource: () => this.processSource.state().live,
      onError: (message) => audit.write({ event: 'error', outcome: 'fleet-state', detail: message }),
    });
    const publisher = new StatusPublisher(
      config.stateDir,
      () => this.actorStates(),
      (message) => audit.write({ event: 'error', outcome: 'status-file', detail: message }),
      () => this.processSource.state(),
      fleetState,
      config.platform,
    );
    const ctx = detectContextFor(config, deps.users.homes(), (uid) => deps.users.userName(uid));
    const collector = new Collector(deps.fs, deps.processes, ctx, { interpreters: [], tools: [] }, (p) => deps.inProcessScope(p), deps.exeMarks);
    const warnings = [
      ...(config.allowUnsigned ? ['allowUnsigned is on: unsigned policies are accepted (development only)'] : []),
      ...(config.processScope ? [`processScope is set: only processes of session ${config.processScope.session} are acted on (testing only)`] : []),
    ];
    const syncHooks = (policies: PolicyState['policies'], now: Date) => syncStartHooks(config, policies, deps.users, deps.users.hostName(), now);
    const exceptions = new ExceptionDesk({ stateDir: config.stateDir, host: deps.users.hostName(), audit });
    this.exceptions = exceptions;
    const notifier = trayFirstNotifier(publisher, deps.notifier, config.platform);
    this.state = new AgentState({
      ...deps,
      notifier,
      audit,
      collector,
      publisher,
      exceptions,
      warnings,
      guard: agentOwnTargets(config),
      syncStartHooks: syncHooks,
    });
    const state = this.state;
    const ipc = new IpcServer({
      socketPath: config.socketPath,
      adminSocketPath: config.adminSocketPath,
      userName: (uid) => deps.users.userName(uid),
      proofOwner: createProofOwner(config.platform, (uid) => deps.users.userName(uid)),
      relayed: config.platform === 'win32' && isNamedPipe(config.socketPath),
      peerUid: config.platform === 'linux' ? createUnixPeerReader() : null,
      onError: (message) => audit.write({ event: 'error', outcome: 'ipc', detail: message }),
      onBusy: (refused) =>
        audit.write({ event: 'connections-refused', outcome: 'ipc-busy', detail: `${refused} user-socket connections refused or closed for the limits` }),
      limits: { total: userConnectionBudget(openFileLimit()) },
      handlers: ipcHandlers({
        state,
        publisher,
        audit,
        quarantine: deps.quarantine,
        exceptions,
        explainInput: () => explainInputFor(config, state.policyState.catalog),
        refusedStarts: fleetState,
        now: () => deps.clock.now(),
        platform: config.platform,
      }),
    });
    // The sockets open last: a client that can connect finds every watch in place.
    this.actors = [
      fleetState,
      new InstallWatcher(state, deps.fs, audit),
      new PolicyWatcher(state, config.policyDir, audit),
      (this.processSource = processSourceActor(state, audit, {
        events: deps.processEvents,
        ...(config.processEvents ? {} : { eventsOffReason: 'turned off in the config (processEvents: false)' }),
        pollIntervalMs: config.pollIntervalMs,
        republish: () => publisher.republish(),
      })),
      clockTick(state),
      startHookKeeper(state),
      ...(deps.reporter && config.report
        ? [reporterActor(deps.reporter, (config.report.intervalSeconds ?? DEFAULT_REPORT_INTERVAL_S) * 1000, () => publisher.current(), audit)]
        : []),
      ipcActor(ipc),
    ];
    this.publisher = publisher;
  }

  actorStates(): ActorState[] {
    return this.actors.map((a) => ({ name: a.name, running: a.running }));
  }

  /** Loads policies, scans, enforces, starts every actor, then recovers any interrupted quarantine. */
  async start(): Promise<void> {
    const { config } = this.deps;
    ensureStateDir(config.stateDir);
    this.audit.reserve();
    this.audit.write({ event: 'agent-start', outcome: 'ok', detail: `pid ${process.pid}, poll ${config.pollIntervalMs} ms` });
    this.exceptions.load();
    await this.state.serial(async () => {
      await this.state.reloadPolicies('start');
      await this.state.collector.rescanAll();
      await this.state.pass();
    });
    for (const actor of this.actors) await actor.start();
    this.publisher.republish();
    // Interrupted quarantines are settled once the sockets and process sources are up (a large one takes long),
    // before any new quarantine: the lane holds them until recovery is done.
    void this.state.quarantineLane.open(async () => {
      try {
        const recovery = await this.deps.quarantine.recover();
        this.audit.write({ event: 'recovery', outcome: 'ok', detail: JSON.stringify(recovery) });
      } catch (err) {
        this.audit.write({ event: 'recovery', outcome: 'failed', detail: (err as Error).message });
      }
    });
  }

  /** Stops the actors in reverse order, lets the pass under way finish, and says so in the audit log. */
  async stop(): Promise<void> {
    const order = [...this.actors].reverse();
    for (const actor of order) await actor.stop();
    await this.state.drained();
    this.audit.write({ event: 'agent-stop', outcome: 'ok', detail: `stopped ${order.map((a) => a.name).join(', ')}` });
    this.audit.flush();
  }
}
