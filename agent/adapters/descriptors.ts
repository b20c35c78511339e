// How many file descriptors the daemon may open, and how many of them the user socket may take: a user who holds
// connections must never leave the kills, the audit log and the admin socket without a descriptor.
import fs from 'node:fs';

/** Kept back for the daemon's own work whatever the user socket holds: /proc reads, kills, audit, quarantine, admin socket. */
export const RESERVED_DESCRIPTORS = 256;
/** The user socket never holds more than this many connections in total, however high the limit. */
const MAX_USER_CONNECTIONS = 512;
/** Fewer than this and the limit is too low to share: the user socket still gets this many (an admin's setting). */
const MIN_USER_CONNECTIONS = 16;
/** Where /proc is missing (macOS, Windows) Node has raised its soft limit; assume the smallest common one. */
const FALLBACK_LIMIT = 1024;

/** The soft RLIMIT_NOFILE of this process (Node raises it to the hard limit at start), from /proc/self/limits. */
export function openFileLimit(limitsFile = '/proc/self/limits'): number {
  try {
    const line = fs
      .readFileSync(limitsFile, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    if (soft === 'unlimited') return Number.MAX_SAFE_INTEGER;
    const n = Number(soft);
    return Number.isInteger(n) && n > 0 ? n : FALLBACK_LIMIT;
  } catch {
    return FALLBACK_LIMIT;
  }
}

/** The user socket's share of the descriptors: half of what is left after the reserve, bounded. */
export function userConnectionBudget(limit: number): number {
  return Math.max(MIN_USER_CONNECTIONS, Math.min(MAX_USER_CONNECTIONS, Math.floor((limit - RESERVED_DESCRIPTORS) / 2)));
}
