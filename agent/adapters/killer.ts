// Ends processes, but only the one that was found: the pid's start marker is checked first (pid reuse), read as its source read it.
import fs from 'node:fs';
import type { ProcessKiller } from '../ports/index.js';
import { readProcStat, readPsListStartMarker } from './processes/identity.js';

function signal(pid: number, sig: NodeJS.Signals): void {
  process.kill(pid, sig);
}

function answersSignals(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The killer for the /proc process source (Linux): start markers in clock ticks, and a zombie counts as gone. */
export const procProcessKiller: ProcessKiller = {
  async identity(pid) {
    return readProcStat(pid)?.startTime ?? null;
  },
  signal,
  alive(pid) {
    // A zombie has exited: it only waits for its parent to reap it.
    const stat = readProcStat(pid);
    return stat !== null && stat.state !== 'Z';
  },
};

/** The killer for the ps-list process source (macOS, and anywhere without /proc): start markers in epoch milliseconds. */
export const psListProcessKiller: ProcessKiller = {
  identity: readPsListStartMarker,
  signal,
  alive: answersSignals,
};

/** The killer that matches the process source this machine uses (see adapters/processes/index.ts). */
export const nodeProcessKiller: ProcessKiller = process.platform === 'linux' && fs.existsSync('/proc/self/stat') ? procProcessKiller : psListProcessKiller;
