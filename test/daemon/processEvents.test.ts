// The daemon's process source for real: with exec events and with events turned off, a claude is killed; status says which.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionOf } from '../../agent/adapters/processes/scope.js';
import { procConnectorUnavailable } from '../../agent/adapters/processes/linux/procConnector.js';
import { DaemonClient } from '../../agent/client/daemonClient.js';
import { ENFORCE_NOW_POLICY, makeAgentFixture, waitFor, type AgentFixture } from '../support/agentFixture.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** Only processes of this test's session are acted on: a claude elsewhere on the machine is never touched. */
const scope = { session: sessionOf(process.pid) };

function startClaude(fx: AgentFixture, viaSetsid = false): { child: ChildProcess; exited: Promise<NodeJS.Signals | null | 'alive'> } {
  const bin = path.join(fx.dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  if (!fs.existsSync(path.join(bin, 'claude'))) fs.symlinkSync('/bin/sleep', path.join(bin, 'claude'));
  const child = viaSetsid
    ? spawn('setsid', [path.join(bin, 'claude'), '600'], { stdio: 'ignore' })
    : spawn(path.join(bin, 'claude'), ['600'], { stdio: 'ignore' });
  children.push(child);
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, sig) => resolve(sig)));
  return { child, exited: Promise.race([exited, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 5000))]) };
}

function auditKill(fx: AgentFixture, pid: number | undefined) {
  return waitFor('the kill in the audit log', () =>
    fs
      .readFileSync(path.join(fx.stateDir, 'audit.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; pid?: number; outcome: string })
      .find((r) => r.event === 'kill' && r.pid === pid),
  );
}

const eventsHere = procConnectorUnavailable();

describe.skipIf(eventsHere !== null)('cordon run with exec events (Linux proc connector)', () => {
  const fx = makeAgentFixture({ processScope: scope, pollIntervalMs: 60_000 });
  let client: DaemonClient;
  afterAll(() => {
    client?.close();
    fx.cleanup();
  });

  it('says the proc connector is live, and kills a claude it hears of at exec (the poll period here is a minute)', async () => {
    fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(1));
    await fx.start();
    client = await DaemonClient.connect(fx.socketPath);
    const status = await waitFor('a status naming the live source', async () => {
      const s = await client.request('status');
      return s.agent?.processSource?.live === 'proc-connector' ? s : undefined;
    });
    expect(status.agent?.processSource).toEqual({ live: 'proc-connector', listEveryMs: 10_000, events: { source: 'proc-connector', live: true } });
    expect(status.agent?.warnings).toContain(`processScope is set: only processes of session ${scope.session} are acted on (testing only)`);
    const claude = startClaude(fx);
    expect(await claude.exited).toBe('SIGTERM');
    expect((await auditKill(fx, claude.child.pid)).outcome).toBe('ok');
  });

  it('never touches a claude outside its process scope', async () => {
    // Judged by this agent's own audit log: other agents on a shared machine may well kill the outsider.
    const outsider = startClaude(fx, true);
    await new Promise((r) => setTimeout(r, 3000));
    const lines = fs
      .readFileSync(path.join(fx.stateDir, 'audit.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { pid?: number });
    expect(outsider.child.pid).toBeGreaterThan(0);
    expect(lines.filter((l) => l.pid === outsider.child.pid)).toEqual([]);
  });
});

describe('cordon run with exec events turned off (polling alone)', () => {
  const fx = makeAgentFixture({ processScope: scope, processEvents: false, pollIntervalMs: 100 });
  let client: DaemonClient;
  afterAll(() => {
    client?.close();
    fx.cleanup();
  });

  it('says it polls and why, and still kills a claude', async () => {
    fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(1));
    await fx.start();
    client = await DaemonClient.connect(fx.socketPath);
    const status = await client.request('status');
    expect(status.agent?.processSource).toEqual({
      live: 'polling',
      listEveryMs: 100,
      events: { source: null, live: false, reason: 'turned off in the config (processEvents: false)' },
    });
    const claude = startClaude(fx);
    expect(await claude.exited).toBe('SIGTERM');
    expect((await auditKill(fx, claude.child.pid)).outcome).toBe('ok');
  });
});
