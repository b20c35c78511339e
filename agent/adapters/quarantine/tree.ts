// Reads, copies and removes an install tree entry by entry through open directories, never following a symlink:
// links are recorded and copied as links, and every file is hashed so a move can be verified.
import { createHash } from 'node:crypto';
import fs, { type BigIntStats } from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import { CordonError } from '../../common/errors.js';
import type { EntryType } from '../../common/model.js';
import { osPath, readdirNamesAsync, readlinkExact } from '../byteNames.js';
import { changedPath, DIR_FLAGS, dirRef } from './pinnedPath.js';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
/** Hashing must not change the access times the manifest records (O_NOATIME needs owner or root; retried without). */
const O_NOATIME = (fs.constants as Record<string, number | undefined>).O_NOATIME ?? 0;
const CHUNK = 1 << 20;
/** Files of one directory hashed at once: keeps the I/O thread pool busy without holding many descriptors. */
const PARALLEL_FILES = 8;

/** One entry of an install as the manifest records it. */
export interface TreeEntry {
  /** Relative to the install with `/` separators; `.` is the install itself. */
  path: string;
  type: EntryType;
  /** Permission bits including setuid/setgid/sticky. */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Nanoseconds since the epoch, as decimal strings (exact, unlike a float). */
  atimeNs: string;
  mtimeNs: string;
  sha256?: string;
  linkTarget?: string;
}

/** What the source entry was when it was read; a later removal only takes an entry that is still exactly that. */
export interface SourceIdentity {
  ino: bigint;
  ctimeNs: bigint;
  size: bigint;
}

export interface CopyResult {
  entries: TreeEntry[];
  sources: Map<string, SourceIdentity>;
  /** Inode of the created copy's root, checked again before its metadata is set. */
  rootIno?: bigint;
}

function childPath(rel: string, name: string): string {
  return rel === '.' ? name : `${rel}/${name}`;
}

function entryType(st: BigIntStats): EntryType {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  return 'other';
}

function baseEntry(rel: string, st: BigIntStats): TreeEntry {
  const type = entryType(st);
  return {
    path: rel,
    type,
    mode: Number(st.mode & 0o7777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
    size: type === 'file' ? Number(st.size) : 0,
    atimeNs: st.atimeNs.toString(),
    mtimeNs: st.mtimeNs.toString(),
  };
}

async function openFileNoFollow(p: string): Promise<FileHandle> {
  try {
    return await fsp.open(osPath(p), O_RDONLY | O_NOFOLLOW | O_NOATIME);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM' || O_NOATIME === 0) throw err;
    return fsp.open(osPath(p), O_RDONLY | O_NOFOLLOW);
  }
}

/** Opens `p` (file or directory, never through a final symlink) and checks it is the entry lstat saw. */
async function openSame(p: string, st: BigIntStats, dir: boolean): Promise<FileHandle> {
  const handle = dir ? await fsp.open(osPath(p), DIR_FLAGS) : await openFileNoFollow(p);
  const opened = await handle.stat({ bigint: true });
  if (opened.ino !== st.ino || opened.dev !== st.dev) {
    await handle.close();
    throw changedPath(p, 'changed while it was being read');
  }
  return handle;
}

async function hashHandle(handle: FileHandle, sink?: FileHandle): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  // Sized to the file (most are small): a fresh 1 MiB buffer per file costs more in garbage collection than I/O.
  const buf = Buffer.allocUnsafe(Math.min(CHUNK, Number((await handle.stat()).size) + 1));
  let size = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buf, 0, buf.length, null);
    if (bytesRead === 0) break;
    const chunk = buf.subarray(0, bytesRead);
    hash.update(chunk);
    if (sink) await sink.write(chunk, 0, bytesRead, null);
    size += bytesRead;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Hashes one file addressed without following a final symlink, copying its bytes into `sink` if given. */
export async function hashFile(p: string, sink?: FileHandle): Promise<{ sha256: string; size: number }> {
  const handle = await openFileNoFollow(p);
  try {
    return await hashHandle(handle, sink);
  } finally {
    await handle.close();
  }
}

/** Hashes one file of the directory being walked; run before that directory is closed. */
type HashJob = () => Promise<void>;

async function walkEntry(parentRef: string, name: string, rel: string, out: TreeEntry[], hashing: HashJob[] | null): Promise<void> {
  const p = `${parentRef}/${name}`;
  const st = await fsp.lstat(osPath(p), { bigint: true });
  const entry = baseEntry(rel, st);
  out.push(entry);
  if (entry.type === 'symlink') {
    entry.linkTarget = await readlinkExact(p);
  } else if (entry.type === 'file' && hashing) {
    hashing.push(async () => {
      const handle = await openSame(p, st, false);
      try {
        const { sha256, size } = await hashHandle(handle);
        entry.sha256 = sha256;
        entry.size = size;
      } finally {
        await handle.close();
      }
    });
  } else if (entry.type === 'dir') {
    const handle = await openSame(p, st, true);
    try {
      const ref = dirRef(handle, p);
      const files: HashJob[] | null = hashing ? [] : null;
      for (const child of (await readdirNamesAsync(ref)).sort()) await walkEntry(ref, child, childPath(rel, child), out, files);
      for (let i = 0; files && i < files.length; i += PARALLEL_FILES) await Promise.all(files.slice(i, i + PARALLEL_FILES).map((job) => job()));
    } finally {
      await handle.close();
    }
  }
}

/** Every entry of the tree `parentRef/name` in pre-order (parents before children, names sorted), files hashed unless `hash` is false. */
export async function walkTree(parentRef: string, name: string, hash = true): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const rootFile: HashJob[] | null = hash ? [] : null;
  await walkEntry(parentRef, name, '.', out, rootFile);
  for (const job of rootFile ?? []) await job();
  return out;
}

/** How much one quarantine may move and hash, so a padded install cannot hold enforcement up for hours. */
export interface TreeLimits {
  entries: number;
  /** Apparent bytes (a sparse file counts its full length: that is what hashing reads and a copy writes). */
  bytes: number;
}

/** 20,000 entries and 2 GiB hash in a few seconds; released AI tool installs are well below either. */
export const DEFAULT_TREE_LIMITS: TreeLimits = { entries: 20_000, bytes: 2 * 1024 ** 3 };

/** Counts entries and apparent bytes by lstat alone, and stops with an error as soon as either limit is passed. */
export async function measureTree(p: string, limits: TreeLimits): Promise<{ entries: number; bytes: number }> {
  const total = { entries: 0, bytes: 0 };
  const tooLarge = (what: string) =>
    new CordonError('quarantine-failed', `too large to quarantine (${what}); it stays in place and is reported`, {
      where: p,
      fix: 'remove it by hand or raise the quarantine limits',
    });
  const visit = async (q: string): Promise<void> => {
    const st = await fsp.lstat(osPath(q));
    total.entries += 1;
    if (st.isFile()) total.bytes += st.size;
    if (total.entries > limits.entries) throw tooLarge(`more than ${limits.entries} entries`);
    if (total.bytes > limits.bytes) throw tooLarge(`more than ${limits.bytes} bytes`);
    if (st.isDirectory()) for (const name of await readdirNamesAsync(q)) await visit(`${q}/${name}`);
  };
  await visit(p);
  return total;
}

/** Opens the output of one copied entry, fills it, fsyncs it, and closes both ends whatever happens. */
async function copyInto(
  input: FileHandle,
  openOutput: () => Promise<FileHandle>,
  rel: string,
  result: CopyResult,
  fill: (input: FileHandle, output: FileHandle) => Promise<void>,
): Promise<void> {
  try {
    const output = await openOutput();
    try {
      if (rel === '.') result.rootIno = (await output.stat({ bigint: true })).ino;
      await fill(input, output);
      await output.sync();
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

async function copyEntry(src: string, dst: string, rel: string, result: CopyResult): Promise<void> {
  const st = await fsp.lstat(osPath(src), { bigint: true });
  const entry = baseEntry(rel, st);
  result.entries.push(entry);
  result.sources.set(rel, { ino: st.ino, ctimeNs: st.ctimeNs, size: st.size });
  switch (entry.type) {
    case 'symlink':
      entry.linkTarget = await readlinkExact(src);
      await fsp.symlink(osPath(entry.linkTarget), osPath(dst));
      if (rel === '.') result.rootIno = (await fsp.lstat(osPath(dst), { bigint: true })).ino;
      return;
    case 'file':
      await copyInto(
        await openSame(src, st, false),
        () => fsp.open(osPath(dst), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600),
        rel,
        result,
        async (input, output) => {
          const { sha256, size } = await hashHandle(input, output);
          entry.sha256 = sha256;
          entry.size = size;
        },
      );
      return;
    case 'dir':
      await copyInto(
        await openSame(src, st, true),
        async () => {
          await fsp.mkdir(osPath(dst), 0o700);
          return fsp.open(osPath(dst), DIR_FLAGS);
        },
        rel,
        result,
        async (input, output) => {
          const inRef = dirRef(input, src);
          const outRef = dirRef(output, dst);
          for (const child of (await readdirNamesAsync(inRef)).sort()) {
            await copyEntry(`${inRef}/${child}`, `${outRef}/${child}`, childPath(rel, child), result);
          }
        },
      );
      return;
    case 'other':
      throw new CordonError('quarantine-failed', 'a special file (device, pipe or socket) cannot be copied across file systems', {
        where: rel,
        fix: 'put the quarantine directory on the same file system as the install',
      });
  }
}

/**
 * Exact nanoseconds to the float seconds the time-setting calls take. They keep whole microseconds and truncate,
 * so half a microsecond is added: a time restored once comes back the same on every later round trip.
 */
export function nsToSeconds(ns: string): number {
  const big = BigInt(ns);
  return Number(big / 1_000_000_000n) + (Number(big % 1_000_000_000n) + 500) / 1e9;
}

/** Owner (when root), mode and times of one entry; owner first because chown clears setuid bits. */
async function applyEntryMetadata(p: string, entry: TreeEntry, withOwner: boolean): Promise<void> {
  if (withOwner) await fsp.lchown(osPath(p), entry.uid, entry.gid);
  if (entry.type !== 'symlink') await fsp.chmod(osPath(p), entry.mode);
  await fsp.lutimes(osPath(p), nsToSeconds(entry.atimeNs), nsToSeconds(entry.mtimeNs));
}

/**
 * Sets owners, modes and times of a copied tree, children before parents (so a directory's time is final and a
 * read-only directory is closed last). Children are addressed through the open root, which stays root-only
 * (0700) until it is done last, so nobody can swap anything under the copy meanwhile.
 */
async function applyTreeMetadata(parentRef: string, name: string, result: CopyResult, withOwner: boolean): Promise<void> {
  const p = `${parentRef}/${name}`;
  const [root, ...children] = result.entries;
  if (!root) return;
  if (root.type === 'symlink') {
    await applyEntryMetadata(p, root, withOwner);
    return;
  }
  const handle = root.type === 'dir' ? await fsp.open(osPath(p), DIR_FLAGS) : await fsp.open(osPath(p), O_RDONLY | O_NOFOLLOW);
  try {
    if ((await handle.stat({ bigint: true })).ino !== result.rootIno) {
      throw new CordonError('unsafe-path', 'the copy was replaced while it was being written', { where: p });
    }
    const ref = dirRef(handle, p);
    for (const entry of children.reverse()) await applyEntryMetadata(`${ref}/${entry.path}`, entry, withOwner);
    if (withOwner) await handle.chown(root.uid, root.gid);
    await handle.chmod(root.mode);
    await handle.utimes(nsToSeconds(root.atimeNs), nsToSeconds(root.mtimeNs));
  } finally {
    await handle.close();
  }
}

/** Re-applies the recorded times of entries whose times differ now (reading a directory changes its atime). */
export async function restoreChangedTimes(rootPath: string, recorded: readonly TreeEntry[], current: readonly TreeEntry[]): Promise<void> {
  const now = new Map(current.map((e) => [e.path, e]));
  for (const entry of [...recorded].reverse()) {
    const cur = now.get(entry.path);
    if (cur && (cur.atimeNs !== entry.atimeNs || cur.mtimeNs !== entry.mtimeNs)) {
      const p = entry.path === '.' ? rootPath : `${rootPath}/${entry.path}`;
      await fsp.lutimes(osPath(p), nsToSeconds(entry.atimeNs), nsToSeconds(entry.mtimeNs));
    }
  }
}

/** Copies `src` to the new entry `name` of `dstParentRef` (links as links), fsyncs it, sets owners, modes, times. */
export async function copyTree(src: string, dstParentRef: string, name: string, withOwner: boolean): Promise<CopyResult> {
  const result: CopyResult = { entries: [], sources: new Map() };
  await copyEntry(src, `${dstParentRef}/${name}`, '.', result);
  await applyTreeMetadata(dstParentRef, name, result, withOwner);
  return result;
}

/**
 * The first difference between two trees in type, mode, size, link target, content (when `actual` was hashed) and
 * owner (when `withOwner`), or null when they are the same.
 */
export function treeDifference(expected: readonly TreeEntry[], actual: readonly TreeEntry[], withOwner: boolean, content = true): string | null {
  const byPath = new Map(actual.map((e) => [e.path, e]));
  if (actual.length !== expected.length) return `${actual.length} entries instead of ${expected.length}`;
  for (const e of expected) {
    const a = byPath.get(e.path);
    if (!a) return `${e.path}: missing`;
    if (a.type !== e.type) return `${e.path}: is a ${a.type}, expected a ${e.type}`;
    if (a.type !== 'symlink' && a.mode !== e.mode) return `${e.path}: mode ${a.mode.toString(8)}, expected ${e.mode.toString(8)}`;
    if (withOwner && (a.uid !== e.uid || a.gid !== e.gid)) return `${e.path}: owner ${a.uid}:${a.gid}, expected ${e.uid}:${e.gid}`;
    if (a.size !== e.size || (content && a.sha256 !== e.sha256)) return `${e.path}: content differs`;
    if (a.linkTarget !== e.linkTarget) return `${e.path}: link target differs`;
  }
  return null;
}

/** Decides whether the entry now at `p` is still the one that was copied, and so may be removed. */
export type RemovalCheck = (rel: string, st: BigIntStats, p: string) => Promise<boolean>;

async function removeEntry(p: string, rel: string, mayRemove: RemovalCheck, leftovers: string[]): Promise<void> {
  const st = await fsp.lstat(osPath(p), { bigint: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!st) return;
  if (st.isDirectory() && (await mayRemove(rel, st, p))) {
    const before = leftovers.length;
    const handle = await openSame(p, st, true);
    try {
      const ref = dirRef(handle, p);
      for (const child of (await readdirNamesAsync(ref)).sort()) await removeEntry(`${ref}/${child}`, childPath(rel, child), mayRemove, leftovers);
    } finally {
      await handle.close();
    }
    if (leftovers.length === before) await fsp.rmdir(osPath(p));
  } else if (!st.isDirectory() && (await mayRemove(rel, st, p))) {
    await fsp.unlink(osPath(p));
  } else {
    leftovers.push(rel);
  }
}

/**
 * Removes the source of a verified copy, entry by entry, keeping anything that changed or appeared since
 * (a user's new file is never deleted); returns the relative paths left in place.
 */
export async function removeVerifiedSource(p: string, mayRemove: RemovalCheck): Promise<string[]> {
  const leftovers: string[] = [];
  await removeEntry(p, '.', mayRemove, leftovers);
  return leftovers;
}

/** Removal check for the normal path: the entry is still the very inode read for the copy, unchanged since. */
export function unchangedSince(sources: ReadonlyMap<string, SourceIdentity>): RemovalCheck {
  return async (rel, st) => {
    const was = sources.get(rel);
    return was !== undefined && was.ino === st.ino && was.ctimeNs === st.ctimeNs && was.size === st.size;
  };
}

/** Removal check for recovery (identities are gone with the crashed process): same type and same content. */
export function sameContentAs(entries: readonly TreeEntry[]): RemovalCheck {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  return async (rel, st, p) => {
    const e = byPath.get(rel);
    if (!e || e.type !== entryType(st)) return false;
    if (e.type === 'symlink') return (await readlinkExact(p)) === e.linkTarget;
    if (e.type === 'file') return Number(st.size) === e.size && (await hashFile(p)).sha256 === e.sha256;
    return e.type === 'dir';
  };
}
