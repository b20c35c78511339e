// Ends processes, but only the one that was found: the pid's start marker is checked first (pid reuse).
import fs from 'node:fs';
import psList from 'ps-list';
import type { ProcessKiller } from '../ports/index.js';

/** Linux: field 22 of /proc/<pid>/stat (start time in clock ticks), read after the last ')' of the comm. */
function linuxStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

async function portableStartTime(pid: number): Promise<string | null> {
  const proc = (await psList()).find((p) => p.pid === pid);
  if (!proc) return null;
  return (proc as { startTime?: Date }).startTime?.toISOString() ?? '';
}

/** The killer for a ps-list process source. */
export const psListProcessKiller: ProcessKiller = {
  identity: portableStartTime,
  signal(pid, signal) {
    process.kill(pid, signal);
  },
  alive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

export const nodeProcessKiller: ProcessKiller = {
  async identity(pid) {
    return process.platform === 'linux' ? linuxStartTime(pid) : portableStartTime(pid);
  },
  signal(pid, signal) {
    process.kill(pid, signal);
  },
  alive(pid) {
    if (process.platform === 'linux') {
      // A zombie has exited: it only waits for its parent to reap it.
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
        return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
      } catch {
        return false;
      }
    }
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};
