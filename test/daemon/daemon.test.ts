// The daemon end to end: sockets, garbage, a real fake claude killed, a new install quarantined, policy reload, clean stop.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../agent/client/daemonClient.js';
import type { HelloChallenge, HelloIdentity } from '../../agent/common/ipc.js';
import type { Status } from '../../agent/common/model.js';
import { ENFORCE_NOW_POLICY, makeAgentFixture, waitFor, type AgentFixture } from '../support/agentFixture.js';
import { cliEntry } from '../support/paths.js';

function rawExchange(socketPath: string, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(socketPath);
    let data = '';
    s.on('data', (d) => {
      data += d.toString();
      if (data.includes('\n')) {
        s.destroy();
        resolve(data.split('\n')[0] as string);
      }
    });
    s.on('error', reject);
    s.on('connect', () => s.write(payload));
  });
}

describe('cordon run', () => {
  let fx: AgentFixture;
  let agent: Awaited<ReturnType<AgentFixture['start']>>;
  let client: DaemonClient;

  beforeAll(async () => {
    fx = makeAgentFixture();
    fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(1));
    agent = await fx.start();
    client = await DaemonClient.connect(fx.socketPath);
  });

  afterAll(() => {
    client?.close();
    fx?.cleanup();
  });

  it('answers status over the user socket with the signed policy in force', async () => {
    const status = await client.request('status');
    expect(status.compliance).toBe('compliant');
    expect(status.policies).toEqual([expect.objectContaining({ id: 'test-ban', version: 1, signedBy: 'test-it' })]);
    expect(JSON.parse(fs.readFileSync(path.join(fx.stateDir, 'status.json'), 'utf8')).policies[0].id).toBe('test-ban');
    expect(fs.statSync(path.join(fx.stateDir, 'status.json')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(fx.stateDir).mode & 0o777).toBe(0o700);
  });

  it('names its actors in the status, each running', async () => {
    const status = await client.request('status');
    expect(status.agent?.actors).toEqual(
      ['fleet-state', 'install-watcher', 'policy-watcher', 'process-source', 'clock-tick', 'start-hook-keeper', 'ipc-server'].map((name) => ({
        name,
        running: true,
      })),
    );
  });

  it('answers garbage with an error and keeps serving', async () => {
    expect(JSON.parse(await rawExchange(fx.socketPath, 'this is not json\n')).error.code).toBe('ipc-bad-request');
    expect(JSON.parse(await rawExchange(fx.socketPath, '{"id":7,"method":"format-disk"}\n'))).toEqual({
      id: 7,
      error: expect.objectContaining({ code: 'ipc-unknown-method' }),
    });
    expect(JSON.parse(await rawExchange(fx.socketPath, 'x'.repeat(70 * 1024))).error.code).toBe('ipc-too-large');
    expect(JSON.parse(await rawExchange(fx.socketPath, '{"id":8,"method":"restore","params":{"id":"q"}}\n')).error.code).toBe('forbidden');
    expect((await client.request('status')).host).toBeTruthy();
  });

  it('kills a claude started after the deadline but spares claudette', async () => {
    const bin = path.join(fx.dir, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.symlinkSync('/bin/sleep', path.join(bin, 'claude'));
    fs.symlinkSync('/bin/sleep', path.join(bin, 'claudette'));
    const lookalike = spawn(path.join(bin, 'claudette'), ['600'], { stdio: 'ignore' });
    const claude = spawn(path.join(bin, 'claude'), ['600'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => claude.on('exit', (_c, sig) => resolve(sig)));
    const signal = await Promise.race([exited, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 5000))]);
    expect(signal).toBe('SIGTERM');
    expect(lookalike.exitCode).toBeNull();
    lookalike.kill();
    const kill = await waitFor('the kill in the audit log', () =>
      fs
        .readFileSync(path.join(fx.stateDir, 'audit.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { event: string; pid?: number; outcome: string })
        .find((r) => r.event === 'kill' && r.pid === claude.pid),
    );
    expect(kill.outcome).toBe('ok');
  });

  it('quarantines a new native install within a second or two', async () => {
    const versions = path.join(fx.home, '.local', 'share', 'claude', 'versions');
    fs.mkdirSync(versions, { recursive: true });
    fs.copyFileSync('/bin/true', path.join(versions, '2.1.0'));
    const installed = path.join(fx.home, '.local', 'share', 'claude');
    await waitFor('the install to be quarantined', () => !fs.existsSync(installed), 4000);
    const admin = await DaemonClient.connect(fx.socketPath.replace('cordon.sock', 'cordon-admin.sock'));
    try {
      const item = await waitFor('the quarantine item', async () => {
        const { items } = await admin.request('quarantine-list');
        return items.find((i) => i.originalPath === installed);
      });
      expect(item).toMatchObject({ tool: 'claude-code', files: 1 });
    } finally {
      admin.close();
    }
  });

  it('reloads a changed policy and pushes the new status to subscribers', async () => {
    const pushed: Status[] = [];
    await client.subscribe((s) => pushed.push(s));
    fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(2, 'report'));
    await waitFor('version 2 in force', () => pushed.some((s) => s.policies[0]?.version === 2), 5000);
  });

  it('keeps the last good policy when a tampered one arrives', async () => {
    fs.appendFileSync(path.join(fx.policyDir, 'test-ban.yaml'), '# tampered\n');
    const status = await waitFor('the rejection to show', async () => {
      const s = await client.request('status');
      return s.policyErrors.length > 0 ? s : undefined;
    });
    expect(status.policies[0]).toMatchObject({ id: 'test-ban', version: 2 });
  });

  it('lets the command line act through it while it runs: reload, enforce and the quarantine list', () => {
    const cordon = (...args: string[]) => spawnSync(process.execPath, [cliEntry, ...args, '--json', '--config', fx.configFile], { encoding: 'utf8' });
    const reloaded = JSON.parse(cordon('policy', 'reload').stdout) as Status;
    expect(reloaded.policies[0]).toMatchObject({ id: 'test-ban', version: 2, lastKnownGood: true });
    expect(reloaded.agent?.pid).toBe(agent.pid);
    const enforced = JSON.parse(cordon('enforce').stdout) as Status;
    expect(enforced.agent?.pid).toBe(agent.pid);
    const listed = JSON.parse(cordon('quarantine', 'list').stdout) as { items: Array<{ originalPath: string }> };
    expect(listed.items.map((i) => i.originalPath)).toContain(path.join(fx.home, '.local', 'share', 'claude'));
  });

  it('stops cleanly on SIGTERM', async () => {
    const code = new Promise<number | null>((resolve) => agent.on('exit', (c) => resolve(c)));
    agent.kill('SIGTERM');
    expect(await code).toBe(0);
    expect(fs.existsSync(fx.socketPath)).toBe(false);
  });
});

describe('remediation over the user socket', () => {
  let fx: AgentFixture;

  beforeAll(async () => {
    fx = makeAgentFixture();
    fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(1, 'report, notify'));
    await fx.start();
  });

  afterAll(() => fx?.cleanup());

  /** The finding's id as root sees it: a client that has not proved who it is sees no one's findings. */
  async function installFinding(): Promise<string> {
    const bin = path.join(fx.home, '.local', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.copyFileSync('/bin/true', path.join(bin, 'claude'));
    const admin = await DaemonClient.connect(fx.socketPath.replace('cordon.sock', 'cordon-admin.sock'));
    try {
      const status = await waitFor('the install finding', async () => {
        const s = await admin.request('status');
        return s.findings.some((f) => f.path?.endsWith('/.local/bin/claude')) ? s : undefined;
      });
      return status.findings.find((f) => f.path?.endsWith('/.local/bin/claude'))!.id;
    } finally {
      admin.close();
    }
  }

  it('refuses to act for a client that has not proved who it is', async () => {
    const client = await DaemonClient.connect(fx.socketPath);
    try {
      const id = await installFinding();
      await expect(client.request('remediate', { finding: id })).rejects.toMatchObject({ code: 'forbidden' });
    } finally {
      client.close();
    }
  });

  it("refuses another user's finding: the proof file says who is asking", async () => {
    const client = await DaemonClient.connect(fx.socketPath);
    try {
      const id = await installFinding();
      const { nonce, proofDir } = (await client.request('hello')) as HelloChallenge;
      const proof = path.join(proofDir, nonce);
      fs.writeFileSync(proof, nonce);
      fs.chownSync(proof, 65534, 65534);
      const who = (await client.request('hello', { nonce })) as HelloIdentity;
      expect(who.uid).toBe(65534);
      await expect(client.request('remediate', { finding: id })).rejects.toMatchObject({ code: 'forbidden' });
      expect(fs.existsSync(path.join(fx.home, '.local', 'bin', 'claude'))).toBe(true);
    } finally {
      client.close();
    }
  });

  it("quarantines the owner's own finding at once, before any deadline asks for it", async () => {
    const client = await DaemonClient.connect(fx.socketPath);
    try {
      const id = await installFinding();
      await client.hello();
      const { finding } = await client.request('remediate', { finding: id });
      expect(finding.state).toBe('remediated');
      expect(fs.existsSync(path.join(fx.home, '.local', 'bin', 'claude'))).toBe(false);
      const history = await client.request('history');
      expect(history.map((h) => h.event)).toEqual(expect.arrayContaining(['quarantine', 'remediation-requested']));
    } finally {
      client.close();
    }
  });
});
