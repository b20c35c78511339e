// Writes <stateDir>/status.json atomically (temp file + rename) for root-run tooling; users read the status over the socket.
import fs from 'node:fs';
import path from 'node:path';
import type { Status } from '../common/model.js';
import { replaceFile } from './stateFiles.js';

/** Owner-only like the rest of the state dir: it names users, paths and process ids of everyone on the machine. */
export function writeStatusFile(stateDir: string, status: Status): void {
  replaceFile(path.join(stateDir, 'status.json'), `${JSON.stringify(status, null, 2)}\n`);
}

/** Creates the state dir owner-only if it does not exist (the audit log and quarantine journal live there). */
export function ensureStateDir(stateDir: string): void {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
}
