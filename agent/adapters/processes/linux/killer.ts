// The killer for the /proc process source: start markers in clock ticks from /proc/<pid>/stat, and a zombie counts as gone.
import type { ProcessKiller } from '../../../ports/index.js';
import { readProcStat } from '../identity.js';
import { posixStopping } from '../posixKill.js';

export const procProcessKiller: ProcessKiller = {
  ...posixStopping,
  async identity(pid) {
    return readProcStat(pid)?.startTime ?? null;
  },
  async alive(pid) {
    const stat = readProcStat(pid);
    return stat !== null && stat.state !== 'Z';
  },
};
