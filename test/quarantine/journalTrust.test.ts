// The quarantine journal acts only on what the agent wrote: ids of its own format, files no other account could write,
// and a directory flush the OS documents as unsupported (Windows) is not a failure.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Quarantine } from '../../agent/adapters/quarantine/index.js';
import { JOURNAL_ID, dirSyncUnsupported } from '../../agent/adapters/quarantine/journal.js';
import { FIXTURE_UID, tempDir } from './trees.js';

const cleanup: string[] = [];
afterEach(() => {
  for (const dir of cleanup.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function scene() {
  const root = tempDir('journal');
  cleanup.push(root);
  const home = path.join(root, 'home', 'alice');
  const install = path.join(home, '.claude-code');
  fs.mkdirSync(install, { recursive: true });
  const stateDir = path.join(root, 'state');
  const journalDir = path.join(stateDir, 'quarantine-journal');
  fs.mkdirSync(journalDir, { recursive: true, mode: 0o700 });
  const q = new Quarantine({ dir: path.join(stateDir, 'quarantine'), stateDir });
  // A journal of a quarantine interrupted before anything moved: recovery would roll it back by dropping it.
  const intent = { step: 'intent', at: '2026-07-10T00:00:00Z', op: 'quarantine', pid: 999999, originalPath: install, scanRoot: home, method: 'rename' };
  const write = (name: string) => {
    const file = path.join(journalDir, name);
    fs.writeFileSync(file, `${JSON.stringify(intent)}\n`, { mode: 0o600 });
    return file;
  };
  return { root, stateDir, journalDir, install, q, write };
}

describe('journal names', () => {
  it('accepts only the ids the journal writes', () => {
    expect(JOURNAL_ID.test('20260710T000000Z-0a1b2c3d')).toBe(true);
    for (const id of ['..', '.', '../../etc', 'a/b', 'a\\b', '20260710T000000Z-0A1B2C3D', '20260710T000000Z-0a1b2c3d/..', ''])
      expect(JOURNAL_ID.test(id), id).toBe(false);
  });

  it('refuses a journal whose id is `..` and leaves the state folder and the journal as they were', async () => {
    const { stateDir, journalDir, q, write } = scene();
    write('...journal');
    fs.mkdirSync(path.join(stateDir, 'quarantine'), { mode: 0o700 });
    const report = await q.recover();
    expect(report.operations).toEqual([
      { id: '..', op: 'quarantine', outcome: 'failed', detail: 'journal refused, left untouched: ...journal is not a name the journal writes' },
    ]);
    expect(fs.readdirSync(journalDir)).toEqual(['...journal']);
    expect(fs.existsSync(path.join(stateDir, 'quarantine'))).toBe(true);
  });
});

describe('journal owners', () => {
  it('recovers a journal the agent wrote, and refuses the same journal once another account owns it', async () => {
    const own = scene();
    own.write('20260710T000000Z-00000001.journal');
    expect((await own.q.recover()).operations).toEqual([expect.objectContaining({ id: '20260710T000000Z-00000001', outcome: 'rolled-back' })]);

    const forged = scene();
    const file = forged.write('20260710T000000Z-00000002.journal');
    fs.chownSync(file, FIXTURE_UID, FIXTURE_UID);
    const report = await forged.q.recover();
    expect(report.operations).toEqual([
      {
        id: '20260710T000000Z-00000002',
        op: 'quarantine',
        outcome: 'failed',
        detail: `journal refused, left untouched: ${file} is owned by uid ${FIXTURE_UID}, not by root or the agent's account`,
      },
    ]);
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.existsSync(forged.install)).toBe(true);
  });

  it('refuses a journal in a folder any user may write', async () => {
    const { journalDir, q, write } = scene();
    write('20260710T000000Z-00000003.journal');
    fs.chmodSync(journalDir, 0o777);
    const [op] = (await q.recover()).operations;
    expect(op?.outcome).toBe('failed');
    expect(op?.detail).toContain('writable by every user');
  });
});

describe('flushing a directory', () => {
  // Node on Windows: opening a directory as a file gives EISDIR, FlushFileBuffers on a directory handle EPERM
  // (nodejs/node#3879; Microsoft Learn, FlushFileBuffers takes a file or volume handle). Elsewhere both are real failures.
  it.each([
    ['win32', 'EPERM', true],
    ['win32', 'EISDIR', true],
    ['win32', 'EIO', false],
    ['linux', 'EPERM', false],
    ['darwin', 'EISDIR', false],
    ['linux', undefined, false],
  ] as const)('on %s, %s is %s', (platform, code, tolerated) => {
    expect(dirSyncUnsupported(code, platform)).toBe(tolerated);
  });
});
