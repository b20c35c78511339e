// The reporter: sends the current status to the configured collector; a failure is audited once, not on every attempt.
import type { AuditLog } from '../../adapters/auditLog.js';
import type { Reporter } from '../../adapters/reporter.js';
import type { Status } from '../../common/model.js';
import { periodicActor, type Actor } from './actor.js';

export function reporterActor(reporter: Reporter, intervalMs: number, status: () => Status, audit: AuditLog): Actor {
  let lastError: string | undefined;
  const send = async (): Promise<void> => {
    const r = await reporter.submit(status());
    if (r.error !== lastError) {
      audit.write({
        event: 'report',
        outcome: r.error ? 'queued' : 'ok',
        detail: r.error ? `collector unreachable (${r.error}); ${r.queued} report(s) wait in the outbox` : `sent ${r.sent} report(s)`,
      });
    }
    lastError = r.error;
  };
  const timer = periodicActor('reporter', intervalMs, send);
  return {
    name: 'reporter',
    get running() {
      return timer.running;
    },
    start() {
      void send();
      timer.start();
    },
    stop: () => timer.stop(),
  };
}
