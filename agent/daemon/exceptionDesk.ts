// The daemon's exception requests: taken from proved users, kept in the state folder, settled against the policies
// in force on every pass, and each step written to the audit log.
import type { AuditLog } from '../adapters/auditLog.js';
import { newRequestId, readExceptionRequests, writeExceptionRequests } from '../adapters/exceptionRequests.js';
import { CordonError } from '../common/errors.js';
import type { ExceptionRequest } from '../common/model.js';
import { denyRequest, newRequest, settleRequests, withRequest, type NewRequest } from '../core/exceptions/requests.js';
import type { LoadedPolicy } from '../core/policy/types.js';

export interface ExceptionDeskDeps {
  stateDir: string;
  host: string;
  audit: AuditLog;
}

export class ExceptionDesk {
  private requests: ExceptionRequest[] = [];

  constructor(private readonly deps: ExceptionDeskDeps) {}

  /** Reads the stored requests (at start); a damaged file is set aside in the audit log and the desk starts empty. */
  load(): void {
    try {
      this.requests = readExceptionRequests(this.deps.stateDir);
    } catch (err) {
      this.deps.audit.write({
        event: 'error',
        outcome: 'exception-requests',
        detail: `stored requests unreadable, starting without them: ${(err as Error).message}`,
      });
      this.requests = [];
    }
  }

  list(): ExceptionRequest[] {
    return this.requests;
  }

  /** Records a request in the proved user's name; nothing is stored or audited when it is refused. */
  request(input: Omit<NewRequest, 'id' | 'host'>, ctx: { policies: readonly LoadedPolicy[]; knownTools: readonly string[]; now: Date }): ExceptionRequest {
    const added = newRequest({ ...input, id: newRequestId(), host: this.deps.host }, this.requests, ctx);
    this.save(withRequest(this.requests, added));
    this.deps.audit.write({
      event: 'exception-requested',
      outcome: 'pending',
      user: added.user,
      tool: added.tool,
      ...(added.finding ? { finding: added.finding } : {}),
      detail: `${added.id}${added.until ? ` until ${added.until}` : ''}: ${added.reason}`,
    });
    return added;
  }

  deny(id: string, denial: string | undefined, now: Date): ExceptionRequest {
    this.save(denyRequest(this.requests, id, denial, now));
    const denied = this.requests.find((r) => r.id === id) as ExceptionRequest;
    this.deps.audit.write({
      event: 'exception-denied',
      outcome: 'denied',
      user: denied.user,
      tool: denied.tool,
      detail: `${id}${denial ? `: ${denial}` : ''}`,
    });
    return denied;
  }

  /** The requests as the policies in force say now; each change of state is audited and stored. */
  settle(policies: readonly LoadedPolicy[], now: Date): ExceptionRequest[] {
    const { requests, changes } = settleRequests(this.requests, policies, now);
    if (changes.length === 0) return this.requests;
    this.requests = requests;
    try {
      writeExceptionRequests(this.deps.stateDir, requests);
    } catch (err) {
      this.deps.audit.write({ event: 'error', outcome: 'exception-requests', detail: `cannot store the requests: ${(err as Error).message}` });
    }
    for (const { request: r } of changes) {
      this.deps.audit.write({
        event: r.state === 'granted' ? 'exception-granted' : 'exception-expired',
        outcome: r.state,
        user: r.user,
        tool: r.tool,
        ...(r.grantedBy ? { policy: r.grantedBy } : {}),
        detail: `${r.id}${r.grantedUntil ? ` until ${r.grantedUntil}` : ''}`,
      });
    }
    return requests;
  }

  /** Stores first: a request that cannot be kept is refused rather than lost. */
  private save(requests: ExceptionRequest[]): void {
    try {
      writeExceptionRequests(this.deps.stateDir, requests);
    } catch (err) {
      throw new CordonError('internal', `cannot store the exception request: ${(err as Error).message}`, { where: this.deps.stateDir }, err);
    }
    this.requests = requests;
  }
}
