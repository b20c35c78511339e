// Signals on POSIX systems (Linux, macOS): a terminate is SIGTERM, a kill SIGKILL, and the audit names the signal sent.
import type { ProcessKiller } from '../../ports/index.js';

/** Sends SIGTERM or SIGKILL to one pid; ESRCH and EPERM reach the caller as thrown by process.kill. */
export function posixStop(pid: number, how: 'terminate' | 'kill'): Promise<string> {
  const sig = how === 'terminate' ? 'SIGTERM' : 'SIGKILL';
  process.kill(pid, sig);
  return Promise.resolve(sig);
}

/** Whether a pid exists at all (a zombie still answers signal 0). */
export function answersSignals(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const posixStopping: Pick<ProcessKiller, 'graceful' | 'stop'> = { graceful: true, stop: posixStop };
