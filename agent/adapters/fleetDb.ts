// <stateDir>/cordon.db: the fleet-readable state (SQLite, WAL) that osquery's ATC, Jamf and Intune scripts read; written by the daemon only.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { CordonError } from '../common/errors.js';
import type { FleetRead } from '../core/fleet/facts.js';
import type { FleetSnapshot } from '../core/fleet/snapshot.js';

export const FLEET_DB_FILE = 'cordon.db';

/** The SQLite binding, loaded when a database is first opened: every `cordon` command starts through this module. */
function sqlite(): typeof Database {
  return createRequire(import.meta.url)('better-sqlite3') as typeof Database;
}
const SCHEMA_VERSION = 1;
/** Refused starts kept in the table (the audit log keeps every one). */
const KEEP_REFUSED_STARTS = 1000;

/**
 * Columns are named as in Fleet's `ai_tools` table where they fit (inventory), times are ISO 8601 UTC with an
 * `_epoch` twin in seconds, because osquery's ATC hands every column over as TEXT and epochs compare as numbers.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS agent (
  id INTEGER PRIMARY KEY CHECK (id = 1), host TEXT NOT NULL, version TEXT NOT NULL, pid INTEGER, process_source TEXT NOT NULL,
  compliance TEXT NOT NULL, started_at TEXT NOT NULL, last_pass_at TEXT NOT NULL, heartbeat_at TEXT NOT NULL,
  heartbeat_epoch INTEGER NOT NULL, stale_after_seconds INTEGER NOT NULL, stopped_at TEXT
);
CREATE TABLE IF NOT EXISTS findings (
  id TEXT PRIMARY KEY, tool TEXT NOT NULL, tool_name TEXT, policy TEXT NOT NULL, rule TEXT NOT NULL, kind TEXT NOT NULL,
  path TEXT, pid INTEGER, username TEXT, actions TEXT NOT NULL, due INTEGER NOT NULL, state TEXT NOT NULL,
  deadline TEXT, deadline_epoch INTEGER, since TEXT, since_epoch INTEGER, first_seen TEXT NOT NULL,
  exempt_until TEXT, detail TEXT NOT NULL, outcome TEXT
);
CREATE TABLE IF NOT EXISTS inventory (
  type TEXT NOT NULL, name TEXT NOT NULL, identifier TEXT NOT NULL, category TEXT NOT NULL, location TEXT NOT NULL,
  source TEXT NOT NULL, version TEXT, path TEXT, endpoint TEXT, running INTEGER NOT NULL, pid INTEGER, port INTEGER,
  risk_flags TEXT NOT NULL, sha256 TEXT, uid TEXT, username TEXT, detail TEXT NOT NULL, kind TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS policies (
  id TEXT, version INTEGER, file TEXT NOT NULL, state TEXT NOT NULL, signed_by TEXT, issuer TEXT, code TEXT, message TEXT
);
CREATE TABLE IF NOT EXISTS refused_starts (
  time TEXT NOT NULL, time_epoch INTEGER NOT NULL, tool TEXT NOT NULL, username TEXT, uid INTEGER, policy TEXT,
  rule TEXT, reason TEXT NOT NULL, detail TEXT
);
CREATE TABLE IF NOT EXISTS exception_requests (
  id TEXT PRIMARY KEY, username TEXT NOT NULL, tool TEXT NOT NULL, tool_name TEXT, rules TEXT NOT NULL, reason TEXT NOT NULL,
  until TEXT, requested_at TEXT NOT NULL, requested_epoch INTEGER, state TEXT NOT NULL, granted_until TEXT, granted_by TEXT,
  decided_at TEXT, denial TEXT
);
`;

/** A start of a banned tool that its own managed start hook (Claude Code's policyHelper) refused for a policy. */
export interface RefusedStart {
  time: string;
  tool: string;
  user?: string;
  uid?: number;
  policy?: string;
  rule?: string;
  reason: string;
  detail?: string;
}

function epochOf(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** The daemon's writer: one transaction per change, WAL so that readers (osquery, sqlite3, fleet-facts) never block it. */
export class FleetDb {
  private readonly db: Database.Database;
  readonly file: string;

  private constructor(file: string) {
    this.file = file;
    this.db = new (sqlite())(file);
    this.db.pragma('journal_mode = WAL');
    // WAL with NORMAL is durable across application crashes; a power loss may drop the last commit, which the next pass rewrites.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 2000');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      this.db.close();
      throw new CordonError('internal', `${file} has schema version ${version}, newer than this agent's ${SCHEMA_VERSION}`, {
        where: file,
        fix: 'upgrade the agent, or move the file away',
      });
    }
    this.db.exec(SCHEMA);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    // No secrets are stored (detail never holds a matched value), so root-writable and world-readable is safe; the state dir limits who gets there.
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      try {
        fs.chmodSync(f, 0o644);
      } catch {
        continue;
      }
    }
  }

  static open(stateDir: string): FleetDb {
    return new FleetDb(path.join(stateDir, FLEET_DB_FILE));
  }

  /**
   * Replaces the state with one snapshot in one transaction. A finding keeps its `since` (when it first became
   * open or failed) as long as it stays open or failed, across passes and restarts; it is cleared while the finding is
   * exempt or remediated, and the row goes when the finding does.
   */
  write(snapshot: FleetSnapshot, now: string): void {
    const nowEpoch = epochOf(now);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM agent').run();
      this.db
        .prepare(
          `INSERT INTO agent (id, host, version, pid, process_source, compliance, started_at, last_pass_at, heartbeat_at, heartbeat_epoch, stale_after_seconds)
           VALUES (1, @host, @version, @pid, @process_source, @compliance, @started_at, @last_pass_at, @heartbeat_at, @heartbeat_epoch, @stale_after_seconds)`,
        )
        .run(snapshot.agent);
      this.db.prepare('DELETE FROM findings WHERE id NOT IN (SELECT value FROM json_each(?))').run(JSON.stringify(snapshot.findings.map((f) => f.id)));
      const upsert = this.db.prepare(
        `INSERT INTO findings (id, tool, tool_name, policy, rule, kind, path, pid, username, actions, due, state, deadline, deadline_epoch,
           since, since_epoch, first_seen, exempt_until, detail, outcome)
         VALUES (@id, @tool, @tool_name, @policy, @rule, @kind, @path, @pid, @username, @actions, @due, @state, @deadline, @deadline_epoch,
           CASE WHEN @state IN ('open', 'failed') THEN @now END, CASE WHEN @state IN ('open', 'failed') THEN @nowEpoch END, @now,
           @exempt_until, @detail, @outcome)
         ON CONFLICT (id) DO UPDATE SET tool = excluded.tool, tool_name = excluded.tool_name, policy = excluded.policy, rule = excluded.rule,
           kind = excluded.kind, path = excluded.path, pid = excluded.pid, username = excluded.username, actions = excluded.actions,
           due = excluded.due, state = excluded.state, deadline = excluded.deadline, deadline_epoch = excluded.deadline_epoch,
           since = CASE WHEN excluded.state IN ('open', 'failed') THEN coalesce(findings.since, excluded.since, @now) END,
           since_epoch = CASE WHEN excluded.state IN ('open', 'failed') THEN coalesce(findings.since_epoch, excluded.since_epoch, @nowEpoch) END,
           exempt_until = excluded.exempt_until, detail = excluded.detail, outcome = excluded.outcome`,
      );
      for (const f of snapshot.findings) upsert.run({ ...f, now, nowEpoch });
      this.db.prepare('DELETE FROM inventory').run();
      const item = this.db.prepare(
        `INSERT INTO inventory (type, name, identifier, category, location, source, path, running, pid, risk_flags, username, detail, kind)
         VALUES (@type, @name, @identifier, @category, @location, @source, @path, @running, @pid, @risk_flags, @username, @detail, @kind)`,
      );
      for (const row of snapshot.inventory) item.run(row);
      this.db.prepare('DELETE FROM policies').run();
      const policy = this.db.prepare(
        'INSERT INTO policies (id, version, file, state, signed_by, issuer, code, message) VALUES (@id, @version, @file, @state, @signed_by, @issuer, @code, @message)',
      );
      for (const row of snapshot.policies) policy.run(row);
      this.db.prepare('DELETE FROM exception_requests').run();
      const request = this.db.prepare(
        `INSERT INTO exception_requests (id, username, tool, tool_name, rules, reason, until, requested_at, requested_epoch, state, granted_until, granted_by, decided_at, denial)
         VALUES (@id, @username, @tool, @tool_name, @rules, @reason, @until, @requested_at, @requested_epoch, @state, @granted_until, @granted_by, @decided_at, @denial)`,
      );
      for (const row of snapshot.exceptions) request.run(row);
    })();
  }

  /** The agent is alive: one small update, no other row touched. */
  heartbeat(at: string, lastPassAt: string): void {
    this.db.prepare('UPDATE agent SET heartbeat_at = ?, heartbeat_epoch = ?, last_pass_at = ?').run(at, epochOf(at), lastPassAt);
  }

  /** The daemon stopped cleanly: readers need not wait for the heartbeat to go stale. */
  stopped(at: string): void {
    this.db.prepare('UPDATE agent SET stopped_at = ?').run(at);
  }

  /** Records a start refused by a tool's managed start hook; the table keeps the newest KEEP_REFUSED_STARTS. */
  recordRefusedStart(r: RefusedStart): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO refused_starts (time, time_epoch, tool, username, uid, policy, rule, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(r.time, epochOf(r.time), r.tool, r.user ?? null, r.uid ?? null, r.policy ?? null, r.rule ?? null, r.reason, r.detail ?? null);
      this.db.prepare('DELETE FROM refused_starts WHERE rowid <= (SELECT max(rowid) FROM refused_starts) - ?').run(KEEP_REFUSED_STARTS);
    })();
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Reads what `cordon fleet-facts` needs, read-only. null when there is no database (no daemon ever ran here);
 * a database that exists but cannot be read (another user, a newer schema) is an error the caller turns into a fallback.
 */
export function readFleet(stateDir: string): FleetRead | null {
  const file = path.join(stateDir, FLEET_DB_FILE);
  if (!fs.existsSync(file)) return null;
  const db = new (sqlite())(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    const agent = db.prepare('SELECT host, version, compliance, heartbeat_at, last_pass_at, stale_after_seconds, stopped_at FROM agent WHERE id = 1').get() as
      FleetRead['agent'] | undefined;
    const findings = db.prepare('SELECT state, due, deadline, tool FROM findings').all() as FleetRead['findings'];
    const policies = db.prepare('SELECT id, version, state FROM policies').all() as FleetRead['policies'];
    return { agent: agent ?? null, findings, policies };
  } finally {
    db.close();
  }
}
