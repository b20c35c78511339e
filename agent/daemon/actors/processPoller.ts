// The process poller: new processes every poll interval, every process again every 10 s; a pass when matches change.
import type { AuditLog } from '../../adapters/auditLog.js';
import type { AgentState } from '../agentState.js';
import { periodicActor, type Actor } from './actor.js';

/** A process that `exec`s another program keeps its pid: only a full re-read sees it. */
const FULL_PROCESS_RESYNC_MS = 10_000;

export function processPoller(state: AgentState, audit: AuditLog, pollIntervalMs: number): Actor {
  const poll = periodicActor('process-poller', pollIntervalMs, async () => {
    try {
      if (await state.collector.pollProcesses()) await state.serial(() => state.pass());
    } catch (err) {
      audit.write({ event: 'error', outcome: 'process-scan', detail: (err as Error).message });
    }
  });
  const resync = periodicActor('process-resync', FULL_PROCESS_RESYNC_MS, () =>
    state.serial(async () => {
      if (await state.collector.recheckProcesses()) await state.pass();
    }),
  );
  return {
    name: 'process-poller',
    get running() {
      return poll.running;
    },
    start() {
      poll.start();
      resync.start();
    },
    stop() {
      poll.stop();
      resync.stop();
    },
  };
}
