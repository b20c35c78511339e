// What the benchmark does to the machine: fake claude processes, fake installs, crowds of idle processes and churn.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FakeMachine } from './agents.js';

export function hrMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface FakeClaude {
  pid: number;
  /** Wall-clock ms just before the spawn (compared with audit times). */
  startedWallMs: number;
  startedHrMs: number;
  /** Resolves with the monotonic time of the child's exit. */
  exited: Promise<number>;
  child: ChildProcess;
}

export function spawnFakeClaude(m: FakeMachine): FakeClaude {
  const startedWallMs = Date.now();
  const startedHrMs = hrMs();
  const child = spawn(m.fakeClaude, ['600'], { stdio: 'ignore' });
  const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(hrMs())));
  if (child.pid === undefined) throw new Error(`could not spawn ${m.fakeClaude}`);
  return { pid: child.pid, startedWallMs, startedHrMs, exited, child };
}

export interface InstallPaths {
  versionFile: string;
  link: string;
}

/** The native installer's layout: ~/.local/share/claude/versions/<v> and ~/.local/bin/claude pointing at it. */
export function createInstall(m: FakeMachine, version: string): InstallPaths {
  const versions = path.join(m.home, '.local/share/claude/versions');
  fs.mkdirSync(versions, { recursive: true });
  const versionFile = path.join(versions, version);
  fs.copyFileSync('/bin/true', versionFile);
  fs.chmodSync(versionFile, 0o755);
  const link = path.join(m.home, '.local/bin/claude');
  fs.symlinkSync(versionFile, link);
  return { versionFile, link };
}

export function removeInstall(m: FakeMachine): void {
  fs.rmSync(path.join(m.home, '.local/share/claude'), { recursive: true, force: true });
  fs.rmSync(path.join(m.home, '.local/bin/claude'), { force: true });
}

export function countProcesses(): number {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
}

/** A crowd of idle `sleep` processes, started by one shell (much faster than one spawn each) and ended as a group. */
export class IdleCrowd {
  private constructor(
    private readonly shell: ChildProcess,
    private readonly count: number,
  ) {}

  static async start(count: number): Promise<IdleCrowd> {
    const before = countProcesses();
    const shell = spawn('/bin/sh', ['-c', `i=0; while [ $i -lt ${count} ]; do sleep 3600 & i=$((i+1)); done; wait`], {
      stdio: 'ignore',
      detached: true,
    });
    const crowd = new IdleCrowd(shell, count);
    const deadline = Date.now() + 120_000;
    while (countProcesses() < before + count) {
      if (Date.now() > deadline) throw new Error(`only ${countProcesses() - before} of ${count} idle processes started`);
      await sleepMs(50);
    }
    return crowd;
  }

  async stop(): Promise<void> {
    const before = countProcesses();
    if (this.shell.pid !== undefined) process.kill(-this.shell.pid, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    while (countProcesses() > before - this.count && Date.now() < deadline) await sleepMs(50);
  }
}

/** Short-lived processes (`/bin/true`) started at a fixed rate, like a busy developer machine. */
export class Churn {
  private timer: NodeJS.Timeout;
  spawned = 0;

  constructor(perSecond: number) {
    this.timer = setInterval(() => {
      spawn('/bin/true', { stdio: 'ignore' }).on('error', () => undefined);
      this.spawned++;
    }, 1000 / perSecond);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
