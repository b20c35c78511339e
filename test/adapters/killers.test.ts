// Each OS's killer: the Windows one reads the identity the Windows sources record and ends the process tree; the macOS
// one takes a zombie for dead; the enforcer records what was really sent. Windows and macOS hosts run their own cases.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeProcessKiller, psProcessKiller } from '../../agent/adapters/killer.js';
import { parsePsState } from '../../agent/adapters/processes/darwin/killer.js';
import { WINDOWS_TREE_KILL, createWin32ProcessKiller, type RunResult } from '../../agent/adapters/processes/win32/killer.js';
import { createWin32ProcessSource, parseWin32Snapshot } from '../../agent/adapters/processes/win32/wmi.js';
import type { ProcessKiller } from '../../agent/ports/index.js';
import { killProcess, type EnforcerDeps } from '../../agent/daemon/enforcer.js';

const fixtures = path.join(__dirname, '..', 'fixtures');
const winKill = JSON.parse(fs.readFileSync(path.join(fixtures, 'platforms', 'win32-kill.json'), 'utf8')) as {
  identity: Record<'live' | 'gone' | 'system', string>;
  taskkill: Record<'tree' | 'notFound' | 'denied' | 'childDenied', RunResult>;
};
const psStates = JSON.parse(fs.readFileSync(path.join(fixtures, 'platforms', 'darwin-ps-state.json'), 'utf8')) as {
  outputs: { text: string; state: string | null }[];
};
const snapshot = JSON.parse(fs.readFileSync(path.join(fixtures, 'process-events', 'win32-process-snapshot.json'), 'utf8')) as { output: unknown[] };

function deps(killer: ProcessKiller, audit: string[] = []): EnforcerDeps {
  return {
    killer,
    quarantine: { quarantine: () => Promise.reject(new Error('no install here')) },
    notifier: { notify: () => Promise.resolve({ via: 'agent' as const }) },
    audit: { write: (r) => void audit.push(String(r.detail)) },
    lang: 'en',
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    graceMs: 2000,
  };
}

/** A Windows host as its programs answer: WMI prints the identity record, taskkill answers as recorded, and the pid
 * stops answering once taskkill said it ended it. */
function windowsHost(identity: string, taskkill: RunResult, aliveAfter = false) {
  const calls: string[][] = [];
  let ended = false;
  const killer = createWin32ProcessKiller({
    powershell: 'powershell.exe',
    taskkill: 'taskkill.exe',
    run: async (file, args) => {
      calls.push([file, ...args]);
      if (file === 'powershell.exe') return { code: 0, stdout: ended ? winKill.identity.gone : identity, stderr: '' };
      ended = taskkill.code !== 1 && !aliveAfter;
      return taskkill;
    },
    alive: () => !ended,
  });
  return { killer, calls };
}

describe('the Windows killer', () => {
  const listed = parseWin32Snapshot(JSON.stringify(snapshot.output)).find((p) => p.pid === 9120);

  it('reads the same start marker the Windows process source recorded, so a found claude is stopped, not taken for gone', async () => {
    const { killer, calls } = windowsHost(winKill.identity.live, winKill.taskkill.tree);
    expect(await killer.identity(9120)).toBe(listed?.startTime);
    const audit: string[] = [];
    const r = await killProcess(deps(killer, audit), { kind: 'process', pid: 9120, startTime: listed?.startTime as string });
    expect(r).toEqual({ ok: true, outcome: `stopped (${WINDOWS_TREE_KILL})` });
    expect(calls.filter((c) => c[0] === 'taskkill.exe')).toEqual([['taskkill.exe', '/PID', '9120', '/T', '/F']]);
  });

  it('ends the tree at once and never claims a SIGTERM: Windows has no request a process can handle', async () => {
    const { killer } = windowsHost(winKill.identity.live, winKill.taskkill.tree);
    expect(killer.graceful).toBe(false);
    const r = await killProcess(deps(killer), { kind: 'process', pid: 9120, startTime: listed?.startTime as string });
    expect(r.outcome).not.toMatch(/SIG/);
    expect(r.outcome).toContain('taskkill /T /F');
  });

  it('leaves alone a pid that now belongs to another process (another CreationDate)', async () => {
    const { killer, calls } = windowsHost(winKill.identity.live, winKill.taskkill.tree);
    const r = await killProcess(deps(killer), { kind: 'process', pid: 9120, startTime: '2026-11-30T08:00:00.0000000Z' });
    expect(r.outcome).toBe('the process had already exited');
    expect(calls.some((c) => c[0] === 'taskkill.exe')).toBe(false);
  });

  it('takes a pid WMI no longer lists, and taskkill exit 128, for a process that already exited', async () => {
    expect(await windowsHost(winKill.identity.gone, winKill.taskkill.tree).killer.identity(9120)).toBeNull();
    const { killer } = windowsHost(winKill.identity.live, winKill.taskkill.notFound);
    const r = await killProcess(deps(killer), { kind: 'process', pid: 9120, startTime: listed?.startTime as string });
    expect(r).toEqual({ ok: true, outcome: 'the process had already exited' });
  });

  it('reports access denied as a failure that names the account the agent needs', async () => {
    const { killer } = windowsHost(winKill.identity.live, winKill.taskkill.denied);
    const r = await killProcess(deps(killer), { kind: 'process', pid: 9120, startTime: listed?.startTime as string });
    expect(r.ok).toBe(false);
    expect(r.outcome).toContain('SYSTEM');
  });

  it('counts the process stopped when only a child resisted, and says so', async () => {
    const { killer } = windowsHost(winKill.identity.live, winKill.taskkill.childDenied);
    const r = await killProcess(deps(killer), { kind: 'process', pid: 9120, startTime: listed?.startTime as string });
    expect(r.ok).toBe(true);
    expect(r.outcome).toContain('some child processes were not ended');
  });

  it('a process without a CreationDate (System) has an empty marker, and a bad pid is never put into a script', async () => {
    expect(await windowsHost(winKill.identity.system, winKill.taskkill.tree).killer.identity(4)).toBe('');
    await expect(windowsHost(winKill.identity.live, winKill.taskkill.tree).killer.identity(-1)).rejects.toMatchObject({ code: 'ESRCH' });
  });
});

describe('the macOS killer', () => {
  it.each(psStates.outputs)('reads the state of `ps -o stat=` output %j', ({ text, state }) => {
    expect(parsePsState(text)).toBe(state);
  });
});

describe.skipIf(process.platform === 'win32')('a zombie is dead to the ps killer (run for real with this machine’s ps)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-zombie-'));
  const parents: ChildProcess[] = [];
  afterAll(() => {
    for (const p of parents) p.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A claude whose parent never reaps it: once stopped, it stays a zombie until the parent ends. */
  async function claudeUnderCarelessParent(): Promise<number> {
    fs.symlinkSync('/bin/sleep', path.join(dir, 'claude'));
    const parent = spawn('/bin/sh', ['-c', `'${path.join(dir, 'claude')}' 300 & echo $!; exec /bin/sleep 300`], { stdio: ['ignore', 'pipe', 'ignore'] });
    parents.push(parent);
    const line = await new Promise<string>((resolve) => parent.stdout.once('data', (b: Buffer) => resolve(b.toString())));
    return Number(line.trim());
  }

  it('stops a claude whose parent does not reap it and reports it stopped, not "did not exit"', async () => {
    const pid = await claudeUnderCarelessParent();
    const startTime = await psProcessKiller.identity(pid);
    expect(startTime).toBeTruthy();
    const audit: string[] = [];
    const r = await killProcess(deps(psProcessKiller, audit), { kind: 'process', pid, startTime: startTime as string });
    expect(r).toEqual({ ok: true, outcome: 'stopped (SIGTERM)' });
    // Still there as a zombie: signal 0 reaches it, which is why the killer asks ps.
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(await psProcessKiller.alive(pid)).toBe(false);
  });
});

describe.skipIf(process.platform !== 'win32')('on a real Windows host', () => {
  it('finds a running process with the Windows source and ends it with its child through the Windows killer', async () => {
    const parent = spawn(
      'powershell.exe',
      ['-NoProfile', '-Command', 'Start-Process -NoNewWindow ping -ArgumentList "-n","300","127.0.0.1"; Start-Sleep 300'],
      {
        stdio: 'ignore',
      },
    );
    await new Promise((r) => setTimeout(r, 3000));
    const procs = await createWin32ProcessSource().list();
    const self = procs.find((p) => p.pid === parent.pid);
    const child = procs.find((p) => p.ppid === parent.pid && p.comm.toLowerCase() === 'ping.exe');
    expect(self?.startTime).toBeTruthy();
    expect(await nodeProcessKiller.identity(parent.pid as number)).toBe(self?.startTime);
    const r = await killProcess(deps(nodeProcessKiller), { kind: 'process', pid: parent.pid as number, startTime: self?.startTime as string });
    expect(r.outcome).toBe(`stopped (${WINDOWS_TREE_KILL})`);
    expect(child && (await nodeProcessKiller.alive(child.pid))).toBe(false);
  }, 60_000);
});
