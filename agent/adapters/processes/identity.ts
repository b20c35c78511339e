// One process identity for every process source and the killer: a pid plus a start marker, read the same way everywhere.
import fs from 'node:fs';
import psList from 'ps-list';

/** What Cordon reads from one /proc/<pid>/stat line. */
export interface ProcStat {
  comm: string;
  /** One letter: R running, S sleeping, Z zombie, ... */
  state: string;
  ppid: number;
  /** Field 22, start time in clock ticks since boot: the /proc start marker. */
  startTime: string;
}

/** Fields after the `(comm)` part: state is index 0, ppid 1, starttime 19. */
const STAT_STATE = 0;
const STAT_PPID = 1;
const STAT_STARTTIME = 19;

/** Parses a /proc/<pid>/stat line; comm may hold spaces and parentheses (`a) b`, `(sd-pam)`), so fields start after the last ')'. */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const fields = text.slice(close + 2).split(' ');
  const state = fields[STAT_STATE];
  const startTime = fields[STAT_STARTTIME];
  if (!state || !startTime || !/^\d+$/.test(startTime)) return null;
  return { comm: text.slice(open + 1, close), state, ppid: Number(fields[STAT_PPID]), startTime };
}

/** The /proc start marker of a live pid, or null when it is gone. */
export function readProcStat(pid: number, procDir = '/proc'): ProcStat | null {
  try {
    return parseProcStat(fs.readFileSync(`${procDir}/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** The ps-list start marker: `ps -o lstart` (whole seconds) as epoch milliseconds; undefined where ps-list has none (Windows). */
export function psListStartMarker(startTime: Date | undefined): string | undefined {
  return startTime && !Number.isNaN(startTime.getTime()) ? String(startTime.getTime()) : undefined;
}

/** The ps-list start marker of a live pid ('' when ps-list gives no start time), or null when it is gone. */
export async function readPsListStartMarker(pid: number): Promise<string | null> {
  const proc = (await psList()).find((p) => p.pid === pid);
  if (!proc) return null;
  return psListStartMarker(proc.startTime) ?? '';
}
