// The killer on Windows: the identity check reads Win32_Process.CreationDate exactly as the Windows process sources
// record it, and a stop ends the process with its child processes through taskkill /T /F (TerminateProcess: Windows has
// no request a console program can handle, so there is no graceful step and the audit does not pretend to send SIGTERM).
import { execFile } from 'node:child_process';
import type { ProcessKiller } from '../../../ports/index.js';
import { answersSignals } from '../posixKill.js';
import { POWERSHELL, encodedCommand, identityScript, parseWin32Identity } from './wmi.js';

export interface RunResult {
  /** Exit code; null when the program could not be started or was stopped by the time limit. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export type Runner = (file: string, args: readonly string[]) => Promise<RunResult>;

const RUN_TIMEOUT_MS = 30_000;

/** What the audit records for a stop on Windows. */
export const WINDOWS_TREE_KILL = 'TerminateProcess on the process and its child processes (taskkill /T /F)';

/** taskkill's exit code when no process has the pid ("ERROR: The process "N" not found."). */
const TASKKILL_NOT_FOUND = 128;

export const runProgram: Runner = (file, args) =>
  new Promise((resolve) => {
    execFile(file, [...args], { timeout: RUN_TIMEOUT_MS, windowsHide: true, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout: String(stdout), stderr: String(stderr || (err && code === null ? err.message : '')) });
    });
  });

function errno(message: string, code: 'ESRCH' | 'EPERM' | 'EIO'): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

function checkPid(pid: number): void {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw errno(`${pid} is not a process id`, 'ESRCH');
}

/**
 * What one taskkill run did, from its exit code (its words are localized; the exit code is not): 0 all ended, 128 no such
 * process; any other code is a failure unless the process itself is gone (then only some of its children resisted).
 */
export function taskkillOutcome(r: RunResult, stillAlive: boolean): string {
  if (r.code === 0) return WINDOWS_TREE_KILL;
  if (r.code === TASKKILL_NOT_FOUND) throw errno('the process had already exited', 'ESRCH');
  const said = (r.stderr || r.stdout).trim();
  if (!stillAlive) return `${WINDOWS_TREE_KILL}; some child processes were not ended: ${said}`;
  throw errno(`taskkill exited with ${r.code ?? 'no code'}: ${said}`, r.code === 1 ? 'EPERM' : 'EIO');
}

/** taskkill by its full path: the service's PATH is not searched for a program that ends processes as SYSTEM. */
function taskkillPath(): string {
  return `${process.env.SystemRoot ?? 'C:\\Windows'}\\System32\\taskkill.exe`;
}

export function createWin32ProcessKiller(opts: { run?: Runner; powershell?: string; taskkill?: string; alive?: (pid: number) => boolean } = {}): ProcessKiller {
  const run = opts.run ?? runProgram;
  const alive = opts.alive ?? answersSignals;
  return {
    graceful: false,
    async identity(pid) {
      checkPid(pid);
      const r = await run(opts.powershell ?? POWERSHELL, encodedCommand(identityScript(pid)));
      if (r.code !== 0) throw errno(`reading process ${pid} through WMI failed: ${r.stderr.trim()}`, 'EIO');
      return parseWin32Identity(r.stdout, pid);
    },
    async stop(pid) {
      checkPid(pid);
      const r = await run(opts.taskkill ?? taskkillPath(), ['/PID', String(pid), '/T', '/F']);
      return taskkillOutcome(r, r.code === 0 ? false : alive(pid));
    },
    async alive(pid) {
      return alive(pid);
    },
  };
}
