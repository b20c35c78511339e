// Builds real install trees for the quarantine tests and snapshots trees independently of the code under test.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

export interface EntrySnapshot {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
  sha256?: string;
  link?: string;
}

/** Every entry under `root` (root itself as `.`), by lstat, never following a link. */
export function snapshotTree(root: string): Map<string, EntrySnapshot> {
  const out = new Map<string, EntrySnapshot>();
  const visit = (p: string, rel: string): void => {
    const st = fs.lstatSync(p);
    const type = st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
    const snap: EntrySnapshot = { type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: type === 'file' ? st.size : 0, mtimeMs: st.mtimeMs };
    if (type === 'file') snap.sha256 = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    if (type === 'symlink') snap.link = fs.readlinkSync(p);
    out.set(rel, snap);
    if (type === 'dir') for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name), rel === '.' ? name : `${rel}/${name}`);
  };
  visit(root, '.');
  return out;
}

/** Same entries, bytes, modes, owners, link targets, and modification times (to the microsecond utimes can set). */
export function expectSameTree(actual: Map<string, EntrySnapshot>, expected: Map<string, EntrySnapshot>): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [rel, want] of expected) {
    const got = actual.get(rel) as EntrySnapshot;
    const { mtimeMs: gotTime, ...gotRest } = got;
    const { mtimeMs: wantTime, ...wantRest } = want;
    expect({ rel, ...gotRest }).toEqual({ rel, ...wantRest });
    expect(Math.abs(gotTime - wantTime), `${rel} mtime`).toBeLessThan(0.002);
  }
}

export function tempDir(prefix: string, base = os.tmpdir()): string {
  return fs.mkdtempSync(path.join(base, `cordon-q-${prefix}-`));
}

/** A user the fixtures hand files to (the tests run as root, so owners can be set and must be restored). */
export const FIXTURE_UID = 4321;
export const FIXTURE_GID = 4322;

/**
 * A realistic install: nested folders, executables, a 0600 file, an empty folder, a link within the install,
 * a link pointing out of it, a file owned by another user, and old modification times.
 */
export function makeInstall(dir: string, outsideTarget: string): void {
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'lib', 'node_modules', 'deep', 'er'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'empty'));
  fs.writeFileSync(path.join(dir, 'bin', 'claude'), '#!/bin/sh\necho claude\n', { mode: 0o755 });
  fs.chmodSync(path.join(dir, 'bin', 'claude'), 0o755);
  fs.writeFileSync(path.join(dir, 'lib', 'cli.js'), 'console.log("cli")\n'.repeat(500));
  fs.writeFileSync(path.join(dir, 'lib', 'node_modules', 'deep', 'er', 'index.js'), Buffer.alloc(70_000, 7));
  fs.writeFileSync(path.join(dir, 'secret.json'), '{"token":"x"}', { mode: 0o600 });
  fs.chmodSync(path.join(dir, 'secret.json'), 0o600);
  fs.writeFileSync(path.join(dir, 'empty-file'), '');
  fs.symlinkSync('../lib/cli.js', path.join(dir, 'bin', 'cli'));
  fs.symlinkSync(outsideTarget, path.join(dir, 'outside-link'));
  fs.chmodSync(path.join(dir, 'lib', 'node_modules'), 0o750);
  fs.chownSync(path.join(dir, 'lib', 'cli.js'), FIXTURE_UID, FIXTURE_GID);
  fs.chownSync(path.join(dir, 'bin'), FIXTURE_UID, FIXTURE_GID);
  const old = new Date('2025-03-04T05:06:07.891Z');
  for (const rel of ['bin/claude', 'lib/cli.js', 'secret.json', 'lib/node_modules/deep/er/index.js', 'lib/node_modules/deep/er', 'empty', 'lib', 'bin', '.']) {
    fs.utimesSync(path.join(dir, rel), old, old);
  }
  fs.lutimesSync(path.join(dir, 'bin', 'cli'), old, old);
  fs.utimesSync(path.join(dir, 'bin'), old, old);
  fs.utimesSync(dir, old, old);
}

/** A folder tree of `count` files of varied sizes spread over nested folders (about `count * 1.5` KB). */
export function makeLargeTree(dir: string, count: number): void {
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, `d${i % 10}`, `e${i % 7}`);
    fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `f${i}.js`), Buffer.alloc(512 + ((i * 997) % 2560), i % 251));
  }
  fs.symlinkSync('d0/e0', path.join(dir, 'link-in'));
}
