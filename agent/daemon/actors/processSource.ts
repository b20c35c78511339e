// The process source actor: the OS's exec events when it has them, polling as the fallback and as a slow safety net.
import type { AuditLog } from '../../adapters/auditLog.js';
import type { ProcessInfo, ProcessSourceState } from '../../common/model.js';
import { SAFETY_NET_S } from '../../core/explain.js';
import type { ProcessEventSource } from '../../ports/index.js';
import type { AgentState } from '../agentState.js';
import type { Actor } from './actor.js';

/** A process that `exec`s another program keeps its pid: only a full re-read sees it when no event tells. */
const FULL_PROCESS_RESYNC_MS = 10_000;

export interface ProcessSourceDeps {
  /** This OS's exec event source; null where there is none or the config turned events off (`eventsOffReason`). */
  events: ProcessEventSource | null;
  eventsOffReason?: string;
  pollIntervalMs: number;
  /** Lists processes (new ones, or with `recheck` every one) and runs a pass when what matched changed. */
  poll(recheck: boolean): Promise<void>;
  /** Whether a new program could matter (ProcessEventHandlers.wants). */
  wants(proc: ProcessInfo): boolean;
  /** A program started (events): match it now; true when what matched changed. */
  exec(proc: ProcessInfo): boolean;
  exit(pid: number): boolean;
  audit(outcome: string, detail: string): void;
  /** The live source changed (status shows it). */
  changed(): void;
  /** Whether a matched process runs: its exit must then be seen (see ProcessEventSource.followExits). */
  tracking(): boolean;
}

/**
 * While events are live, a listing every SAFETY_NET_S catches what no event announced: a process that started
 * before the subscription, or one missed while a helper restarted (those also trigger a listing at once). The bench
 * measured a listing of new processes at under a millisecond on an idle machine, but at 200 ms that is five wake-ups
 * a second for nothing; at 10 s the safety net costs nothing measurable (see the README's performance section).
 */
export class ProcessSourceActor implements Actor {
  readonly name = 'process-source';
  private timers: NodeJS.Timeout[] = [];
  private live = false;
  private reason: string | undefined;
  private busy = false;
  private stopped = false;
  private exitsFollowed = false;

  constructor(private readonly deps: ProcessSourceDeps) {
    this.reason = deps.events ? undefined : (deps.eventsOffReason ?? 'this OS has no exec event source');
  }

  get running(): boolean {
    return this.timers.length > 0;
  }

  state(): ProcessSourceState {
    return {
      live: this.live && this.deps.events ? this.deps.events.name : 'polling',
      listEveryMs: this.live ? SAFETY_NET_S * 1000 : this.deps.pollIntervalMs,
      events: { source: this.deps.events?.name ?? null, live: this.live, ...(this.reason ? { reason: this.reason } : {}) },
    };
  }

  async start(): Promise<void> {
    this.stopped = false;
    const events = this.deps.events;
    if (events) {
      const state = await events.start({
        wants: (p) => this.deps.wants(p),
        exec: (p) => {
          if (this.deps.exec(p)) this.followExits();
        },
        exit: (pid) => {
          if (this.deps.exit(pid)) this.followExits();
        },
        gap: (why) => {
          this.deps.audit('events-gap', `${why}; listing processes now`);
          void this.tick(true);
        },
        down: (why) => this.fallBack(why),
      });
      this.live = state.live;
      this.reason = state.live ? undefined : state.reason;
      this.deps.audit(
        state.live ? 'events-live' : 'events-unavailable',
        state.live ? `${events.name}: new processes are seen as they start` : `${events.name}: ${state.reason}; polling every ${this.deps.pollIntervalMs} ms`,
      );
      // Whatever started while the subscription was being set up.
      if (state.live) void this.tick(true);
    }
    if (this.stopped) return;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.exitsFollowed = false;
    this.clear();
    this.deps.events?.stop();
  }

  /**
   * Exit events on while a matched process runs, off otherwise. A process that ended before the source widened is
   * caught by the listing that follows (it reads only pids it has not seen yet).
   */
  private followExits(): void {
    const want = this.live && this.deps.tracking();
    if (want === this.exitsFollowed || !this.deps.events?.followExits) return;
    this.exitsFollowed = want;
    this.deps.events.followExits(want);
    if (want) void this.tick(false);
  }

  private schedule(): void {
    this.clear();
    if (this.live) {
      this.timers.push(setInterval(() => void this.tick(true), SAFETY_NET_S * 1000));
    } else {
      this.timers.push(setInterval(() => void this.tick(false), this.deps.pollIntervalMs));
      this.timers.push(setInterval(() => void this.tick(true), FULL_PROCESS_RESYNC_MS));
    }
  }

  private clear(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** The events stopped for good: polling takes over at the configured period. */
  private fallBack(why: string): void {
    if (this.stopped) return;
    this.live = false;
    this.reason = why;
    this.deps.audit('events-down', `${why}; polling every ${this.deps.pollIntervalMs} ms`);
    this.schedule();
    this.deps.changed();
    void this.tick(true);
  }

  private async tick(recheck: boolean): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      await this.deps.poll(recheck);
    } finally {
      this.busy = false;
    }
    this.followExits();
  }
}

/** The actor wired to the daemon's state: every change in what matched queues a pass. */
export function processSourceActor(
  state: AgentState,
  audit: AuditLog,
  opts: { events: ProcessEventSource | null; eventsOffReason?: string; pollIntervalMs: number; republish(): void },
): ProcessSourceActor {
  const passIf = (changed: boolean): boolean => {
    if (changed) void state.serial(() => state.pass());
    return changed;
  };
  return new ProcessSourceActor({
    events: opts.events,
    ...(opts.eventsOffReason ? { eventsOffReason: opts.eventsOffReason } : {}),
    pollIntervalMs: opts.pollIntervalMs,
    async poll(recheck) {
      try {
        passIf(await (recheck ? state.collector.recheckProcesses() : state.collector.pollProcesses()));
      } catch (err) {
        audit.write({ event: 'error', outcome: 'process-scan', detail: (err as Error).message });
      }
    },
    wants: (p) => state.collector.wants(p),
    exec: (p) => passIf(state.collector.processStarted(p)),
    exit: (pid) => passIf(state.collector.processEnded(pid)),
    audit: (outcome, detail) => audit.write({ event: 'process-source', outcome, detail }),
    changed: () => opts.republish(),
    tracking: () => state.collector.tracksProcesses(),
  });
}
