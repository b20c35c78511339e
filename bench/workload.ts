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
  private constructor(private readonly shell: ChildProcess) {}

  static async start(count: number): Promise<IdleCrowd> {
    const shell = spawn('/bin/sh', ['-c', `i=0; while [ $i -lt ${count} ]; do sleep 3600 & i=$((i+1)); done; wait`], {
      stdio: 'ignore',
      detached: true,
    });
    const crowd = new IdleCrowd(shell);
    // Counted as the shell's children: the host's own processes come and go meanwhile.
    const deadline = Date.now() + 120_000;
    while (crowd.members() < count) {
      if (Date.now() > deadline) throw new Error(`only ${crowd.members()} of ${count} idle processes started`);
      await sleepMs(50);
    }
    return crowd;
  }

  private members(): number {
    try {
      return fs
        .readFileSync(`/proc/${this.shell.pid}/task/${this.shell.pid}/children`, 'utf8')
        .split(' ')
        .filter((t) => /^\d+$/.test(t)).length;
    } catch {
      return 0;
    }
  }

  async stop(): Promise<void> {
    if (this.shell.pid !== undefined) process.kill(-this.shell.pid, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    while (this.shell.exitCode === null && this.shell.signalCode === null && Date.now() < deadline) await sleepMs(50);
    // The sleeps die with their group; give the kernel a moment to reap them before the next window.
    await sleepMs(500);
  }
}

/**
 * A high rate of short-lived processes (`/bin/true`), started by shell loops in batches every 50 ms (one `sleep` among
 * them), so the bench's own node process is not the bottleneck. Each loop appends a line per batch to a tally file
 * (echo is a builtin: no process); while the rate reached is short of the target, another loop is added. The loops
 * run in sessions of their own: the agents are told to ignore them.
 */
export class ShellChurn {
  private readonly shells: ChildProcess[] = [];
  private readonly batch: number;
  private readonly startedMs = hrMs();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly perSecond: number,
    private readonly tally: string,
  ) {
    this.batch = Math.max(1, Math.round(perSecond / 20) - 1);
    fs.writeFileSync(tally, '');
    this.addLoop();
    let last = { at: hrMs(), count: 0 };
    this.timer = setInterval(() => {
      const now = { at: hrMs(), count: this.started() };
      const rate = ((now.count - last.count) * 1000) / (now.at - last.at);
      last = now;
      if (rate < 0.95 * this.perSecond && this.shells.length < 8) this.addLoop();
    }, 1000);
  }

  private addLoop(): void {
    const loop = `while :; do i=0; while [ $i -lt ${this.batch} ]; do /bin/true & i=$((i+1)); done; sleep 0.05; wait; echo >> '${this.tally}'; done`;
    this.shells.push(spawn('/bin/sh', ['-c', loop], { stdio: 'ignore', detached: true }));
  }

  private started(): number {
    return fs.readFileSync(this.tally, 'utf8').length * (this.batch + 1);
  }

  /** Stops it and returns the rate it reached over its whole run (processes per second, the `sleep`s included). */
  stop(): number {
    clearInterval(this.timer);
    for (const shell of this.shells) {
      try {
        if (shell.pid !== undefined) process.kill(-shell.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    return this.started() / ((hrMs() - this.startedMs) / 1000);
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
