// The daemon's process source for real: with exec events and with events turned off, a claude is killed; status says which.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { procConnectorUnavailable } from '../../agent/adapters/processes/linux/procConnector.js';
import { DaemonClient } from '../../agent/client/daemonClient.js';
import { ENFORCE_NOW_POLICY, makeAgentFixture, waitFor, type AgentFixture } from '../support/agentFixture.js';
import { startSession, type TestSession } from '../support/session.js';

/** Only processes of this test's own session are acted on: a claude elsewhere on the machine is never touched. */
let session: TestSession;
beforeAll(async () => {
  session = await startSession();
});
afterAll(() => session?.close());
const outsiders: ChildProcess[] = [];
afterAll(() => {
  for (const c of outsiders) c.kill('SIGKILL');
});

function claudeIn(fx: AgentFixture): string {
  const bin = path.join(fx.dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  if (!fs.existsSync(path.join(bin, 'claude'))) fs.symlinkSync('/bin/sleep', path.join(bin, 'claude'));
  return path.join(bin, 'claude');
}

/** A claude in the test's session; `exited` says 'alive' if it still runs after 5 s. */
async function startClaude(fx: AgentFixture): Promise<{ pid: number; exited: Promise<NodeJS.Signals | null | 'alive'> }> {
  const claude = await session.launch([claudeIn(fx), '600']);
  return { pid: claude.pid, exited: Promise.race([claude.exited, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 5000))]) };
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
  let fx: AgentFixture;
  let client: DaemonClient;
  beforeAll(() => {
    fx = makeAgentFixture({ processScope: { session: session.id }, pollIntervalMs: 60_000 });
  });
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
    expect(status.agent?.warnings).toContain(`processScope is set: only processes of session ${session.id} are acted on (testing only)`);
    const claude = await startClaude(fx);
    expect(await claude.exited).toBe('SIGTERM');
    expect((await auditKill(fx, claude.pid)).outcome).toBe('ok');
  });

  it('never touches a claude outside its process scope', async () => {
    // Judged by this agent's own audit log: other agents on a shared machine may well kill the outsider.
    const outsider = spawn('setsid', [claudeIn(fx), '600'], { stdio: 'ignore' });
    outsiders.push(outsider);
    await new Promise((r) => setTimeout(r, 3000));
    const lines = fs
      .readFileSync(path.join(fx.stateDir, 'audit.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { pid?: number });
    expect(outsider.pid).toBeGreaterThan(0);
    expect(lines.filter((l) => l.pid === outsider.pid)).toEqual([]);
  });
});

describe('cordon run with exec events turned off (polling alone)', () => {
  let fx: AgentFixture;
  let client: DaemonClient;
  beforeAll(() => {
    fx = makeAgentFixture({ processScope: { session: session.id }, processEvents: false, pollIntervalMs: 100 });
  });
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
    const claude = await startClaude(fx);
    expect(await claude.exited).toBe('SIGTERM');
    expect((await auditKill(fx, claude.pid)).outcome).toBe('ok');
  });
});
