// A long-lived helper process that prints one JSON event per line (macOS eslogger, the Windows WMI helper), kept running.
import { spawn, type ChildProcess } from 'node:child_process';
import type { ProcessInfo } from '../../common/model.js';
import type { EventSourceState, ProcessEventHandlers, ProcessEventSource } from '../../ports/index.js';

export type HelperRecord = { kind: 'ready' } | { kind: 'exec'; proc: ProcessInfo } | { kind: 'exit'; pid: number };

export interface HelperSpec {
  name: string;
  command: string;
  args: string[];
  /** One stdout line to a record; null for lines that carry nothing for us (other events, garbage). */
  parse(line: string): HelperRecord | null;
  /**
   * A helper that announces itself prints a `ready` record; one that does not (eslogger) counts as live once it has
   * run this long without exiting (it exits at once when it is denied).
   */
  readyAfterMs?: number;
  /** Waits before each restart after the helper died; when they are used up without a live helper, the source is down. */
  restartDelaysMs?: number[];
  /** How long a helper may take to become ready. */
  startTimeoutMs?: number;
}

/** A line longer than this (an exec with a huge environment) is dropped, not buffered without bound. */
const MAX_LINE = 1024 * 1024;
const STDERR_KEEP = 400;

export function createHelperEventSource(spec: HelperSpec): ProcessEventSource {
  const delays = spec.restartDelaysMs ?? [1_000, 5_000, 30_000];
  let child: ChildProcess | null = null;
  let handlers: ProcessEventHandlers | null = null;
  let stopped = false;
  let restartTimer: NodeJS.Timeout | null = null;

  /** Runs one helper; `onReady` once it is live, `onEnd` with a reason when it exits or cannot start. */
  function run(onReady: () => void, onEnd: (reason: string, wasReady: boolean) => void): void {
    let ready = false;
    let ended = false;
    let stderr = '';
    let pending = '';
    const proc = spawn(spec.command, spec.args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    child = proc;
    const becomeReady = () => {
      if (ready || ended) return;
      ready = true;
      clearTimeout(startTimer);
      onReady();
    };
    const end = (reason: string) => {
      if (ended) return;
      ended = true;
      clearTimeout(startTimer);
      clearTimeout(settleTimer);
      if (child === proc) child = null;
      onEnd(stderr.trim() ? `${reason}: ${stderr.trim()}` : reason, ready);
    };
    const startTimer = setTimeout(() => {
      end(`${spec.name} did not become ready`);
      proc.kill('SIGKILL');
    }, spec.startTimeoutMs ?? 15_000);
    const settleTimer = spec.readyAfterMs === undefined ? undefined : setTimeout(becomeReady, spec.readyAfterMs);
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).replace(/\r$/, '');
        pending = pending.slice(nl + 1);
        deliver(line);
      }
      if (pending.length > MAX_LINE) pending = '';
    });
    const deliver = (line: string) => {
      if (line.length > MAX_LINE || line.trim() === '') return;
      const rec = spec.parse(line);
      if (!rec) return;
      if (rec.kind === 'ready') becomeReady();
      else if (rec.kind === 'exec') handlers?.exec(rec.proc);
      else handlers?.exit(rec.pid);
    };
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });
    proc.on('error', (err: NodeJS.ErrnoException) => end(err.code === 'ENOENT' ? `${spec.command} not found` : `${spec.name}: ${err.message}`));
    proc.on('exit', (code, signal) => {
      // Its last words may still be in the pipe: end once stderr is read ('close'), or shortly after if a child holds it.
      const reason = `${spec.name} exited (${signal ?? `code ${code}`})`;
      const late = setTimeout(() => end(reason), 500);
      proc.once('close', () => {
        clearTimeout(late);
        end(reason);
      });
    });
  }

  /** After a death: restart with the next delay; down when every restart failed before becoming ready. */
  function restart(attempt: number, reason: string): void {
    const delay = delays[attempt];
    if (delay === undefined || stopped) {
      if (!stopped) handlers?.down(`${reason}; gave up after ${attempt} restarts`);
      return;
    }
    restartTimer = setTimeout(() => {
      restartTimer = null;
      if (stopped) return;
      run(
        () => handlers?.gap(`${spec.name} restarted after: ${reason}`),
        (why, wasReady) => {
          if (wasReady) handlers?.gap(`${why}; restarting`);
          restart(wasReady ? 0 : attempt + 1, why);
        },
      );
    }, delay);
  }

  return {
    name: spec.name,
    start(h) {
      handlers = h;
      stopped = false;
      return new Promise<EventSourceState>((resolve) => {
        run(
          () => resolve({ live: true }),
          (reason, wasReady) => {
            if (!wasReady) {
              resolve({ live: false, reason });
              return;
            }
            handlers?.gap(`${reason}; restarting`);
            restart(0, reason);
          },
        );
      });
    },
    stop() {
      stopped = true;
      handlers = null;
      if (restartTimer) clearTimeout(restartTimer);
      child?.kill('SIGTERM');
      child = null;
    },
  };
}
