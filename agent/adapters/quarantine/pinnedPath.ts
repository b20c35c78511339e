// Opens the directories between a scan root and an install one at a time without following symlinks, so the agent
// (running as root) acts on the directory it checked and never on one a user swapped in afterwards.
import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CordonError } from '../../common/errors.js';
import { osPath } from '../byteNames.js';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = fs.constants;
/** Opening a directory with these flags fails on a symlink instead of following it. */
export const DIR_FLAGS = O_RDONLY | (O_DIRECTORY ?? 0) | (O_NOFOLLOW ?? 0);

/**
 * On Linux an open directory is addressable as /proc/self/fd/N: paths below it are looked up in that very
 * directory (like openat), whatever happens to its name. Elsewhere the checked path is used and re-verified.
 */
const FD_PATHS = process.platform === 'linux' && fs.existsSync('/proc/self/fd');

/** A path that addresses an open directory: its /proc/self/fd link on Linux, else the path it was opened by. */
export function dirRef(handle: FileHandle, openedPath: string): string {
  return FD_PATHS ? `/proc/self/fd/${handle.fd}` : openedPath;
}

export interface DirIdentity {
  path: string;
  dev: bigint;
  ino: bigint;
}

/** The parent directory of a target, opened component by component from the scan root. */
export interface PinnedParent {
  scanRoot: string;
  target: string;
  name: string;
  /** scanRoot first, the target's parent last. */
  chain: DirIdentity[];
  handle: FileHandle;
  /** Prefix for entries of the pinned parent: `${ref}/${name}`. */
  ref: string;
}

export function unsafePath(where: string, message: string, cause?: unknown): CordonError {
  return new CordonError('unsafe-path', message, { where, fix: 'nothing was moved; check for planted symbolic links, then scan again' }, cause);
}

/**
 * The install changed between the check and the move: an installer still writing it, or someone swapping it. Nothing
 * was moved; `changing` lets enforcement look again soon rather than after the usual wait.
 */
export function changedPath(where: string, message: string): CordonError {
  return new CordonError('unsafe-path', message, { where, fix: 'nothing was moved; it is tried again shortly', changing: true });
}

/** The components of `target` below `scanRoot`; refuses relative paths, `..` and anything not strictly inside. */
export function componentsInside(scanRoot: string, target: string): string[] {
  if (!path.isAbsolute(scanRoot) || !path.isAbsolute(target)) {
    throw unsafePath(target, `scan root and target must be absolute paths (scan root ${scanRoot})`);
  }
  if (target.split(/[\\/]/).includes('..')) throw unsafePath(target, 'path contains ".."');
  const rel = path.relative(path.resolve(scanRoot), path.resolve(target));
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw unsafePath(target, `not inside the scan root ${scanRoot}`);
  }
  return rel.split(path.sep);
}

async function describeRefusal(where: string, err: unknown): Promise<CordonError> {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP' || code === 'ENOTDIR') {
    const st = await fsp.lstat(osPath(where)).catch(() => null);
    if (st?.isSymbolicLink() || code === 'ELOOP') {
      return unsafePath(where, 'is a symbolic link; refusing to follow it', err);
    }
    return unsafePath(where, 'is not a directory', err);
  }
  if (code === 'ENOENT') return new CordonError('not-found', 'does not exist', { where }, err);
  return new CordonError('quarantine-failed', `cannot open (${code ?? 'error'})`, { where }, err);
}

async function openDirAt(ref: string, name: string, shownPath: string): Promise<FileHandle> {
  try {
    return await fsp.open(osPath(`${ref}/${name}`), DIR_FLAGS);
  } catch (err) {
    throw await describeRefusal(shownPath, err);
  }
}

export interface PinOptions {
  /** Create missing parent directories (restore), owned by this user when running as root. */
  createMissing?: { uid: number; gid: number };
}

/** Opens scanRoot and every directory down to the target's parent, refusing any symlink on the way. */
export async function pinParent(scanRoot: string, target: string, options: PinOptions = {}): Promise<PinnedParent> {
  const parts = componentsInside(scanRoot, target);
  const root = path.resolve(scanRoot);
  const rootStat = await fsp.lstat(osPath(root), { bigint: true }).catch((err: unknown) => {
    throw new CordonError('not-found', 'scan root does not exist', { where: root }, err);
  });
  if (rootStat.isSymbolicLink()) throw unsafePath(root, 'scan root is a symbolic link; refusing to follow it');
  let handle = await fsp.open(osPath(root), DIR_FLAGS).catch(async (err: unknown) => {
    throw await describeRefusal(root, err);
  });
  let current = root;
  try {
    const opened = await handle.stat({ bigint: true });
    if (opened.ino !== rootStat.ino || opened.dev !== rootStat.dev) throw unsafePath(root, 'scan root changed while it was opened');
    const chain: DirIdentity[] = [{ path: root, dev: opened.dev, ino: opened.ino }];
    for (const part of parts.slice(0, -1)) {
      const next = path.join(current, part);
      const ref = dirRef(handle, current);
      let child: FileHandle;
      try {
        child = await openDirAt(ref, part, next);
      } catch (err) {
        if (!(err instanceof CordonError && err.code === 'not-found' && options.createMissing)) throw err;
        await fsp.mkdir(osPath(`${ref}/${part}`), 0o755);
        if (process.getuid?.() === 0) await fsp.lchown(osPath(`${ref}/${part}`), options.createMissing.uid, options.createMissing.gid);
        child = await openDirAt(ref, part, next);
      }
      const st = await child.stat({ bigint: true }).catch(async (err: unknown) => {
        await child.close();
        throw err;
      });
      chain.push({ path: next, dev: st.dev, ino: st.ino });
      await handle.close();
      handle = child;
      current = next;
    }
    return { scanRoot: root, target: path.resolve(target), name: parts[parts.length - 1] as string, chain, handle, ref: dirRef(handle, current) };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Re-checks by name that every directory of the chain is still the one opened and not a symlink now. */
export async function reverifyPinned(pinned: PinnedParent): Promise<void> {
  for (const dir of pinned.chain) {
    const st = await fsp.lstat(osPath(dir.path), { bigint: true }).catch(() => null);
    if (!st) throw unsafePath(dir.path, 'disappeared after it was checked');
    if (st.isSymbolicLink()) throw unsafePath(dir.path, 'became a symbolic link after it was checked');
    if (st.dev !== dir.dev || st.ino !== dir.ino) throw changedPath(dir.path, 'was replaced after it was checked');
  }
}

/** The path addressing `name` inside the pinned parent. */
export function pinnedEntry(pinned: PinnedParent, name: string = pinned.name): string {
  return `${pinned.ref}/${name}`;
}

export async function releasePinned(pinned: PinnedParent): Promise<void> {
  await pinned.handle.close();
}
