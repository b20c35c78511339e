// The write-ahead journal of quarantine and restore: every step is fsync'd before the next one starts, so the
// next start knows exactly how far an interrupted operation got and can finish or undo it.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { CordonError } from '../../common/errors.js';
import { untrustedReason } from '../fileTrust.js';

export type JournalStep = 'intent' | 'method' | 'moved' | 'manifest-written' | 'done';

export interface JournalRecord {
  step: JournalStep;
  at: string;
  [key: string]: unknown;
}

export interface PendingOperation {
  id: string;
  records: JournalRecord[];
  /** Why recovery must not act on it: a name the journal never writes, or a file another account could have written. */
  refused?: string;
}

const SUFFIX = '.journal';

/** The only id the journal writes (Quarantine's item ids): the UTC time and 8 hex digits. No dots, no separators. */
export const JOURNAL_ID = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;

/**
 * Error codes of a directory flush that the OS documents as unsupported: Windows opens no directory as a file (EISDIR)
 * and refuses FlushFileBuffers on a directory handle (EPERM; nodejs/node#3879). NTFS journals its own metadata.
 */
const DIR_SYNC_UNSUPPORTED: Readonly<Record<string, readonly string[]>> = { win32: ['EPERM', 'EISDIR'] };

/** One journal file per item id: its existence is also the lock that keeps two operations off one item. */
export class Journal {
  constructor(
    readonly dir: string,
    private readonly now: () => Date,
    /** Why a journal file could have been written by another account, or null (fileTrust: owners and modes, or ACLs). */
    private readonly untrusted: (file: string) => string | null = untrustedReason,
  ) {}

  private file(id: string): string {
    if (!JOURNAL_ID.test(id)) throw new CordonError('quarantine-failed', `"${id}" is not a journal id`, { where: this.dir });
    return path.join(this.dir, `${id}${SUFFIX}`);
  }

  private line(step: JournalStep, fields: Record<string, unknown>): string {
    return `${JSON.stringify({ step, at: this.now().toISOString(), ...fields })}\n`;
  }

  /** Starts an operation; fails if one on the same item is in progress or was interrupted. */
  async begin(id: string, fields: Record<string, unknown>): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    let handle;
    try {
      handle = await fsp.open(this.file(id), 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      throw new CordonError('quarantine-failed', `an operation on quarantine item ${id} is in progress or was interrupted`, {
        where: this.file(id),
        fix: 'wait for it to finish, or restart the agent so it recovers the interrupted operation',
      });
    }
    try {
      await handle.write(this.line('intent', fields));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await syncDirectory(this.dir);
  }

  async append(id: string, step: JournalStep, fields: Record<string, unknown> = {}): Promise<void> {
    const handle = await fsp.open(this.file(id), 'a');
    try {
      await handle.write(this.line(step, fields));
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Marks the operation done and drops its journal. */
  async finish(id: string): Promise<void> {
    await this.append(id, 'done');
    await fsp.unlink(this.file(id));
    await syncDirectory(this.dir);
  }

  /** Operations whose journal is still there; a torn last line (killed mid-write) is ignored. */
  pending(): PendingOperation[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names
      .filter((n) => n.endsWith(SUFFIX))
      .sort()
      .map((n): PendingOperation => {
        const id = n.slice(0, -SUFFIX.length);
        if (!JOURNAL_ID.test(id)) return { id, records: [], refused: `${n} is not a name the journal writes` };
        // Recovery deletes and moves as the agent: it acts only on what the agent itself could have written.
        const reason = this.untrusted(path.join(this.dir, n));
        if (reason !== null) return { id, records: [], refused: reason };
        return { id, records: parseRecords(fs.readFileSync(path.join(this.dir, n), 'utf8')) };
      });
  }

  /** Drops the journal of an operation that never started to move anything. */
  async discard(id: string): Promise<void> {
    await fsp.rm(this.file(id), { force: true });
    await syncDirectory(this.dir);
  }
}

function parseRecords(text: string): JournalRecord[] {
  const records: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      break;
    }
  }
  return records;
}

/** Whether a failed directory flush is one this OS documents as unsupported (nothing to flush), not a failure. */
export function dirSyncUnsupported(code: string | undefined, platform: NodeJS.Platform = process.platform): boolean {
  return code !== undefined && (DIR_SYNC_UNSUPPORTED[platform] ?? []).includes(code);
}

/** Flushes a directory's entries (a rename or new file in it) where the OS can. */
export async function syncDirectory(dir: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  let handle;
  try {
    handle = await fsp.open(dir, fs.constants.O_RDONLY | (fs.constants.O_DIRECTORY ?? 0));
    await handle.sync();
  } catch (err) {
    if (!dirSyncUnsupported((err as NodeJS.ErrnoException).code, platform)) throw err;
  } finally {
    await handle?.close();
  }
}
