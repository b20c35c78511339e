// The real, read-only file system behind FileSystemPort: lstat-based, reads only regular files (never FIFOs or
// devices), and keeps file names that are not UTF-8 (see byteNames).
import fs from 'node:fs';
import { decodeName, osPath, readdirNames } from './byteNames.js';
import type { EntryStat, EntryType, FileSystemPort } from '../ports/index.js';

export const nodeFileSystem: FileSystemPort = {
  lstat(path) {
    try {
      return toEntryStat(fs.lstatSync(osPath(path)));
    } catch {
      return null;
    }
  },
  readdir(path) {
    try {
      return readdirNames(path);
    } catch {
      return null;
    }
  },
  readlink(path) {
    try {
      return decodeName(fs.readlinkSync(osPath(path), { encoding: 'buffer' }));
    } catch {
      return null;
    }
  },
  realpath(path) {
    try {
      return decodeName(fs.realpathSync.native(osPath(path), { encoding: 'buffer' }));
    } catch {
      return null;
    }
  },
  readFileCapped(path, maxBytes) {
    let fd: number | undefined;
    try {
      // Non-blocking open and an fstat check: a config path pointing at a FIFO or device must not hang the scan.
      fd = fs.openSync(osPath(path), fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
      const st = fs.fstatSync(fd);
      if (!st.isFile()) return null;
      if (st.size > maxBytes) return 'too-large';
      const buf = Buffer.alloc(st.size);
      let read = 0;
      while (read < st.size) {
        const n = fs.readSync(fd, buf, read, st.size - read, read);
        if (n === 0) break;
        read += n;
      }
      return buf.subarray(0, read);
    } catch {
      return null;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  },
};

function toEntryStat(st: fs.Stats): EntryStat {
  const type: EntryType = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  return { type, size: st.size, mode: st.mode, uid: st.uid, gid: st.gid, mtimeMs: st.mtimeMs };
}
