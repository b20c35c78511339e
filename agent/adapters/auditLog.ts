// The audit log: one JSON object per line in <stateDir>/audit.jsonl, for every detection, action, policy change and error.
import fs from 'node:fs';
import path from 'node:path';
import type { HistoryEntry } from '../common/ipc.js';

export type AuditEvent =
  | 'agent-start'
  | 'agent-stop'
  | 'detected'
  | 'resolved'
  | 'kill'
  | 'quarantine'
  | 'restore'
  | 'notify'
  | 'remediation-requested'
  | 'policy-loaded'
  | 'policy-rejected'
  | 'policy-retired'
  | 'unsigned-policy'
  | 'recovery'
  | 'report'
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

/** Rotates at this size (one previous file kept as audit.jsonl.1) so a noisy machine cannot fill the disk. */
const MAX_BYTES = 20 * 1024 * 1024;

export class AuditLog {
  readonly file: string;

  constructor(
    stateDir: string,
    private readonly host: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.file = path.join(stateDir, 'audit.jsonl');
  }

  write(record: AuditRecord): void {
    const line = `${JSON.stringify({ time: this.now().toISOString(), host: this.host, ...record })}\n`;
    try {
      if ((fs.statSync(this.file, { throwIfNoEntry: false })?.size ?? 0) > MAX_BYTES) fs.renameSync(this.file, `${this.file}.1`);
      fs.appendFileSync(this.file, line, { mode: 0o640 });
    } catch (err) {
      process.stderr.write(`cordon: cannot write the audit log ${this.file}: ${(err as Error).message}\n`);
    }
  }

  /** The newest entries first, for the tray's history of actions taken on this machine. */
  history(limit = 200, events: readonly AuditEvent[] = ['detected', 'notify', 'kill', 'quarantine', 'restore', 'remediation-requested', 'policy-loaded', 'policy-rejected', 'policy-retired']): HistoryEntry[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    const entries: HistoryEntry[] = [];
    const lines = text.split('\n');
    for (let i = lines.length - 1; i >= 0 && entries.length < limit; i--) {
      const line = lines[i];
      if (!line) continue;
      try {
        const rec = JSON.parse(line) as HistoryEntry & { event: AuditEvent };
        if (events.includes(rec.event)) entries.push(rec);
      } catch {
        continue;
      }
    }
    return entries;
  }
}
