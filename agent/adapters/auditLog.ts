// The audit log: one JSON object per line in <stateDir>/audit.jsonl, for every detection, action, policy change and error.
// A user cannot push the record out: what a user triggers is rate-limited per user (the excess is summed up in one
// `suppressed` line), security events are also kept in security.jsonl where noise never goes, and a reserve file
// frees room for the log when the disk fills.
import fs from 'node:fs';
import path from 'node:path';
import type { AuditEvent, AuditRecord } from '../common/audit.js';
import type { HistoryEntry } from '../common/ipc.js';
import { AGENT_VERSION } from '../common/version.js';
import { historyEntryOf, toEcs } from '../core/audit/ecs.js';

export type { AuditEvent, AuditRecord };

/** cordon: today's lines (time, host, event, outcome, ...); ecs: Elastic Common Schema, ready for Filebeat, Elastic Agent or Wazuh. */
export type AuditFormat = 'cordon' | 'ecs';

/** Rotates at this size, keeping KEPT_FILES older files (audit.jsonl.1 …), so a noisy machine cannot fill the disk. */
const MAX_BYTES = 20 * 1024 * 1024;
const KEPT_FILES = 3;
/** A detail longer than this is cut: a record is a line, not a dump. */
const MAX_DETAIL = 1000;
/** Per user (root excepted): a burst of this many records, refilled at REFILL_PER_SECOND. */
const BURST = 120;
const REFILL_PER_SECOND = 2;
/** Freed when the disk is full, so the record of that moment can still be written. */
const RESERVE_BYTES = 1024 * 1024;

/** What the security log keeps: actions, policy changes, the agent's own life, and summaries of what was cut. */
const SECURITY_EVENTS: ReadonlySet<AuditEvent> = new Set<AuditEvent>([
  'agent-start',
  'agent-stop',
  'kill',
  'quarantine',
  'restore',
  'exception-granted',
  'exception-denied',
  'policy-loaded',
  'policy-rejected',
  'policy-retired',
  'unsigned-policy',
  'recovery',
  'suppressed',
  'connections-refused',
]);

interface Bucket {
  tokens: number;
  at: number;
  /** Records not written since the last summary, by event. */
  dropped: Map<string, number>;
  since: number;
}

export class AuditLog {
  readonly file: string;
  readonly securityFile: string;
  private readonly reserveFile: string;
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    stateDir: string,
    private readonly host: string,
    private readonly now: () => Date = () => new Date(),
    private readonly format: AuditFormat = 'cordon',
  ) {
    this.file = path.join(stateDir, 'audit.jsonl');
    this.securityFile = path.join(stateDir, 'security.jsonl');
    this.reserveFile = path.join(stateDir, 'audit.reserve');
  }

  /** Sets aside the reserve (the daemon calls it at start, when the state dir is its own). */
  reserve(): void {
    try {
      if ((fs.statSync(this.reserveFile, { throwIfNoEntry: false })?.size ?? 0) < RESERVE_BYTES) {
        fs.writeFileSync(this.reserveFile, Buffer.alloc(RESERVE_BYTES), { mode: 0o600 });
      }
    } catch {
      fs.rmSync(this.reserveFile, { force: true });
    }
  }

  write(record: AuditRecord): void {
    const t = this.now().getTime();
    this.flushSummaries(t, false);
    if (record.user !== undefined && record.user !== 'root' && !this.take(record.user, record.event, t)) return;
    this.append(record);
  }

  /** Writes the pending `suppressed` summaries (at stop, so no count is lost). */
  flush(): void {
    this.flushSummaries(this.now().getTime(), true);
  }

  private take(user: string, event: string, t: number): boolean {
    let b = this.buckets.get(user);
    if (!b) {
      b = { tokens: BURST, at: t, dropped: new Map(), since: t };
      this.buckets.set(user, b);
    }
    b.tokens = Math.min(BURST, b.tokens + ((t - b.at) / 1000) * REFILL_PER_SECOND);
    b.at = t;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    if (b.dropped.size === 0) b.since = t;
    b.dropped.set(event, (b.dropped.get(event) ?? 0) + 1);
    return false;
  }

  /** A user's summary is written once their bucket has refilled to half, or on flush. */
  private flushSummaries(t: number, all: boolean): void {
    for (const [user, b] of this.buckets) {
      const tokens = Math.min(BURST, b.tokens + ((t - b.at) / 1000) * REFILL_PER_SECOND);
      if (b.dropped.size > 0 && (all || tokens >= BURST / 2)) {
        const counts = [...b.dropped].map(([e, n]) => `${e}: ${n}`).join(', ');
        const total = [...b.dropped.values()].reduce((a, n) => a + n, 0);
        b.dropped = new Map();
        this.append({
          event: 'suppressed',
          outcome: 'rate-limit',
          user,
          detail: `${total} records about ${user} not written between ${new Date(b.since).toISOString()} and ${new Date(t).toISOString()} (${counts})`,
        });
      }
      if (b.dropped.size === 0 && tokens >= BURST) this.buckets.delete(user);
    }
  }

  private append(record: AuditRecord): void {
    const detail = record.detail !== undefined && record.detail.length > MAX_DETAIL ? `${record.detail.slice(0, MAX_DETAIL)}…` : record.detail;
    const full = { ...record, ...(detail !== undefined ? { detail } : {}) };
    const now = this.now();
    const line = `${JSON.stringify(this.format === 'ecs' ? toEcs(full, now, this.host, AGENT_VERSION) : { time: now.toISOString(), host: this.host, ...full })}\n`;
    this.appendTo(this.file, line);
    if (SECURITY_EVENTS.has(record.event)) this.appendTo(this.securityFile, line);
  }

  private appendTo(file: string, line: string): void {
    try {
      appendRotating(file, line);
    } catch (err) {
      let failure = err;
      // A full disk: give up the reserve so this line (and the next ones) still fit.
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC' && fs.existsSync(this.reserveFile)) {
        fs.rmSync(this.reserveFile, { force: true });
        try {
          appendRotating(file, line);
          return;
        } catch (again) {
          failure = again;
        }
      }
      process.stderr.write(`cordon: cannot write the audit log ${file}: ${(failure as Error).message}\n`);
    }
  }

  /** The newest entries first, for the tray's history of actions taken on this machine (exception requests stay out: their reasons are their users' own). */
  history(
    limit = 200,
    events: readonly AuditEvent[] = [
      'detected',
      'notify',
      'kill',
      'quarantine',
      'restore',
      'remediation-requested',
      'policy-loaded',
      'policy-rejected',
      'policy-retired',
    ],
    /** Which entries the asking peer may see (a user their own and what concerns no one). */
    visible: (entry: HistoryEntry) => boolean = () => true,
  ): HistoryEntry[] {
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
        const rec = historyEntryOf(JSON.parse(line) as Record<string, unknown>) as (HistoryEntry & { event: AuditEvent }) | null;
        if (!rec) continue;
        if (events.includes(rec.event) && visible(rec)) entries.push(rec);
      } catch {
        continue;
      }
    }
    return entries;
  }
}

function appendRotating(file: string, line: string): void {
  if ((fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0) > MAX_BYTES) {
    for (let i = KEPT_FILES - 1; i >= 1; i--) {
      if (fs.existsSync(`${file}.${i}`)) fs.renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    }
    fs.renameSync(file, `${file}.1`);
  }
  fs.appendFileSync(file, line, { mode: 0o640 });
}
