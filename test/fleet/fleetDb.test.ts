// cordon.db: one snapshot per change in one transaction, `since` that survives passes and reopening, refused starts, WAL.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetDb, readFleet } from '../../agent/adapters/fleetDb.js';
import type { Finding, Status } from '../../agent/common/model.js';
import { fleetSnapshot } from '../../agent/core/fleet/snapshot.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function stateDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-fleetdb-'));
  dirs.push(d);
  return d;
}

const claude: Finding = {
  id: 'f-claude',
  tool: 'claude-code',
  toolName: 'Claude Code',
  policy: 'anthropic-ban',
  rule: 'claude-code',
  kind: 'install',
  path: '/home/alice/.local/share/claude',
  user: 'alice',
  actions: ['report', 'notify'],
  deadline: '2026-07-10T00:00:00+08:00',
  state: 'open',
  detail: 'native install',
};
function status(findings: Finding[], extra: Partial<Status> = {}): Status {
  return {
    evaluatedAt: '2026-07-05T00:00:00.000Z',
    host: 'laptop-7',
    compliance: findings.some((f) => f.state === 'open') ? 'warning' : 'compliant',
    policies: [{ id: 'anthropic-ban', version: 3, file: '/etc/cordon/policies/anthropic-ban.yaml', signedBy: 'it-2026' }],
    policyErrors: [{ file: '/etc/cordon/policies/bad.yaml', code: 'signature-invalid', message: 'the signature does not match' }],
    inventory: [
      {
        tool: 'claude-code',
        toolName: 'Claude Code',
        category: 'cli',
        kind: 'install',
        path: '/home/alice/.local/share/claude',
        user: 'alice',
        detail: 'native install',
      },
      {
        tool: 'mcp-servers',
        toolName: 'MCP servers',
        category: 'mcp',
        kind: 'config',
        path: '/home/alice/.cursor/mcp.json',
        user: 'alice',
        riskFlags: ['plaintext_secret'],
        detail: 'MCP servers defined',
      },
    ],
    findings,
    agent: { version: '0.1.0', pid: 42 },
    ...extra,
  };
}
const liveness = (at: string) => ({ processSource: '/proc', startedAt: '2026-07-05T00:00:00.000Z', heartbeatAt: at, lastPassAt: at, staleAfterSeconds: 300 });
const sql = (db: string, query: string) => execFileSync('sqlite3', ['-readonly', '-json', db, query], { encoding: 'utf8' });

describe('cordon.db', () => {
  it("keeps a finding's since across passes and reopening, and starts it again once the finding was remediated", () => {
    const dir = stateDir();
    let db = FleetDb.open(dir);
    db.write(fleetSnapshot(status([claude]), liveness('2026-07-05T00:00:00.000Z')), '2026-07-05T00:00:00.000Z');
    db.write(
      fleetSnapshot(status([{ ...claude, actions: ['report', 'notify', 'kill', 'quarantine'], state: 'failed' }]), liveness('2026-07-10T00:00:05.000Z')),
      '2026-07-10T00:00:05.000Z',
    );
    db.close();
    db = FleetDb.open(dir);
    db.write(fleetSnapshot(status([claude]), liveness('2026-07-11T00:00:00.000Z')), '2026-07-11T00:00:00.000Z');
    const file = path.join(dir, 'cordon.db');
    expect(JSON.parse(sql(file, 'SELECT id, since, since_epoch, state FROM findings'))).toEqual([
      { id: 'f-claude', since: '2026-07-05T00:00:00.000Z', since_epoch: Date.parse('2026-07-05T00:00:00.000Z') / 1000, state: 'open' },
    ]);
    db.write(fleetSnapshot(status([{ ...claude, state: 'remediated' }]), liveness('2026-07-12T00:00:00.000Z')), '2026-07-12T00:00:00.000Z');
    expect(JSON.parse(sql(file, 'SELECT since FROM findings'))).toEqual([{ since: null }]);
    db.write(fleetSnapshot(status([claude]), liveness('2026-07-13T00:00:00.000Z')), '2026-07-13T00:00:00.000Z');
    expect(JSON.parse(sql(file, 'SELECT since FROM findings'))).toEqual([{ since: '2026-07-13T00:00:00.000Z' }]);
    db.write(fleetSnapshot(status([]), liveness('2026-07-14T00:00:00.000Z')), '2026-07-14T00:00:00.000Z');
    expect(sql(file, 'SELECT count(*) AS n FROM findings')).toContain('"n":0');
    db.close();
  });

  it('holds inventory in the ai_tools vocabulary, policies in force and rejected, the agent, in WAL mode readable by the sqlite3 command', () => {
    const dir = stateDir();
    const db = FleetDb.open(dir);
    db.write(fleetSnapshot(status([claude]), liveness('2026-07-05T00:00:00.000Z')), '2026-07-05T00:00:00.000Z');
    const file = path.join(dir, 'cordon.db');
    expect(sql(file, 'PRAGMA journal_mode').trim()).toContain('wal');
    expect(
      JSON.parse(
        sql(file, 'SELECT type, name, identifier, category, location, source, running, risk_flags, username, kind FROM inventory ORDER BY identifier'),
      ),
    ).toEqual([
      {
        type: 'agents',
        name: 'Claude Code',
        identifier: 'claude-code',
        category: 'coding-assistant',
        location: 'local',
        source: 'install',
        running: 0,
        risk_flags: '',
        username: 'alice',
        kind: 'install',
      },
      {
        type: 'mcp_server',
        name: 'MCP servers',
        identifier: 'mcp-servers',
        category: 'mcp-server',
        location: 'local',
        source: 'config',
        running: 0,
        risk_flags: 'plaintext_secret',
        username: 'alice',
        kind: 'config',
      },
    ]);
    expect(JSON.parse(sql(file, 'SELECT id, version, state, code FROM policies ORDER BY state'))).toEqual([
      { id: 'anthropic-ban', version: 3, state: 'in-force', code: null },
      { id: null, version: null, state: 'rejected', code: 'signature-invalid' },
    ]);
    expect(JSON.parse(sql(file, 'SELECT host, version, compliance, process_source, stale_after_seconds FROM agent'))).toEqual([
      { host: 'laptop-7', version: '0.1.0', compliance: 'warning', process_source: '/proc', stale_after_seconds: 300 },
    ]);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('644');
    db.heartbeat('2026-07-05T00:01:00.000Z', '2026-07-05T00:00:30.000Z');
    expect(readFleet(dir)?.agent).toMatchObject({ heartbeat_at: '2026-07-05T00:01:00.000Z', last_pass_at: '2026-07-05T00:00:30.000Z' });
    db.close();
  });

  it('records refused starts and keeps the newest', () => {
    const dir = stateDir();
    const db = FleetDb.open(dir);
    for (let i = 0; i < 3; i++)
      db.recordRefusedStart({
        time: `2026-07-10T00:00:0${i}.000Z`,
        tool: 'claude-code',
        user: 'alice',
        uid: 1000,
        policy: 'anthropic-ban',
        rule: 'claude-code',
        reason: 'banned from July 10',
      });
    expect(JSON.parse(sql(path.join(dir, 'cordon.db'), 'SELECT time, tool, username, uid, reason FROM refused_starts ORDER BY time DESC LIMIT 1'))).toEqual([
      { time: '2026-07-10T00:00:02.000Z', tool: 'claude-code', username: 'alice', uid: 1000, reason: 'banned from July 10' },
    ]);
    db.close();
  });

  it('reads nothing where no daemon ever wrote state, and refuses a database from a newer agent', () => {
    const dir = stateDir();
    expect(readFleet(dir)).toBeNull();
    execFileSync('sqlite3', [path.join(dir, 'cordon.db'), 'PRAGMA user_version = 99']);
    expect(() => FleetDb.open(dir)).toThrow(/schema version 99, newer than this agent/);
  });
});
