// The install watcher: chokidar on the deepest existing folder of every declared location, planned again on each event.
import { watch, type FSWatcher } from 'chokidar';
import type { AuditLog } from '../../adapters/auditLog.js';
import type { FileSystemPort } from '../../ports/index.js';
import type { AgentState } from '../agentState.js';
import { isWatched, planWatches, type WatchPlan } from '../watchPlan.js';
import type { Actor } from './actor.js';

/** Events of one install (many files at once) become one pass. */
const INSTALL_DEBOUNCE_MS = 25;

export class InstallWatcher implements Actor {
  readonly name = 'install-watcher';
  private watcher: FSWatcher | null = null;
  private plan: WatchPlan = new Map();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly state: AgentState,
    private readonly fs: FileSystemPort,
    private readonly audit: AuditLog,
  ) {}

  get running(): boolean {
    return this.watcher !== null;
  }

  /** Resolves once the watches are in place, so nothing installed after it is missed. */
  async start(): Promise<void> {
    this.plan = planWatches(this.fs, this.state.collector.installLocations(), this.state.collector.ctx.platform);
    this.watcher = watch([...this.plan.keys()], {
      ignoreInitial: true,
      depth: 0,
      followSymlinks: false,
      ignored: (p: string) => !isWatched(this.plan, p, this.state.collector.ctx.platform),
    });
    this.watcher.on('all', () => this.onEvent());
    this.watcher.on('error', (err) => this.audit.write({ event: 'error', outcome: 'watcher', detail: String(err) }));
    this.state.onLocationsChange(() => this.replan());
    await new Promise<void>((resolve) => this.watcher?.once('ready', () => resolve()));
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const watcher = this.watcher;
    this.watcher = null;
    await watcher?.close();
  }

  private onEvent(): void {
    if (this.timer || !this.watcher) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.state.serial(async () => {
        this.replan();
        this.state.collector.scanFiles();
        await this.state.pass();
      });
    }, INSTALL_DEBOUNCE_MS);
  }

  /** Watches one step deeper where a folder appeared, and lets go of folders that are gone. */
  private replan(): void {
    if (!this.watcher) return;
    const next = planWatches(this.fs, this.state.collector.installLocations(), this.state.collector.ctx.platform);
    const added = [...next.keys()].filter((d) => !this.plan.has(d));
    const removed = [...this.plan.keys()].filter((d) => !next.has(d));
    this.plan = next;
    if (removed.length) this.watcher.unwatch(removed);
    if (added.length) {
      this.watcher.add(added);
      // A folder that appeared may already hold the install (created in one go): scan it now, not on the next event.
      this.onEvent();
    }
  }
}
