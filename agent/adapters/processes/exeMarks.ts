// Recognises a tool's binary by content where its name and path say nothing (a renamed copy in ~/bin): the last MiB
// of a large executable, searched for the catalog's markers, read once per file (dev, inode, size, mtime).
import fs from 'node:fs';
import type { ProcessInfo } from '../../common/model.js';

/** Released single-file builds are hundreds of MB; smaller executables are never read. */
const MIN_BYTES = 32 * 1024 * 1024;
/** How much of the end of the file is read: the bundled file table of a released build sits there. */
const TAIL_BYTES = 1024 * 1024;
/** Files remembered; past this the memory starts over (a machine runs far fewer distinct large binaries). */
const MAX_REMEMBERED = 4096;

export type ExeMarkReader = (proc: ProcessInfo, markers: readonly string[]) => string[];

/** Reads through /proc/<pid>/exe, so the file the process runs is read even if its path was replaced or removed. */
export function createExeMarkReader(procDir = '/proc'): ExeMarkReader {
  const remembered = new Map<string, string[]>();
  let markersKey = '';
  return (proc, markers) => {
    if (markers.length === 0) return [];
    const key = markers.join('\0');
    if (key !== markersKey) {
      remembered.clear();
      markersKey = key;
    }
    const exe = `${procDir}/${proc.pid}/exe`;
    let fd: number | undefined;
    try {
      fd = fs.openSync(exe, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const st = fs.fstatSync(fd);
      if (!st.isFile() || st.size < MIN_BYTES) return [];
      const id = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
      const known = remembered.get(id);
      if (known) return known;
      const tail = Buffer.alloc(TAIL_BYTES);
      const n = fs.readSync(fd, tail, 0, TAIL_BYTES, st.size - TAIL_BYTES);
      const window = tail.subarray(0, n);
      const found = markers.filter((m) => window.includes(m));
      if (remembered.size >= MAX_REMEMBERED) remembered.clear();
      remembered.set(id, found);
      return found;
    } catch {
      return [];
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  };
}
