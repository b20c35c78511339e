// The audit trail of policy reloads: what was loaded, retired or rejected since the last load, said once.
import type { AuditLog } from '../adapters/auditLog.js';
import type { PolicyState } from './engine.js';

export function auditPolicyChanges(audit: AuditLog, before: PolicyState, after: PolicyState, reason: string): void {
  const previous = new Map(before.policies.map((p) => [p.ref.id, p.ref]));
  const errorKey = (e: { file: string; code: string; message: string }): string => `${e.file}|${e.code}|${e.message}`;
  const previousErrors = new Set(before.errors.map(errorKey));
  for (const p of after.policies) {
    const old = previous.get(p.ref.id);
    previous.delete(p.ref.id);
    if (!old || old.version !== p.ref.version || old.file !== p.ref.file) {
      audit.write({
        event: 'policy-loaded',
        outcome: p.ref.lastKnownGood ? 'last-known-good' : 'ok',
        policy: p.ref.id,
        detail: `${reason}: version ${p.ref.version} from ${p.ref.file}, signed by ${p.ref.signedBy ?? 'nobody (unsigned)'}`,
      });
    }
  }
  for (const old of previous.values()) audit.write({ event: 'policy-retired', outcome: 'ok', policy: old.id, detail: `${reason}: ${old.file} is gone` });
  for (const e of after.errors) {
    if (!previousErrors.has(errorKey(e))) audit.write({ event: 'policy-rejected', outcome: e.code, path: e.file, detail: e.message });
  }
}
