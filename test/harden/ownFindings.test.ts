// Each user sees only their own findings and history: over the user socket the status and history are cut to the
// caller's proven identity; the admin socket sees all, and status.json is readable by root alone.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../agent/client/daemonClient.js';
import { ENFORCE_NOW_POLICY, makeAgentFixture, waitFor, type AgentFixture } from '../support/agentFixture.js';
import { repoRoot } from '../support/paths.js';
import { createThrowawayUser, openPathTo, type ThrowawayUser } from '../support/throwawayUser.js';

const attacker = path.join(repoRoot, 'test', 'support', 'ipcAttacker.mjs');

interface View {
  findings: (string | null)[];
  inventory: (string | null)[];
  history: (string | null)[];
  unproven: (string | null)[];
}

describe('two users on one machine', () => {
  let fx: AgentFixture;
  let alice: ThrowawayUser;
  let bob: ThrowawayUser;
  let closePaths: Array<() => void>;
  let root: DaemonClient;

  beforeAll(async () => {
    fx = makeAgentFixture();
    const bobHome = path.join(path.dirname(fx.home), 'bob');
    fs.mkdirSync(bobHome, { recursive: true });
    const config = JSON.parse(fs.readFileSync(fx.configFile, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(fx.configFile, JSON.stringify({ ...config, homes: [fx.home, bobHome] }));
    closePaths = [openPathTo(fx.home), openPathTo(bobHome)];
    alice = createThrowawayUser(fx.home);
    bob = createThrowawayUser(bobHome);
    // Reported only: both installs stay, so both users have a finding.
    fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(1, 'report'));
    for (const u of [alice, bob]) u.run('sh', ['-c', `mkdir -p ${u.home}/.local/bin && cp /bin/true ${u.home}/.local/bin/claude`]);
    await fx.start();
    root = await DaemonClient.connect(fx.socketPath.replace('cordon.sock', 'cordon-admin.sock'));
    await waitFor('both findings', async () => new Set((await root.request('status')).findings.map((f) => f.user)).size === 2, 10_000);
  }, 30_000);

  afterAll(() => {
    root?.close();
    alice?.remove();
    bob?.remove();
    for (const close of closePaths ?? []) close();
    fx?.cleanup();
  });

  const viewOf = (u: ThrowawayUser): View => JSON.parse(u.run(process.execPath, [attacker, fx.socketPath, 'my-view']).stdout) as View;

  it('11: a user sees their own findings, inventory and history, not the other user’s; root sees both', async () => {
    await waitFor('both detections in the history', async () => new Set((await root.request('history', { limit: 1000 })).map((e) => e.user)).size >= 2);
    const a = viewOf(alice);
    const b = viewOf(bob);
    expect(a.findings).toEqual([alice.name]);
    expect(a.inventory).toEqual([alice.name]);
    expect(a.history.filter((u) => u !== null)).toEqual([alice.name]);
    expect(b.findings).toEqual([bob.name]);
    expect(b.history.filter((u) => u !== null)).toEqual([bob.name]);
    // Without a proof of who is asking, no one's findings.
    expect(a.unproven).toEqual([]);
    const all = await root.request('status');
    expect(new Set(all.findings.map((f) => f.user))).toEqual(new Set([alice.name, bob.name]));
  });

  it('11: status.json, which holds every user’s findings, is readable by root alone', () => {
    const file = path.join(fx.stateDir, 'status.json');
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    expect(alice.run('cat', [file]).status).not.toBe(0);
  });
});
