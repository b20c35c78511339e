// Reads an agent's CPU time and memory from /proc, the way `top` would, so both agents are measured alike.
import fs from 'node:fs';

export interface CpuTicks {
  /** utime + stime of the process itself. */
  self: number;
  /** cutime + cstime: children it has waited for (ps-list's `ps` runs land here). */
  children: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so fields are counted from the last ')'. */
export function parseStatTicks(stat: string): CpuTicks {
  const end = stat.lastIndexOf(')');
  if (end < 0) throw new Error(`not a /proc stat line: ${stat.slice(0, 80)}`);
  const f = stat
    .slice(end + 2)
    .trim()
    .split(/\s+/);
  const field = (n: number): number => {
    const v = Number(f[n - 3]);
    if (!Number.isFinite(v)) throw new Error(`stat field ${n} missing`);
    return v;
  };
  return { self: field(14) + field(15), children: field(16) + field(17) };
}

export interface MemoryKb {
  rssKb: number;
  /** The process's own (anonymous) pages; the rest of RSS is mostly the node binary, shared with every node process. */
  anonKb: number;
  /** Peak resident set size over the process's life. */
  hwmKb: number;
}

export function parseStatusMemory(status: string): MemoryKb {
  const kb = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m?.[1]) throw new Error(`${key} missing from /proc status`);
    return Number(m[1]);
  };
  return { rssKb: kb('VmRSS'), anonKb: kb('RssAnon'), hwmKb: kb('VmHWM') };
}

export function readCpuTicks(pid: number): CpuTicks {
  return parseStatTicks(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

export function readMemory(pid: number): MemoryKb {
  return parseStatusMemory(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
}

export function totalTicks(t: CpuTicks): number {
  return t.self + t.children;
}
