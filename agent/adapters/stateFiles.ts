// Small state files written so a crash leaves either the old or the new content, and a read-only state dir is not fatal.
import fs from 'node:fs';
import path from 'node:path';

/** Writes via a temporary file and rename; returns false (and changes nothing) when the state dir cannot take it. */
export function writeFileAtomic(file: string, data: string | Buffer): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    fs.renameSync(tmp, file);
    return true;
  } catch (err) {
    removeFileQuietly(tmp);
    if ((err as NodeJS.ErrnoException).code !== undefined) return false;
    throw err;
  }
}

/** Removes a file if it exists; false when the state dir does not let us. */
export function removeFileQuietly(file: string): boolean {
  try {
    fs.rmSync(file, { force: true });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== undefined) return false;
    throw err;
  }
}
