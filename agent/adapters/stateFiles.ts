// The one atomic file writer: state files are written so a crash leaves either the old or the new content.
import fs from 'node:fs';
import path from 'node:path';

/** Writes via a temporary file beside `file` and a rename over it; throws (leaving no temporary file) when it cannot. */
export function replaceFile(file: string, data: string | Buffer, mode = 0o600): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, data, { mode });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** replaceFile for state the agent can run without: false (and nothing changed) when the state dir cannot take it. */
export function writeFileAtomic(file: string, data: string | Buffer): boolean {
  try {
    replaceFile(file, data);
    return true;
  } catch (err) {
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
