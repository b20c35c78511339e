// The fleet-state actor and status sink: writes each new status to cordon.db in one transaction and a heartbeat every minute, so integrations tell "compliant" from "not reporting".
import { FleetDb, type RefusedStart } from '../adapters/fleetDb.js';
import type { AgentFacts, Status } from '../common/model.js';
import { fleetSnapshot } from '../core/fleet/snapshot.js';
import { HEARTBEAT_SECONDS, STALE_AFTER_SECONDS } from '../core/fleet/liveness.js';
import type { Clock } from '../ports/index.js';
import type { Actor } from './actors/actor.js';
import type { StatusSink } from './statusPublisher.js';

export interface FleetStateDeps {
  stateDir: string;
  clock: Clock;
  /** The process source live now (an exec event source, or polling), for cordon.db. */
  processSource(): string;
  /** A failure to write is reported (audit log) and never stops the daemon. */
  onError(message: string): void;
}

export class FleetState implements Actor, StatusSink {
  readonly name = 'fleet-state';
  private db: FleetDb | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly startedAt: string;
  private heartbeatAt: string;
  private lastPassAt: string;
  private lastStatus: Status | null = null;
  private closed = false;

  constructor(private readonly deps: FleetStateDeps) {
    this.startedAt = deps.clock.now().toISOString();
    this.heartbeatAt = this.startedAt;
    this.lastPassAt = this.startedAt;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** The heartbeat; the database itself opens with the first status, which comes before any actor starts. */
  start(): void {
    this.timer = setInterval(() => this.beat(), HEARTBEAT_SECONDS * 1000);
  }

  /** Marks the clean stop for readers, then closes; a pass still finishing afterwards writes nothing. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.lastStatus) this.guard(() => this.open()?.stopped(this.deps.clock.now().toISOString()));
    this.db?.close();
    this.db = null;
    this.closed = true;
  }

  private open(): FleetDb | null {
    if (this.db || this.closed) return this.db;
    try {
      this.db = FleetDb.open(this.deps.stateDir);
    } catch (err) {
      this.closed = true;
      this.deps.onError(`fleet state database unavailable: ${(err as Error).message}`);
    }
    return this.db;
  }

  /** The liveness facts the status carries (the IPC answer adds them at the time of the request). */
  liveness(): Required<Pick<AgentFacts, 'heartbeatAt' | 'staleAfterSeconds' | 'lastPassAt' | 'startedAt'>> {
    return { heartbeatAt: this.heartbeatAt, staleAfterSeconds: STALE_AFTER_SECONDS, lastPassAt: this.lastPassAt, startedAt: this.startedAt };
  }

  /** A pass ran (detection and evaluation), whether or not the status changed. */
  passed(status: Status): void {
    this.lastPassAt = status.evaluatedAt;
  }

  /** A new status: every table replaced in one transaction; a finding keeps its `since`. */
  changed(status: Status): void {
    this.lastStatus = status;
    this.lastPassAt = status.evaluatedAt;
    this.heartbeatAt = this.deps.clock.now().toISOString();
    this.guard(() =>
      this.open()?.write(
        fleetSnapshot(status, { ...this.liveness(), heartbeatAt: this.heartbeatAt, processSource: this.deps.processSource() }),
        this.heartbeatAt,
      ),
    );
  }

  recordRefusedStart(r: RefusedStart): void {
    this.guard(() => this.open()?.recordRefusedStart(r));
  }

  private beat(): void {
    this.heartbeatAt = this.deps.clock.now().toISOString();
    if (this.lastStatus) this.guard(() => this.db?.heartbeat(this.heartbeatAt, this.lastPassAt));
  }

  private guard(write: () => void): void {
    try {
      write();
    } catch (err) {
      this.deps.onError(`cannot write the fleet state database: ${(err as Error).message}`);
    }
  }
}
