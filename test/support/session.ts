// A session of its own for a test: programs started through it share a session id no other process on the machine has.
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { sessionOf } from '../../agent/adapters/processes/scope.js';

export interface Launched {
  pid: number;
  /** The signal that ended it, or null when it exited by itself. */
  exited: Promise<NodeJS.Signals | null>;
}

export interface TestSession {
  /** The session id, for an agent's `processScope`. */
  id: number;
  launch(argv: string[]): Promise<Launched>;
  close(): void;
}

/** Starts the launcher under setsid. A test process may itself be in session 0 (a container's), which no scope can name. */
export async function startSession(): Promise<TestSession> {
  const child = spawn('setsid', [process.execPath, path.join(import.meta.dirname, 'sessionLauncher.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting: ((m: { pid?: number; error?: string }) => void)[] = [];
  const exits = new Map<number, (signal: NodeJS.Signals | null) => void>();
  /** Exits reported before the test waits for them: a fast agent kills a program within the tick that reports its start. */
  const ended = new Map<number, NodeJS.Signals | null>();
  const live = new Set<number>();
  let ready: (pid: number) => void = () => undefined;
  const readyPid = new Promise<number>((r) => (ready = r));
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const m = JSON.parse(line) as { ready?: number; pid?: number; error?: string; code?: number | null; signal?: NodeJS.Signals | null };
    if (m.ready !== undefined) ready(m.ready);
    else if (m.signal !== undefined && m.pid !== undefined) {
      live.delete(m.pid);
      const waiter = exits.get(m.pid);
      if (waiter) waiter(m.signal);
      else ended.set(m.pid, m.signal);
    } else waiting.shift()?.(m);
  });
  const pid = await readyPid;
  const id = sessionOf(pid);
  if (id === null || id === 0 || id !== pid) throw new Error(`the launcher is not a session leader (pid ${pid}, session ${id})`);
  return {
    id,
    async launch(argv) {
      const started = await new Promise<{ pid?: number; error?: string }>((r) => {
        waiting.push(r);
        child.stdin.write(`${JSON.stringify(argv)}\n`);
      });
      if (started.pid === undefined) throw new Error(`cannot start ${argv[0]}: ${started.error}`);
      const launchedPid = started.pid;
      if (ended.has(launchedPid)) return { pid: launchedPid, exited: Promise.resolve(ended.get(launchedPid) ?? null) };
      live.add(launchedPid);
      return { pid: launchedPid, exited: new Promise((r) => exits.set(launchedPid, r)) };
    },
    /** Ends the launcher and kills what it started that still runs. */
    close() {
      for (const p of live) process.kill(p, 'SIGKILL');
      child.stdin.end();
    },
  };
}
