// What cordon.db costs the daemon: CPU time of one heartbeat and of one status write, and so its share of an idle minute.
// Run: npx tsx bench/fleet-db.ts [--findings N] [--inventory N]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FleetDb } from '../agent/adapters/fleetDb.js';
import type { Finding, InventoryItem, Status } from '../agent/common/model.js';
import { fleetSnapshot } from '../agent/core/fleet/snapshot.js';
import { HEARTBEAT_SECONDS } from '../agent/core/fleet/liveness.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const FINDINGS = arg('--findings', 20);
const INVENTORY = arg('--inventory', 60);
const ROUNDS = 200;

function cpuMicros(fn: () => void): number {
  const start = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / ROUNDS;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-fleetdb-bench-'));
try {
  const findings: Finding[] = Array.from({ length: FINDINGS }, (_, i) => ({
    id: `f${i}`,
    tool: 'claude-code',
    policy: 'anthropic-ban',
    rule: 'claude-code',
    kind: 'install',
    path: `/home/u${i}/.local/share/claude`,
    user: `u${i}`,
    actions: ['report', 'notify'],
    deadline: '2026-07-10T00:00:00+08:00',
    state: 'open',
    detail: 'native install',
  }));
  const inventory: InventoryItem[] = Array.from({ length: INVENTORY }, (_, i) => ({
    tool: 'cursor',
    category: 'desktop',
    kind: 'install',
    path: `/home/u${i}/.cursor`,
    user: `u${i}`,
  }));
  const status: Status = {
    evaluatedAt: new Date().toISOString(),
    host: 'bench',
    compliance: 'warning',
    policies: [{ id: 'anthropic-ban', version: 3, file: 'x.yaml', signedBy: 'k' }],
    policyErrors: [],
    inventory,
    findings,
    agent: { version: '0' },
  };
  const db = FleetDb.open(dir);
  const now = () => new Date().toISOString();
  const liveness = { processSource: 'proc-connector', startedAt: now(), heartbeatAt: now(), lastPassAt: now(), staleAfterSeconds: 300 };
  db.write(fleetSnapshot(status, liveness), now());
  const write = cpuMicros(() => db.write(fleetSnapshot(status, { ...liveness, heartbeatAt: now() }), now()));
  const beat = cpuMicros(() => db.heartbeat(now(), now()));
  db.close();
  const idleShare = (beat / (HEARTBEAT_SECONDS * 1e6)) * 100;
  process.stdout.write(
    `cordon.db with ${FINDINGS} findings and ${INVENTORY} inventory rows (${ROUNDS} rounds each):\n` +
      `  status write (one transaction, every table): ${write.toFixed(0)} µs CPU\n` +
      `  heartbeat (one row): ${beat.toFixed(0)} µs CPU, once every ${HEARTBEAT_SECONDS} s = ${idleShare.toFixed(5)}% of a core when idle\n`,
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
