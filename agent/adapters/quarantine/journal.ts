// The write-ahead journal of quarantine and restore: every step is fsync'd before the next one starts, so the
// next start knows exactly how far an interrupted operation got and can finish or undo it.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { CordonError } from '../../common/errors.js';

export type JournalStep = 'intent' | 'method' | 'moved' | 'manifest-written' | 'done';

export interface JournalRecord {
  step: JournalStep;
  at: string;
  [key: string]: unknown;
}

export interface PendingOperation {
  id: string;
  records: JournalRecord[];
}

const SUFFIX = '.journal';

/** One journal file per item id: its existence is also the lock that keeps two operations off one item. */
export class Journal {
  constructor(
    readonly dir: string,
    private readonly now: () => Date,
  ) {}

  private file(id: string): string {
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
      .map((n) => ({ id: n.slice(0, -SUFFIX.length), records: parseRecords(fs.readFileSync(path.join(this.dir, n), 'utf8')) }));
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

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fsp.open(dir, fs.constants.O_RDONLY | (fs.constants.O_DIRECTORY ?? 0));
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
