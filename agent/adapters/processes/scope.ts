// The bench's fence: with `processScope`, only processes of one session are ever matched, so only they can be killed.
import fs from 'node:fs';
import type { ProcessInfo } from '../../common/model.js';
import type { ProcessScope } from '../config.js';

/** Fields of /proc/<pid>/stat after the `(comm)` part: state 0, ppid 1, pgrp 2, session 3. */
const STAT_SESSION = 3;

/** The session id of a process (Linux), or null when it is gone or unreadable. */
export function sessionOf(pid: number, procDir = '/proc'): number | null {
  try {
    const stat = fs.readFileSync(`${procDir}/${pid}/stat`, 'latin1');
    const sid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[STAT_SESSION]);
    return Number.isInteger(sid) ? sid : null;
  } catch {
    return null;
  }
}

/**
 * Whether a matched process is in scope. A session cannot be joined from outside (setsid(2) only ever creates a new
 * one), so its members are exactly the processes its leader started that did not leave it. Without /proc nothing is
 * in scope: a scope that cannot be checked must not widen to everything.
 */
export function inProcessScope(scope: ProcessScope | null, procDir = '/proc'): (p: ProcessInfo) => boolean {
  if (!scope) return () => true;
  return (p) => sessionOf(p.pid, procDir) === scope.session;
}
