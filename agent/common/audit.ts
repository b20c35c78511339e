// The vocabulary of the audit log: every event kind Cordon records, and the fields of one record.

export type AuditEvent =
  | 'agent-start'
  | 'agent-stop'
  | 'process-source'
  | 'detected'
  | 'resolved'
  | 'kill'
  | 'quarantine'
  | 'uninstall'
  | 'restore'
  | 'notify'
  | 'remediation-requested'
  | 'exception-requested'
  | 'exception-granted'
  | 'exception-denied'
  | 'exception-expired'
  | 'policy-loaded'
  | 'policy-rejected'
  | 'policy-retired'
  | 'unsigned-policy'
  | 'recovery'
  | 'report'
  | 'refused-start'
  | 'suppressed'
  | 'connections-refused'
  | 'start-hook-installed'
  | 'start-hook-removed'
  | 'error';

export interface AuditRecord {
  event: AuditEvent;
  outcome: string;
  tool?: string;
  kind?: string;
  path?: string;
  pid?: number;
  user?: string;
  policy?: string;
  rule?: string;
  finding?: string;
  detail?: string;
}
