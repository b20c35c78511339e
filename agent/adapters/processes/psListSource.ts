// Process listing through ps-list where there is no /proc (macOS, Windows); it spawns ps or fastlist each time.
import type { ProcessInfo } from '../../common/model.js';
import type { ProcessSource } from '../../ports/index.js';
import { psListStartMarker } from './identity.js';

/**
 * ps-list gives `name` (the exe's base name, not comm), `path` and a space-joined `cmd` on POSIX; on Windows only pid,
 * ppid and name. argv is therefore split on spaces, which is lossy for paths with spaces but keeps argv[0] and the script.
 */
/**
 * ps-list reports no process state, but ps itself marks a zombie in its command column: procps prints
 * `[claude] <defunct>`, BSD and macOS ps `<defunct>`. A zombie has exited (it waits to be reaped), so it is not listed.
 */
export function isDefunct(cmd: string | undefined): boolean {
  return cmd !== undefined && /(^|\s)<defunct>$/.test(cmd.trim());
}

export function createPsListSource(opts: { userName?: (uid: number) => string | undefined } = {}): ProcessSource {
  return {
    async list() {
      // Loaded when first used: Linux reads /proc and never needs it.
      const { default: psList } = await import('ps-list');
      const procs = await psList();
      return procs
        .filter((p) => !isDefunct(p.cmd))
        .map((p): ProcessInfo => {
          const startTime = psListStartMarker(p.startTime);
          const argv = p.cmd ? p.cmd.split(' ').filter((a) => a !== '') : [];
          const user = p.uid === undefined ? undefined : opts.userName?.(p.uid);
          return {
            pid: p.pid,
            ppid: p.ppid,
            comm: p.name,
            argv,
            ...(p.uid === undefined ? {} : { uid: p.uid }),
            ...(user ? { user } : {}),
            ...(p.path ? { exe: p.path } : {}),
            ...(startTime ? { startTime } : {}),
          };
        });
    },
  };
}
