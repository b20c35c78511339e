// An unprivileged local account for attack tests: created with useradd, used through setpriv, removed afterwards
// together with every process the test started as it.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface ThrowawayUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** Runs a command as the user and waits for it. */
  run(cmd: string, args: string[], opts?: { input?: string; timeoutMs?: number }): SpawnSyncReturns<string>;
  /** Starts a command as the user in its own process group (`stdout: true` pipes its output); `remove` ends the group. */
  start(cmd: string, args: string[], opts?: { stdout?: boolean }): ChildProcess;
  /** Makes `dir` and its contents the user's. */
  own(dir: string): void;
  remove(): void;
}

function asUser(uid: number, gid: number, cmd: string, args: string[]): [string, string[]] {
  return ['setpriv', ['--reuid', String(uid), '--regid', String(gid), '--clear-groups', '--', cmd, ...args]];
}

/** Creates `<prefix><random>` (cdh… by default) with `home` as its home folder (created if missing and given to the user). */
export function createThrowawayUser(home: string, prefix = 'cdh'): ThrowawayUser {
  const name = `${prefix}${crypto.randomBytes(3).toString('hex')}`;
  fs.mkdirSync(home, { recursive: true });
  const made = spawnSync('useradd', ['--no-create-home', '--home-dir', home, '--shell', '/bin/bash', name], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`useradd ${name}: ${made.stderr}`);
  const uid = Number(spawnSync('id', ['-u', name], { encoding: 'utf8' }).stdout);
  const gid = Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout);
  const children: ChildProcess[] = [];
  const user: ThrowawayUser = {
    name,
    uid,
    gid,
    home,
    run(cmd, args, opts = {}) {
      const [c, a] = asUser(uid, gid, cmd, args);
      return spawnSync(c, a, {
        encoding: 'utf8',
        cwd: home,
        input: opts.input,
        timeout: opts.timeoutMs ?? 30_000,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
      });
    },
    start(cmd, args, opts = {}) {
      const [c, a] = asUser(uid, gid, cmd, args);
      const child = spawn(c, a, {
        cwd: home,
        detached: true,
        stdio: ['ignore', opts.stdout ? 'pipe' : 'ignore', 'ignore'],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
      });
      children.push(child);
      return child;
    },
    own(dir) {
      spawnSync('chown', ['-R', `${uid}:${gid}`, dir]);
    },
    remove() {
      for (const child of children) {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      spawnSync('userdel', [name]);
    },
  };
  user.own(home);
  return user;
}

/** Opens `dir` and every folder above it to others (traverse only), returning a function that closes them again. */
export function openPathTo(dir: string): () => void {
  const changed: [string, number][] = [];
  for (let d = path.resolve(dir); d !== path.dirname(d); d = path.dirname(d)) {
    const mode = fs.statSync(d).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      changed.push([d, mode]);
      fs.chmodSync(d, mode | 0o005);
    }
  }
  return () => {
    for (const [d, mode] of changed) if (fs.existsSync(d)) fs.chmodSync(d, mode);
  };
}
