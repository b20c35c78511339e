// Proof that the agent sends nothing without `report`: a full cycle under strace opens no socket that can leave the
// machine (only Unix sockets, and the kernel's process-event netlink socket).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../agent/client/daemonClient.js';
import { ENFORCE_NOW_POLICY, makeAgentFixture, waitFor } from '../support/agentFixture.js';
import { cliEntry } from '../support/paths.js';

describe('without a report section', () => {
  const fx = makeAgentFixture();
  afterAll(() => fx.cleanup());

  it('opens no socket but Unix and netlink ones through policy load, detection, kill, quarantine, notification and IPC', async () => {
    fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(1));
    const trace = path.join(fx.dir, 'agent.trace');
    const agent = spawn('strace', ['-f', '-qq', '-e', 'trace=socket', '-o', trace, process.execPath, cliEntry, 'run', '--config', fx.configFile], {
      stdio: 'ignore',
    });
    try {
      await waitFor('the socket', () => fs.existsSync(fx.socketPath), 20_000);
      const client = await DaemonClient.connect(fx.socketPath);
      try {
        await client.request('subscribe');
        const bin = path.join(fx.dir, 'bin');
        fs.mkdirSync(bin);
        fs.symlinkSync('/bin/sleep', path.join(bin, 'claude'));
        const claude = spawn(path.join(bin, 'claude'), ['600'], { stdio: 'ignore' });
        const versions = path.join(fx.home, '.local', 'share', 'claude', 'versions');
        fs.mkdirSync(versions, { recursive: true });
        fs.copyFileSync('/bin/true', path.join(versions, '2.1.0'));
        await waitFor('the kill', () => claude.exitCode !== null || claude.signalCode !== null, 8000);
        await waitFor('the quarantine', () => !fs.existsSync(path.join(fx.home, '.local', 'share', 'claude')), 8000);
        const audit = fs.readFileSync(path.join(fx.stateDir, 'audit.jsonl'), 'utf8');
        expect(audit).toContain('"event":"notify"');
        expect((await client.request('status')).host).toBeTruthy();
      } finally {
        client.close();
      }
    } finally {
      // The agent is strace's child: stop it (strace then exits with it) rather than strace, which would detach.
      const children = fs.readFileSync(`/proc/${agent.pid}/task/${agent.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      for (const pid of children) process.kill(pid, 'SIGTERM');
      await new Promise((r) => agent.once('exit', r));
    }
    const calls = fs
      .readFileSync(trace, 'utf8')
      .split('\n')
      .filter((l) => l.includes('socket('));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((l) => !/socket\((AF_UNIX|AF_NETLINK),/.test(l))).toEqual([]);
  }, 60_000);
});
