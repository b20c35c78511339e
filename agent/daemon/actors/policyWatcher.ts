// The policy watcher: any change in the policy folder reloads the policy set (a bad file never replaces a good one).
import { watch, type FSWatcher } from 'chokidar';
import type { AuditLog } from '../../adapters/auditLog.js';
import type { AgentState } from '../agentState.js';
import { periodicActor, type Actor, type TimerActor } from './actor.js';

/** Several files of one policy release (policy and .sig) become one reload. */
const POLICY_DEBOUNCE_MS = 150;
/** Policy files are reloaded on every change the watcher sees; this reload is a safety net for a missed event. */
const POLICY_RELOAD_MS = 300_000;

/** Reloads the policies, then passes over freshly scanned files (policies may bring tools of their own). */
export function reloadAndPass(state: AgentState, reason: string): Promise<unknown> {
  return state.serial(async () => {
    await state.reloadPolicies(reason);
    state.collector.scanFiles();
    return state.pass();
  });
}

export class PolicyWatcher implements Actor {
  readonly name = 'policy-watcher';
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly safetyNet: TimerActor;

  constructor(
    private readonly state: AgentState,
    private readonly policyDir: string,
    private readonly audit: AuditLog,
  ) {
    this.safetyNet = periodicActor('policy-reload', POLICY_RELOAD_MS, () => reloadAndPass(state, 'periodic'));
  }

  get running(): boolean {
    return this.watcher !== null;
  }

  async start(): Promise<void> {
    this.watcher = watch(this.policyDir, { ignoreInitial: true, depth: 0 });
    this.watcher.on('all', () => {
      if (this.timer || !this.watcher) return;
      this.timer = setTimeout(() => {
        this.timer = null;
        void reloadAndPass(this.state, 'policy folder changed');
      }, POLICY_DEBOUNCE_MS);
    });
    this.watcher.on('error', (err) => this.audit.write({ event: 'error', outcome: 'watcher', detail: String(err) }));
    this.safetyNet.start();
    await new Promise<void>((resolve) => this.watcher?.once('ready', () => resolve()));
  }

  async stop(): Promise<void> {
    this.safetyNet.stop();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const watcher = this.watcher;
    this.watcher = null;
    await watcher?.close();
  }
}
