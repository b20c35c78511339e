// The killer for the ps-list process source (macOS, and any POSIX system without /proc): start markers in epoch
// milliseconds as ps-list reads them, and a zombie (ps state Z) counts as gone, so a kill that worked is not reported failed.
import { execFile } from 'node:child_process';
import type { ProcessKiller } from '../../../ports/index.js';
import { readPsListStartMarker } from '../identity.js';
import { answersSignals, posixStopping } from '../posixKill.js';

/**
 * The state column of `ps -o stat= -p PID`: its first letter is the state (macOS ps(1): "Z Marks a dead process (a
 * zombie)"; procps the same), the rest are flags (`+`, `s`, `<`). Null when ps printed nothing (no such process).
 */
export function parsePsState(text: string): string | null {
  const first = text.trim().charAt(0);
  return first === '' ? null : first;
}

function psState(pid: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'stat=', '-p', String(pid)], { timeout: 5_000 }, (_err, stdout) => resolve(parsePsState(String(stdout))));
  });
}

export const psProcessKiller: ProcessKiller = {
  ...posixStopping,
  identity: readPsListStartMarker,
  async alive(pid) {
    if (!answersSignals(pid)) return false;
    // Signal 0 reaches a zombie too; ps tells it apart. A ps that fails says nothing, and the signal's answer stands.
    const state = await psState(pid);
    return state !== 'Z';
  },
};
