// A user who tries to starve the running agent: held connections (descriptor exhaustion) and subscribers that never
// read (memory). The agent must keep killing, keep serving root, and keep every audit record.
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENFORCE_NOW_POLICY, waitFor, type AgentFixture } from '../support/agentFixture.js';
import { startAttackBed, type AttackBed } from '../support/attackBed.js';
import { cliEntry, repoRoot } from '../support/paths.js';
import type { ThrowawayUser } from '../support/throwawayUser.js';
import { DaemonClient } from '../../agent/client/daemonClient.js';

const attacker = path.join(repoRoot, 'test', 'support', 'ipcAttacker.mjs');

/** The agent's open sockets: its listeners, its process-event source, and the connections it holds. */
function openSockets(pid: number): number {
  const fds = fs.readdirSync(`/proc/${pid}/fd`);
  return fds.filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
    } catch {
      return false;
    }
  }).length;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

/** The lines the attacker prints, one at a time (it keeps running, holding what it took). */
function attackerLines(child: ChildProcess): <T>() => Promise<T> {
  if (!child.stdout) throw new Error('no stdout');
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return async <T>() => {
    const next = await lines.next();
    if (next.done) throw new Error(`attacker exited (${child.exitCode})`);
    return JSON.parse(next.value as string) as T;
  };
}

describe('a user who tries to starve the agent', () => {
  let bed: AttackBed;
  let fx: AgentFixture;
  let user: ThrowawayUser;
  let agentPid: number;
  const claudeKilled = (): Promise<number> => bed.claudeKilled();

  function rootStatusExit(): number | null {
    return spawnSync(process.execPath, [cliEntry, 'status', '--config', fx.configFile], { encoding: 'utf8', timeout: 15_000 }).status;
  }

  beforeAll(async () => {
    bed = await startAttackBed();
    ({ fx, user, agentPid } = bed);
    await waitFor('the first status', () => rootStatusExit() !== 69, 10_000);
  }, 30_000);

  afterAll(() => bed?.cleanup());

  it('1: held connections take a bounded share of descriptors; claudes are killed, root is served, the audit log is whole', async () => {
    const before = openSockets(agentPid);
    const hold = user.start(process.execPath, [attacker, fx.socketPath, 'hold-connections', '3000'], { stdout: true });
    const taken = await attackerLines(hold)<{ opened: number; held: number; refused: number }>();
    expect(taken.opened + taken.refused).toBe(3000);
    expect(taken.held).toBeLessThanOrEqual(64);
    expect(openSockets(agentPid) - before).toBeLessThanOrEqual(70);

    await claudeKilled();
    expect([0, 1, 2]).toContain(rootStatusExit());
    expect(bed.auditLines().filter((r) => r.event === 'error')).toEqual([]);
    expect(bed.auditLines('security.jsonl').find((r) => r.event === 'connections-refused')).toBeTruthy();

    // Connections that never say who they are do not stay: the descriptors come back without the attacker letting go.
    await waitFor('the idle connections closed', () => openSockets(agentPid) - before <= 2, 20_000);
    expect(hold.exitCode).toBeNull();
    hold.kill('SIGKILL');

    // Proven, the user gets a bounded share of their own, and the agent still kills.
    const proven = user.start(process.execPath, [attacker, fx.socketPath, 'hold-proven', '100'], { stdout: true });
    try {
      expect((await attackerLines(proven)<{ held: number }>()).held).toBe(32);
      await claudeKilled();
      expect([0, 1, 2]).toContain(rootStatusExit());
    } finally {
      proven.kill('SIGKILL');
    }
  }, 60_000);

  it('5: paused subscribers get only the latest status: the agent stays small while the status changes', async () => {
    // A big status: many installs reported (report only), one more each time.
    fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(2, 'report'));
    const root = await DaemonClient.connect(fx.socketPath.replace('cordon.sock', 'cordon-admin.sock'));
    await waitFor('version 2 in force', async () => (await root.request('status')).policies[0]?.version === 2, 5000);
    const nodes = path.join(fx.home, '.nvm', 'versions', 'node');
    const script = `for i in $(seq 1 200); do mkdir -p ${nodes}/v$i/bin && cp /bin/true ${nodes}/v$i/bin/claude; done`;
    expect(user.run('sh', ['-c', script]).status).toBe(0);
    try {
      await waitFor('200 findings', async () => (await root.request('status')).findings.length >= 200, 30_000);
      const size = JSON.stringify(await root.request('status')).length;
      expect(size).toBeGreaterThan(150_000);

      const subs = user.start(process.execPath, [attacker, fx.socketPath, 'subscribe-paused', '30'], { stdout: true });
      const said = attackerLines(subs);
      expect(await said()).toEqual({ subscribed: 30 });
      const rssBefore = rssMb(agentPid);
      let peak = rssBefore;
      // Each new policy version is a new status of that size.
      for (let v = 3; v < 23; v++) {
        fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(v, 'report'));
        await waitFor(`version ${v} in force`, async () => (await root.request('status')).policies[0]?.version === v, 10_000);
        peak = Math.max(peak, rssMb(agentPid));
      }
      // Unbounded, 30 subscribers x 20 statuses of this size would hold 30 x 20 x 170 KB, about 100 MB.
      expect(peak - rssBefore).toBeLessThan(40);
      // Held back for a subscriber that does not read: only the latest status, not the 20 it missed.
      process.kill(subs.pid as number, 'SIGUSR2');
      expect((await said<{ received: number }>()).received).toBeLessThanOrEqual(3);
      subs.kill('SIGKILL');
      fs.rmSync(path.join(fx.home, '.nvm'), { recursive: true, force: true });
      await waitFor('the installs gone', async () => (await root.request('status')).findings.filter((f) => f.state === 'open').length === 0, 15_000);
      fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(23));
      await waitFor('version 23 in force', async () => (await root.request('status')).policies[0]?.version === 23, 5000);
      await claudeKilled();
    } finally {
      root.close();
      fs.rmSync(path.join(fx.home, '.nvm'), { recursive: true, force: true });
    }
  }, 90_000);
});
