// Quarantine moves real installs aside and puts them back exactly: bytes, modes, owners, times and links.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Quarantine } from '../../agent/adapters/quarantine/index.js';
import { CordonError } from '../../agent/common/errors.js';
import { expectSameTree, makeInstall, snapshotTree, tempDir } from './trees.js';

const cleanup: string[] = [];
afterEach(() => {
  for (const dir of cleanup.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function setup(options: { quarantineBase?: string; forceCopy?: boolean } = {}) {
  const root = tempDir('q');
  cleanup.push(root);
  const home = path.join(root, 'home', 'alice');
  const outside = path.join(root, 'outside');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'precious.txt'), 'not part of the install');
  let qdir = path.join(root, 'state', 'quarantine');
  if (options.quarantineBase) {
    const base = tempDir('qd', options.quarantineBase);
    cleanup.push(base);
    qdir = path.join(base, 'quarantine');
  }
  const q = new Quarantine({ dir: qdir, stateDir: path.join(root, 'state'), forceCopy: options.forceCopy ?? false });
  return { root, home, outside, qdir, q };
}

const request = (p: string, scanRoot: string) => ({ path: p, scanRoot, tool: 'claude-code', policy: 'anthropic-ban', rule: 'claude-code' });

async function errorOf(promise: Promise<unknown>): Promise<CordonError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(CordonError);
    return err as CordonError;
  }
  throw new Error('expected an error');
}

describe.each([
  { name: 'a rename on one file system', options: {}, method: 'rename' },
  { name: 'a forced copy', options: { forceCopy: true }, method: 'copy' },
  { name: 'a real cross-file-system copy (/dev/shm)', options: { quarantineBase: '/dev/shm' }, method: 'copy' },
])('quarantine and restore by $name', ({ options, method }) => {
  it('puts a folder install back byte-identical with modes, owners, times and both kinds of links', async () => {
    const { home, outside, qdir, q } = setup(options);
    const install = path.join(home, '.local', 'share', 'claude');
    fs.mkdirSync(install, { recursive: true });
    makeInstall(install, path.join(outside, 'precious.txt'));
    const before = snapshotTree(install);
    const outsideBefore = snapshotTree(outside);

    const item = await q.quarantine(request(install, home));

    expect(fs.existsSync(install)).toBe(false);
    expect(item).toMatchObject({ tool: 'claude-code', originalPath: install, policy: 'anthropic-ban', rule: 'claude-code', method, files: 5, type: 'dir' });
    expect(item.bytes).toBe([...before.values()].reduce((sum, e) => sum + e.size, 0));
    expectSameTree(snapshotTree(path.join(qdir, item.id, 'payload')), before);
    expect(fs.statSync(qdir).mode & 0o777).toBe(0o700);
    expect(q.list().map((i) => i.id)).toEqual([item.id]);
    const manifest = q.manifest(item.id);
    expect(manifest.entries.find((e) => e.path === 'outside-link')).toMatchObject({ type: 'symlink', linkTarget: path.join(outside, 'precious.txt') });
    expect(manifest.entries.find((e) => e.path === 'secret.json')).toMatchObject({ type: 'file', mode: 0o600, size: 13 });

    await q.restore(item.id);

    expectSameTree(snapshotTree(install), before);
    expectSameTree(snapshotTree(outside), outsideBefore);
    expect(q.list()).toEqual([]);
    expect(fs.readdirSync(qdir)).toEqual([]);
  });

  it('moves a symlink as the link itself and leaves its target alone', async () => {
    const { home, outside, q } = setup(options);
    const link = path.join(home, '.local', 'bin', 'claude');
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(outside, link);
    const outsideBefore = snapshotTree(outside);

    const item = await q.quarantine(request(link, home));

    expect(item.type).toBe('symlink');
    expect(fs.existsSync(path.dirname(link)) && fs.readdirSync(path.dirname(link))).toEqual([]);
    expectSameTree(snapshotTree(outside), outsideBefore);
    await q.restore(item.id);
    expect(fs.readlinkSync(link)).toBe(outside);
  });

  it('puts back a single executable file with its owner, mode and time', async () => {
    const { home, q } = setup(options);
    const bin = path.join(home, '.local', 'bin', 'claude');
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    fs.writeFileSync(bin, Buffer.alloc(100_000, 3));
    fs.chmodSync(bin, 0o4755);
    fs.chownSync(bin, 1000, 1000);
    fs.chmodSync(bin, 0o4755);
    fs.utimesSync(bin, new Date('2024-01-01T00:00:00.123Z'), new Date('2024-02-02T00:00:00.456Z'));
    const before = snapshotTree(bin);

    const item = await q.quarantine(request(bin, home));
    expect(item).toMatchObject({ type: 'file', files: 1, bytes: 100_000, owner: { uid: 1000, gid: 1000 }, mode: 0o4755 });
    await q.restore(item.id);

    expectSameTree(snapshotTree(bin), before);
  });
});

describe('restore refuses what it cannot do safely', () => {
  it('never overwrites something that now exists at the original path', async () => {
    const { home, qdir, q } = setup();
    const install = path.join(home, '.claude-code');
    fs.mkdirSync(install);
    fs.writeFileSync(path.join(install, 'a'), 'old');
    const item = await q.quarantine(request(install, home));
    fs.mkdirSync(install);
    fs.writeFileSync(path.join(install, 'new'), 'reinstalled');

    const err = await errorOf(q.restore(item.id));

    expect(err.code).toBe('restore-failed');
    expect(err.message).toMatch(/exists at the original path/);
    expect(fs.readdirSync(install)).toEqual(['new']);
    expect(fs.readFileSync(path.join(qdir, item.id, 'payload', 'a'), 'utf8')).toBe('old');
    expect(q.list()).toHaveLength(1);
  });

  it('refuses when a folder on the way back became a symlink', async () => {
    const { home, outside, q } = setup();
    const install = path.join(home, '.local', 'share', 'claude');
    fs.mkdirSync(install, { recursive: true });
    fs.writeFileSync(path.join(install, 'cli.js'), 'x');
    const item = await q.quarantine(request(install, home));
    fs.renameSync(path.join(home, '.local', 'share'), path.join(home, '.local', 'share-real'));
    fs.symlinkSync(outside, path.join(home, '.local', 'share'));
    const outsideBefore = snapshotTree(outside);

    const err = await errorOf(q.restore(item.id));

    expect(err.code).toBe('unsafe-path');
    expect(err.details.where).toBe(path.join(home, '.local', 'share'));
    expectSameTree(snapshotTree(outside), outsideBefore);
    expect(q.list()).toHaveLength(1);
  });

  it('recreates missing parent folders for the owner', async () => {
    const { home, q } = setup();
    const install = path.join(home, '.local', 'share', 'claude');
    fs.mkdirSync(install, { recursive: true });
    fs.chownSync(install, 1000, 1000);
    const item = await q.quarantine(request(install, home));
    fs.rmSync(path.join(home, '.local'), { recursive: true });

    await q.restore(item.id);

    expect(fs.statSync(install).uid).toBe(1000);
    expect(fs.statSync(path.join(home, '.local', 'share')).uid).toBe(1000);
  });

  it('rejects ids that could name another path', async () => {
    const { q } = setup();
    expect((await errorOf(q.restore('../../etc'))).code).toBe('not-found');
    expect((await errorOf(q.restore('20260101T000000Z-00000000'))).code).toBe('not-found');
  });
});

describe('quarantine refuses targets it must not touch', () => {
  it.each([
    ['a path outside the scan root', (_home: string, root: string) => path.join(root, 'outside')],
    ['the scan root itself', (home: string) => home],
    ['a path climbing out with ..', (home: string) => `${home}/../../outside`],
    ['a relative path', () => 'outside'],
  ])('%s', async (_name, target) => {
    const { home, root, outside, q } = setup();
    const outsideBefore = snapshotTree(outside);
    const err = await errorOf(q.quarantine(request(target(home, root), home)));
    expect(err.code).toBe('unsafe-path');
    expectSameTree(snapshotTree(outside), outsideBefore);
    expect(fs.existsSync(home)).toBe(true);
  });

  it('refuses a quarantine directory that is a symlink', async () => {
    const { home, root, outside } = setup();
    fs.mkdirSync(path.join(root, 'state2'));
    fs.symlinkSync(outside, path.join(root, 'state2', 'quarantine'));
    const install = path.join(home, '.claude-code');
    fs.mkdirSync(install);
    const q = new Quarantine({ dir: path.join(root, 'state2', 'quarantine'), stateDir: path.join(root, 'state2') });

    const err = await errorOf(q.quarantine(request(install, home)));

    expect(err.code).toBe('unsafe-path');
    expect(fs.existsSync(install)).toBe(true);
    expect(fs.readdirSync(outside)).toEqual(['precious.txt']);
  });

  it('reports a missing install as not found', async () => {
    const { home, q } = setup();
    expect((await errorOf(q.quarantine(request(path.join(home, 'nope'), home)))).code).toBe('not-found');
    expect(q.list()).toEqual([]);
  });
});

describe('recovery', () => {
  it('leaves an operation of another live process alone, and rolls back a torn journal of a dead one', async () => {
    const { root, home, q } = setup();
    const install = path.join(home, '.claude-code');
    fs.mkdirSync(install);
    const journalDir = path.join(root, 'state', 'quarantine-journal');
    fs.mkdirSync(journalDir, { recursive: true });
    const intent = { step: 'intent', at: '2026-07-10T00:00:00Z', op: 'quarantine', originalPath: install, scanRoot: home, method: 'rename' };
    fs.writeFileSync(path.join(journalDir, '20260710T000000Z-00000001.journal'), `${JSON.stringify({ ...intent, pid: process.ppid })}\n`);
    fs.writeFileSync(path.join(journalDir, '20260710T000000Z-00000002.journal'), '{"step":"intent","at":"2026-07-');

    const report = await q.recover();

    expect(report.operations).toEqual([
      expect.objectContaining({ id: '20260710T000000Z-00000001', outcome: 'in-progress' }),
      expect.objectContaining({ id: '20260710T000000Z-00000002', outcome: 'rolled-back' }),
    ]);
    expect(fs.readdirSync(journalDir)).toEqual(['20260710T000000Z-00000001.journal']);
    expect(fs.existsSync(install)).toBe(true);
  });
});
