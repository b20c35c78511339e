// The only code that moves installs: into quarantine and back, journaled so a crash is finished or undone at the
// next start, and symlink-safe so a user's planted link never makes the root agent touch anything else.
import { randomBytes } from 'node:crypto';
import fs, { type BigIntStats } from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CordonError, asCordonError } from '../../common/errors.js';
import type { InstallRole, QuarantineItem } from '../../common/model.js';
import { osPath } from '../byteNames.js';
import { JOURNAL_ID, Journal, syncDirectory, type JournalRecord } from './journal.js';
import { MANIFEST_FILE, PAYLOAD, PAYLOAD_PARTIAL, forbiddenRead, itemOf, readManifest, summarize, writeManifest, type Manifest } from './manifest.js';
import { changedPath, DIR_FLAGS, dirRef, pinParent, pinnedEntry, releasePinned, reverifyPinned, unsafePath, type PinnedParent } from './pinnedPath.js';
import { TAR_END, tarHeader, tarPadding } from './tar.js';
import {
  DEFAULT_TREE_LIMITS,
  copyTree,
  hashFile,
  measureTree,
  nsToSeconds,
  removeVerifiedSource,
  restoreChangedTimes,
  sameContentAs,
  treeDifference,
  unchangedSince,
  walkTree,
  type SourceIdentity,
  type TreeEntry,
  type TreeLimits,
} from './tree.js';

export interface QuarantineOptions {
  /** Where items go (config `quarantineDir`); created 0700 and owned by the agent. */
  dir: string;
  /** The journal lives in `<stateDir>/quarantine-journal`. */
  stateDir: string;
  /** Copy, verify and remove even where a rename would do (exercises the cross-file-system path). */
  forceCopy?: boolean;
  /** Largest install moved (default DEFAULT_TREE_LIMITS); a larger one is refused before anything moves. */
  limits?: TreeLimits;
  now?: () => Date;
}

export interface QuarantineRequest {
  /** The matched install: a file, a folder or a symlink (moved as the link itself). */
  path: string;
  /** The scanned location it was found under; nothing above it is trusted, nothing outside it is touched. */
  scanRoot: string;
  tool: string;
  policy: string;
  rule: string;
  user?: string;
  role?: InstallRole;
}

export interface RecoveredOperation {
  id: string;
  op: 'quarantine' | 'restore';
  /** finished: rolled forward; rolled-back: undone, everything where it was; in-progress: another live process owns it. */
  outcome: 'finished' | 'rolled-back' | 'in-progress' | 'failed';
  detail: string;
}

export interface RecoveryReport {
  operations: RecoveredOperation[];
}

type Method = 'rename' | 'copy';

/** This process's mark for the journal (absent where the OS has none). */
function ownMark(): { pidMark?: string } {
  const mark = processMark(process.pid);
  return mark === null ? {} : { pidMark: mark };
}

interface QuarantineIntent {
  op: 'quarantine';
  pid: number;
  pidMark?: string;
  originalPath: string;
  scanRoot: string;
  method: Method;
  request: Omit<QuarantineRequest, 'path' | 'scanRoot'>;
  quarantinedAt: string;
  /** The install's own times before the move (a directory's may change when it is renamed). */
  atimeNs: string;
  mtimeNs: string;
}

interface RestoreIntent {
  op: 'restore';
  pid: number;
  pidMark?: string;
  method: Method;
  staging: string;
}

/** Item ids are the journal's ids: what newId makes, nothing a path could be built from. */
const ID_PATTERN = JOURNAL_ID;
/** Room left free after a quarantine copy, for the audit log and the state files. */
const MIN_FREE_AFTER = 64 * 1024 * 1024;

const isRoot = (): boolean => process.getuid?.() === 0;

/** Operations this process is carrying out right now; recovery leaves them alone. */
const inFlight = new Set<string>();

function exists(p: string): boolean {
  try {
    fs.lstatSync(osPath(p));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Who a pid is, across reboots and pid reuse: the boot id and the process's start time (Linux); null elsewhere.
 * A journal names its writer by this mark, so a stranger that later got the same pid is not taken for it.
 */
function processMark(pid: number): string | null {
  try {
    const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return `${boot}/${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? ''}`;
  } catch {
    return null;
  }
}

/** Whether the writer of a journal still runs: the same pid and, when the journal recorded it, the same mark. */
function writerAlive(intent: JournalRecord | undefined): boolean {
  const pid = typeof intent?.pid === 'number' ? intent.pid : 0;
  if (pid <= 0 || pid === process.pid || !isAlive(pid)) return false;
  return typeof intent?.pidMark !== 'string' || processMark(pid) === intent.pidMark;
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/** A macOS bundle (`Claude.app`): a folder whose signature and metadata only a rename keeps intact. */
function isAppBundle(target: string, st: BigIntStats): boolean {
  return st.isDirectory() && /\.app$/i.test(target.replace(/[\\/]+$/, ''));
}

function checkId(id: string): void {
  if (!ID_PATTERN.test(id)) {
    throw new CordonError('not-found', `"${id}" is not a quarantine item id`, { fix: 'see `cordon quarantine list` for the ids' });
  }
}

function failure(code: 'quarantine-failed' | 'restore-failed', err: unknown, where: string): CordonError {
  if (err instanceof CordonError) return err;
  const e = err as NodeJS.ErrnoException;
  return new CordonError(code, `${e.code ?? 'error'}: ${e.message}`, { where }, err);
}

export class Quarantine {
  readonly dir: string;
  private readonly journal: Journal;
  private readonly forceCopy: boolean;
  private readonly limits: TreeLimits;
  private readonly now: () => Date;

  constructor(options: QuarantineOptions) {
    this.dir = path.resolve(options.dir);
    this.now = options.now ?? (() => new Date());
    this.journal = new Journal(path.join(path.resolve(options.stateDir), 'quarantine-journal'), this.now);
    this.forceCopy = options.forceCopy ?? false;
    this.limits = options.limits ?? DEFAULT_TREE_LIMITS;
  }

  /** Creates the quarantine directory (0700) and refuses one that is a symlink or owned by someone else. */
  private async ensureDir(): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const st = await fsp.lstat(this.dir);
    if (st.isSymbolicLink() || !st.isDirectory()) throw unsafePath(this.dir, 'the quarantine directory is a symbolic link or not a directory');
    const uid = process.geteuid?.();
    if (uid !== undefined && st.uid !== uid) throw unsafePath(this.dir, `the quarantine directory is owned by uid ${st.uid}, not by the agent`);
    if ((st.mode & 0o777) !== 0o700) await fsp.chmod(this.dir, 0o700);
  }

  private newId(): string {
    const stamp = this.now()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    return `${stamp}-${randomBytes(4).toString('hex')}`;
  }

  private itemDir(id: string): string {
    return path.join(this.dir, id);
  }

  /** Moves the install into `<dir>/<id>/payload` and records it in `<dir>/<id>/manifest.json`. */
  async quarantine(req: QuarantineRequest): Promise<QuarantineItem> {
    await this.ensureDir();
    const pinned = await pinParent(req.scanRoot, req.path);
    try {
      if (isInside(this.dir, pinned.target) || isInside(pinned.target, this.dir)) {
        throw unsafePath(pinned.target, `overlaps the quarantine directory ${this.dir}`);
      }
      const source = pinnedEntry(pinned);
      const st = await fsp.lstat(osPath(source), { bigint: true }).catch((err: NodeJS.ErrnoException) => {
        throw new CordonError('not-found', 'the install to quarantine does not exist', { where: pinned.target }, err);
      });
      const size = await measureTree(source, this.limits);
      if (this.forceCopy || (await fsp.stat(this.dir, { bigint: true })).dev !== st.dev) await assertRoomFor(this.dir, size.bytes);
      const id = this.newId();
      const intent: QuarantineIntent = {
        op: 'quarantine',
        pid: process.pid,
        ...ownMark(),
        originalPath: pinned.target,
        scanRoot: pinned.scanRoot,
        method: this.forceCopy ? 'copy' : 'rename',
        request: { tool: req.tool, policy: req.policy, rule: req.rule, role: req.role ?? 'program', ...(req.user ? { user: req.user } : {}) },
        quarantinedAt: this.now().toISOString(),
        atimeNs: st.atimeNs.toString(),
        mtimeNs: st.mtimeNs.toString(),
      };
      inFlight.add(id);
      try {
        await this.journal.begin(id, { ...intent });
        let moved: MovedIn;
        try {
          await fsp.mkdir(this.itemDir(id), 0o700);
          await syncDirectory(this.dir);
          moved = await this.moveIn(id, pinned, st, intent.method);
          await this.journal.append(id, 'moved');
        } catch (err) {
          await this.settleAfterError(id);
          throw failure('quarantine-failed', err, pinned.target);
        }
        const manifest = await this.completeQuarantine(id, { ...intent, method: moved.method }, pinned, moved);
        return itemOf(manifest);
      } finally {
        inFlight.delete(id);
      }
    } finally {
      await releasePinned(pinned);
    }
  }

  /** The move itself: a rename within one file system, else copy, fsync, verify by hash. */
  private async moveIn(id: string, pinned: PinnedParent, seen: BigIntStats, method: Method): Promise<MovedIn> {
    const itemDir = this.itemDir(id);
    const source = pinnedEntry(pinned);
    if (method === 'rename') {
      await moveStep.beforeRename(pinned, seen);
      try {
        await fsp.rename(osPath(source), path.join(itemDir, PAYLOAD));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
        await this.journal.append(id, 'method', { method: 'copy' });
        return this.moveIn(id, pinned, seen, 'copy');
      }
      await syncDirectory(itemDir);
      await pinned.handle.sync();
      return { method };
    }
    if (isAppBundle(pinned.target, seen)) {
      throw new CordonError(
        'quarantine-failed',
        'an app bundle is only moved whole within its volume: a copy would lose its extended attributes (code signature), ACLs and file flags',
        {
          where: pinned.target,
          fix: 'put quarantineDir on the same volume as the app (the default, under the state folder, is)',
        },
      );
    }
    await moveStep.beforeRename(pinned, seen);
    const copy = await copyTree(source, itemDir, PAYLOAD_PARTIAL, isRoot());
    const written = await walkTree(itemDir, PAYLOAD_PARTIAL);
    const difference = treeDifference(copy.entries, written, isRoot());
    if (difference) throw new CordonError('quarantine-failed', `the copy does not match the install (${difference})`, { where: pinned.target });
    await fsp.rename(path.join(itemDir, PAYLOAD_PARTIAL), path.join(itemDir, PAYLOAD));
    await syncDirectory(itemDir);
    return { method, entries: written, sources: copy.sources };
  }

  /** After the move: write the manifest, remove a copied source, drop the journal. Idempotent (recovery reruns it). */
  private async completeQuarantine(id: string, intent: QuarantineIntent, pinned: PinnedParent | null, moved: MovedIn): Promise<Manifest> {
    const itemDir = this.itemDir(id);
    const entries = moved.entries ?? (await walkTree(itemDir, PAYLOAD));
    const root = entries[0] as TreeEntry;
    if (intent.method === 'rename') Object.assign(root, { atimeNs: intent.atimeNs, mtimeNs: intent.mtimeNs });
    const manifest: Manifest = {
      formatVersion: 1,
      id,
      tool: intent.request.tool,
      originalPath: intent.originalPath,
      quarantinedAt: intent.quarantinedAt,
      policy: intent.request.policy,
      rule: intent.request.rule,
      ...summarize(entries),
      role: intent.request.role ?? 'program',
      ...(intent.request.user ? { user: intent.request.user } : {}),
      scanRoot: intent.scanRoot,
      type: root.type,
      owner: { uid: root.uid, gid: root.gid },
      mode: root.mode,
      method: intent.method,
      entries,
    };
    await writeManifest(itemDir, manifest);
    await this.journal.append(id, 'manifest-written');
    if (intent.method === 'copy') {
      const leftovers = await this.removeCopiedSource(intent, pinned, moved.sources ? unchangedSince(moved.sources) : sameContentAs(entries));
      if (leftovers.length) {
        manifest.leftovers = leftovers;
        await writeManifest(itemDir, manifest);
      }
    }
    await this.journal.finish(id);
    return manifest;
  }

  private async removeCopiedSource(
    intent: QuarantineIntent,
    pinned: PinnedParent | null,
    check: Parameters<typeof removeVerifiedSource>[1],
  ): Promise<string[]> {
    const parent = pinned ?? (await pinParent(intent.scanRoot, intent.originalPath).catch(() => null));
    if (!parent) return ['.'];
    try {
      await reverifyPinned(parent);
      const leftovers = await removeVerifiedSource(pinnedEntry(parent), check);
      await parent.handle.sync();
      return leftovers;
    } finally {
      if (!pinned) await releasePinned(parent);
    }
  }

  /** After a failure mid-operation: settle the item now the way a restart would, keeping the error for the caller. */
  private async settleAfterError(id: string): Promise<void> {
    const op = this.journal.pending().find((p) => p.id === id && p.refused === undefined);
    if (op) await this.recoverOne(id, op.records).catch(() => undefined);
  }

  /** Finishes or rolls back every operation a killed or crashed agent left in the journal. */
  async recover(): Promise<RecoveryReport> {
    const operations: RecoveredOperation[] = [];
    for (const { id, records, refused } of this.journal.pending()) {
      if (refused !== undefined) {
        operations.push({ id, op: 'quarantine', outcome: 'failed', detail: `journal refused, left untouched: ${refused}` });
        continue;
      }
      const intent = records[0];
      const pid = typeof intent?.pid === 'number' ? intent.pid : 0;
      const op = intent?.op === 'restore' ? 'restore' : 'quarantine';
      if (inFlight.has(id) || writerAlive(intent)) {
        operations.push({ id, op, outcome: 'in-progress', detail: `being carried out by process ${pid}` });
        continue;
      }
      try {
        operations.push(await this.recoverOne(id, records));
      } catch (err) {
        operations.push({ id, op, outcome: 'failed', detail: asCordonError(err).oneLine() });
      }
    }
    return { operations };
  }

  private async recoverOne(id: string, records: JournalRecord[]): Promise<RecoveredOperation> {
    const intent = records[0];
    if (!intent || intent.step !== 'intent') {
      await this.journal.discard(id);
      return { id, op: 'quarantine', outcome: 'rolled-back', detail: 'interrupted before it started' };
    }
    const steps = new Set(records.map((r) => r.step));
    const switched = records.filter((r) => r.step === 'method').pop();
    const method = (switched?.method ?? intent.method) as Method;
    if (intent.op === 'restore') return this.recoverRestore(id, { ...(intent as unknown as RestoreIntent), method }, steps);
    return this.recoverQuarantine(id, { ...(intent as unknown as QuarantineIntent), method }, steps);
  }

  private async recoverQuarantine(id: string, intent: QuarantineIntent, steps: Set<string>): Promise<RecoveredOperation> {
    const itemDir = this.itemDir(id);
    const result = (outcome: RecoveredOperation['outcome'], detail: string): RecoveredOperation => ({ id, op: 'quarantine', outcome, detail });
    if (!steps.has('moved')) {
      if (!exists(path.join(itemDir, PAYLOAD))) {
        await fsp.rm(itemDir, { recursive: true, force: true });
        await this.journal.discard(id);
        return result('rolled-back', `${intent.originalPath} was not moved and stays in place`);
      }
      if (intent.method === 'copy' && !(await this.copyMatchesSource(id, intent))) {
        await fsp.rm(itemDir, { recursive: true, force: true });
        await this.journal.discard(id);
        return result('rolled-back', `${intent.originalPath} changed during the copy; it stays in place and the copy was dropped`);
      }
      await this.journal.append(id, 'moved');
    }
    await this.completeQuarantine(id, intent, null, { method: intent.method });
    return result('finished', `${intent.originalPath} is in quarantine`);
  }

  /** A verified copy whose journal lacks `moved`: keep it only if the source still is exactly it (or is gone). */
  private async copyMatchesSource(id: string, intent: QuarantineIntent): Promise<boolean> {
    const copied = await walkTree(this.itemDir(id), PAYLOAD);
    const pinned = await pinParent(intent.scanRoot, intent.originalPath);
    try {
      if (!exists(pinnedEntry(pinned))) return true;
      return treeDifference(copied, await walkTree(pinned.ref, pinned.name), isRoot()) === null;
    } finally {
      await releasePinned(pinned);
    }
  }

  private async recoverRestore(id: string, intent: RestoreIntent, steps: Set<string>): Promise<RecoveredOperation> {
    const itemDir = this.itemDir(id);
    const result = (outcome: RecoveredOperation['outcome'], detail: string): RecoveredOperation => ({ id, op: 'restore', outcome, detail });
    if (!steps.has('moved')) {
      const payloadThere = exists(path.join(itemDir, PAYLOAD));
      let back = !payloadThere;
      if (intent.method === 'copy' && payloadThere) back = await this.settleRestoreCopy(id, intent);
      if (!back) {
        await this.journal.discard(id);
        return result('rolled-back', `item ${id} stays in quarantine`);
      }
      await this.journal.append(id, 'moved');
    }
    await this.completeRestore(id);
    return result('finished', `item ${id} is back at its original path`);
  }

  /** Interrupted restore by copy: drop a partial copy, or recognise a complete one already renamed into place. */
  private async settleRestoreCopy(id: string, intent: RestoreIntent): Promise<boolean> {
    const manifest = readManifest(this.itemDir(id), id);
    const pinned = await pinParent(manifest.scanRoot, manifest.originalPath);
    try {
      if (exists(pinnedEntry(pinned, intent.staging))) {
        await fsp.rm(osPath(pinnedEntry(pinned, intent.staging)), { recursive: true, force: true });
        return false;
      }
      if (!exists(pinnedEntry(pinned))) return false;
      return treeDifference(manifest.entries, await walkTree(pinned.ref, pinned.name), isRoot()) === null;
    } finally {
      await releasePinned(pinned);
    }
  }

  private async completeRestore(id: string): Promise<void> {
    await fsp.rm(this.itemDir(id), { recursive: true, force: true });
    await syncDirectory(this.dir);
    await this.journal.finish(id);
  }

  /** Quarantined items, oldest first (items still being moved in are not listed until their manifest exists). */
  list(): QuarantineItem[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return [];
      if (code === 'EACCES') throw forbiddenRead(this.dir, err);
      throw err;
    }
    return names
      .filter((n) => ID_PATTERN.test(n) && exists(path.join(this.dir, n, MANIFEST_FILE)))
      .map((n) => itemOf(readManifest(this.itemDir(n), n)))
      .sort((a, b) => a.quarantinedAt.localeCompare(b.quarantinedAt) || a.id.localeCompare(b.id));
  }

  /** The full manifest of one item: every entry with its mode, owner, times and hash. */
  manifest(id: string): Manifest {
    checkId(id);
    return readManifest(this.itemDir(id), id);
  }

  /**
   * Puts an item back exactly where and as it was. Refuses when something now exists at the original path or
   * a directory on the way is a symlink; checks the payload's entries against the manifest first (a copy back also by hash).
   */
  async restore(id: string): Promise<QuarantineItem> {
    const manifest = this.manifest(id);
    await this.ensureDir();
    const itemDir = this.itemDir(id);
    const payload = path.join(itemDir, PAYLOAD);
    const pinned = await pinParent(manifest.scanRoot, manifest.originalPath, { createMissing: manifest.owner });
    try {
      await assertFree(pinned);
      const current = await walkTree(itemDir, PAYLOAD, false);
      const difference = treeDifference(manifest.entries, current, isRoot(), false);
      if (difference) {
        throw new CordonError('restore-failed', `the quarantined copy no longer matches its manifest (${difference})`, { where: payload });
      }
      const sameDevice = fs.statSync(itemDir).dev === Number(pinned.chain[pinned.chain.length - 1]?.dev);
      const intent: RestoreIntent = {
        op: 'restore',
        pid: process.pid,
        ...ownMark(),
        method: sameDevice && !this.forceCopy ? 'rename' : 'copy',
        staging: `.cordon-restore-${id}-${randomBytes(4).toString('hex')}`,
      };
      inFlight.add(id);
      try {
        await this.journal.begin(id, { ...intent });
        try {
          await this.moveBack(id, intent, pinned, manifest, current);
          await this.journal.append(id, 'moved');
        } catch (err) {
          await this.settleAfterError(id);
          throw failure('restore-failed', err, manifest.originalPath);
        }
        await this.completeRestore(id);
      } finally {
        inFlight.delete(id);
      }
      return itemOf(manifest);
    } finally {
      await releasePinned(pinned);
    }
  }

  private async moveBack(id: string, intent: RestoreIntent, pinned: PinnedParent, manifest: Manifest, current: TreeEntry[]): Promise<void> {
    const payload = path.join(this.itemDir(id), PAYLOAD);
    const target = pinnedEntry(pinned);
    const root = manifest.entries[0] as TreeEntry;
    if (intent.method === 'rename') {
      await restoreChangedTimes(payload, manifest.entries, current);
      await reverifyPinned(pinned);
      await assertFree(pinned);
      try {
        await fsp.rename(payload, osPath(target));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
        await this.journal.append(id, 'method', { method: 'copy' });
        await this.moveBack(id, { ...intent, method: 'copy' }, pinned, manifest, current);
        return;
      }
      await fsp.lutimes(osPath(target), nsToSeconds(root.atimeNs), nsToSeconds(root.mtimeNs));
      await pinned.handle.sync();
      return;
    }
    await copyTree(payload, pinned.ref, intent.staging, isRoot());
    const written = await walkTree(pinned.ref, intent.staging);
    const difference = treeDifference(manifest.entries, written, isRoot());
    if (difference) throw new CordonError('restore-failed', `the restored copy does not match (${difference})`, { where: manifest.originalPath });
    await reverifyPinned(pinned);
    await assertFree(pinned);
    await fsp.rename(osPath(pinnedEntry(pinned, intent.staging)), osPath(target));
    await pinned.handle.sync();
  }

  /**
   * Writes the item's files as a tar archive into `destDir` (never over an existing file), owned by the item's
   * owner: a user gets their data (such as conversation history) back without getting the tool back.
   */
  async exportItem(id: string, destDir: string): Promise<string> {
    const manifest = this.manifest(id);
    const payload = path.join(this.itemDir(id), PAYLOAD);
    const base = path.basename(manifest.originalPath);
    const dest = path.resolve(destDir);
    const out = path.join(dest, `${base}-${id}.tar`);
    const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
    // The archive is chowned to the item's owner: a link planted anywhere on the way must not steer it elsewhere.
    const destHandle = await openRealDirectory(dest);
    const handle = await fsp
      .open(`${dirRef(destHandle, dest)}/${path.basename(out)}`, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
      .catch((err: NodeJS.ErrnoException) => {
        throw new CordonError(
          'input-invalid',
          `cannot create the archive (${err.code ?? 'error'})`,
          { where: out, fix: 'choose an existing folder without a file of that name' },
          err,
        );
      })
      .finally(() => destHandle.close());
    try {
      for (const entry of manifest.entries) {
        if (entry.type === 'other') continue;
        const name = entry.path === '.' ? base : `${base}/${entry.path}`;
        const source = entry.path === '.' ? payload : path.join(payload, entry.path);
        await handle.write(
          tarHeader({
            name,
            type: entry.type,
            mode: entry.mode,
            uid: entry.uid,
            gid: entry.gid,
            mtimeNs: BigInt(entry.mtimeNs),
            size: entry.size,
            ...(entry.linkTarget !== undefined ? { linkTarget: entry.linkTarget } : {}),
          }),
        );
        if (entry.type === 'file') {
          await appendVerified(handle, source, entry);
          await handle.write(tarPadding(entry.size));
        }
      }
      await handle.write(TAR_END);
      await handle.sync();
      if (isRoot()) await handle.chown(manifest.owner.uid, manifest.owner.gid);
    } catch (err) {
      await handle.close();
      await fsp.rm(out, { force: true });
      throw failure('quarantine-failed', err, out);
    }
    await handle.close();
    return out;
  }
}

interface MovedIn {
  method: Method;
  /** Known when the move was a verified copy; otherwise read from the payload. */
  entries?: TreeEntry[];
  sources?: Map<string, SourceIdentity>;
}

/** Seams between the check and the move, exported so tests can act in that window (e.g. swap in a symlink). */
export const moveStep = {
  /** Re-checks the path chain and that the install is still the entry first seen, right before it is taken. */
  async beforeRename(pinned: PinnedParent, seen: BigIntStats): Promise<void> {
    await reverifyPinned(pinned);
    const now = await fsp.lstat(osPath(pinnedEntry(pinned)), { bigint: true }).catch(() => null);
    if (!now || !sameEntry(now, seen)) throw changedPath(pinned.target, 'was replaced after it was checked');
  },
};

/** Same inode, type and birth time: a deleted entry's inode number is often reused at once by its replacement. */
function sameEntry(a: BigIntStats, b: BigIntStats): boolean {
  return a.dev === b.dev && a.ino === b.ino && (a.mode & 0o170000n) === (b.mode & 0o170000n) && a.birthtimeNs === b.birthtimeNs;
}

async function assertFree(pinned: PinnedParent): Promise<void> {
  if (exists(pinnedEntry(pinned))) {
    throw new CordonError('restore-failed', 'something now exists at the original path', {
      where: pinned.target,
      fix: 'move it away first (restore never overwrites)',
    });
  }
}

/** Opens a folder that is exactly the path given: no symbolic link in it or on the way. */
async function openRealDirectory(dir: string): Promise<FileHandle> {
  const handle = await fsp.open(osPath(dir), DIR_FLAGS).catch((err: NodeJS.ErrnoException) => {
    throw new CordonError(
      'input-invalid',
      `not a folder that can be opened (${err.code ?? 'error'})`,
      { where: dir, fix: 'choose an existing folder that is not a symbolic link' },
      err,
    );
  });
  const real = await fsp.realpath(dirRef(handle, dir)).catch(() => null);
  if (real !== dir) {
    await handle.close();
    throw unsafePath(dir, `is reached through a symbolic link (it is really ${real ?? 'unknown'}); refusing to write there`);
  }
  return handle;
}

/**
 * A move may turn into a copy (another file system), which writes every apparent byte: refuse up front when the
 * quarantine's file system cannot take it, rather than fill the disk half way.
 */
async function assertRoomFor(dir: string, bytes: number): Promise<void> {
  const fsStat = await fsp.statfs(dir);
  const free = fsStat.bavail * fsStat.bsize;
  if (bytes > free - MIN_FREE_AFTER) {
    throw new CordonError('quarantine-failed', `not enough free space in the quarantine folder for ${bytes} bytes; the install stays in place`, {
      where: dir,
      fix: 'free space there or move quarantineDir to a larger file system',
    });
  }
}

/** Streams one payload file into the archive, checking it still has the hash the manifest recorded. */
async function appendVerified(out: FileHandle, file: string, entry: TreeEntry): Promise<void> {
  const { sha256, size } = await hashFile(file, out);
  if (size !== entry.size || sha256 !== entry.sha256) {
    throw new CordonError('quarantine-failed', 'the quarantined file no longer matches its manifest', { where: file });
  }
}
