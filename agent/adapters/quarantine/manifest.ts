// What a quarantine item records about the install it holds, and how it is stored beside the payload.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { CordonError } from '../../common/errors.js';
import { syncDirectory } from './journal.js';
import type { QuarantineItem } from '../../common/model.js';
import type { TreeEntry } from './tree.js';

export interface Manifest extends QuarantineItem {
  formatVersion: 1;
  entries: TreeEntry[];
}

export const MANIFEST_FILE = 'manifest.json';
export const PAYLOAD = 'payload';
/** A copy being written (cross-file-system quarantine); never trusted until verified and renamed to PAYLOAD. */
export const PAYLOAD_PARTIAL = 'payload.partial';

export function summarize(entries: readonly TreeEntry[]): { files: number; bytes: number } {
  const files = entries.filter((e) => e.type === 'file');
  return { files: files.length, bytes: files.reduce((sum, e) => sum + e.size, 0) };
}

export function itemOf(manifest: Manifest): QuarantineItem {
  const { formatVersion: _version, entries: _entries, ...item } = manifest;
  return item;
}

/** Writes the manifest atomically (temp file, fsync, rename, fsync the directory). */
export async function writeManifest(itemDir: string, manifest: Manifest): Promise<void> {
  const tmp = path.join(itemDir, `${MANIFEST_FILE}.tmp`);
  const handle = await fsp.open(tmp, 'w', 0o600);
  try {
    await handle.write(`${JSON.stringify(manifest, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(tmp, path.join(itemDir, MANIFEST_FILE));
  await syncDirectory(itemDir);
}

export function readManifest(itemDir: string, id: string): Manifest {
  const file = path.join(itemDir, MANIFEST_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new CordonError('not-found', `no quarantine item ${id}`, { where: itemDir, fix: 'see `cordon quarantine list` for the ids' }, err);
    }
    if (code === 'EACCES') throw forbiddenRead(itemDir, err);
    throw err;
  }
  return JSON.parse(text) as Manifest;
}

export function forbiddenRead(where: string, cause: unknown): CordonError {
  return new CordonError('forbidden', 'the quarantine can only be read by an administrator', { where, fix: 'run the command as root' }, cause);
}
