// A user can plant symlinks where the root agent looks; quarantine never follows them out of the install.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Quarantine } from '../../agent/adapters/quarantine/index.js';
import { pinParent, releasePinned, reverifyPinned } from '../../agent/adapters/quarantine/pinnedPath.js';
import { moveStep } from '../../agent/adapters/quarantine/quarantine.js';
import { CordonError } from '../../agent/common/errors.js';
import { expectSameTree, snapshotTree, tempDir } from './trees.js';

const cleanup: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of cleanup.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A home, a folder outside it, and an /etc-like folder, each with content whose hashes must never change. */
function scene() {
  const root = tempDir('links');
  cleanup.push(root);
  const home = path.join(root, 'home', 'alice');
  const outside = path.join(root, 'srv', 'shared');
  const etc = path.join(root, 'etc');
  for (const dir of [path.join(home, '.local', 'share'), path.join(outside, 'versions', '1.0'), etc]) fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(outside, 'versions', '1.0', 'cli.js'), "someone else's files");
  fs.writeFileSync(path.join(etc, 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
  fs.mkdirSync(path.join(etc, 'bin'));
  fs.writeFileSync(path.join(etc, 'bin', 'claude'), 'system file');
  const q = new Quarantine({ dir: path.join(root, 'state', 'quarantine'), stateDir: path.join(root, 'state') });
  const untouched = () => {
    const o = snapshotTree(outside);
    const e = snapshotTree(etc);
    return () => {
      expectSameTree(snapshotTree(outside), o);
      expectSameTree(snapshotTree(etc), e);
    };
  };
  return { root, home, outside, etc, q, untouched };
}

const request = (p: string, scanRoot: string) => ({ path: p, scanRoot, tool: 'claude-code', policy: 'anthropic-ban', rule: 'claude-code' });

async function refusal(promise: Promise<unknown>): Promise<CordonError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CordonError);
  return err as CordonError;
}

describe('planted symlinks never move anything outside the install', () => {
  it('~/.local/share/claude pointing to a folder outside the home: the link moves, the folder stays', async () => {
    const { home, outside, q, untouched } = scene();
    const link = path.join(home, '.local', 'share', 'claude');
    fs.symlinkSync(outside, link);
    const check = untouched();

    const item = await q.quarantine(request(link, home));

    expect(item).toMatchObject({ type: 'symlink', files: 0 });
    expect(fs.existsSync(link)).toBe(false);
    check();
  });

  it('refuses an install reached through that link, naming the link', async () => {
    const { home, outside, q, untouched } = scene();
    fs.symlinkSync(outside, path.join(home, '.local', 'share', 'claude'));
    const check = untouched();

    const err = await refusal(q.quarantine(request(path.join(home, '.local', 'share', 'claude', 'versions', '1.0'), home)));

    expect(err.code).toBe('unsafe-path');
    expect(err.details.where).toBe(path.join(home, '.local', 'share', 'claude'));
    expect(err.oneLine()).toMatch(/symbolic link/);
    check();
    expect(q.list()).toEqual([]);
  });

  it('refuses a path through a link to an /etc-like folder', async () => {
    const { home, etc, q, untouched } = scene();
    fs.symlinkSync(etc, path.join(home, '.local', 'share', 'claude'));
    const check = untouched();

    const err = await refusal(q.quarantine(request(path.join(home, '.local', 'share', 'claude', 'bin', 'claude'), home)));

    expect(err.code).toBe('unsafe-path');
    check();
  });

  it('refuses when a parent component (~/.local) is a symlink', async () => {
    const { home, root, q, untouched } = scene();
    const fakeLocal = path.join(root, 'srv', 'local');
    fs.mkdirSync(path.join(fakeLocal, 'bin'), { recursive: true });
    fs.writeFileSync(path.join(fakeLocal, 'bin', 'claude'), 'not in the home');
    fs.rmSync(path.join(home, '.local'), { recursive: true });
    fs.symlinkSync(fakeLocal, path.join(home, '.local'));
    const check = untouched();

    const err = await refusal(q.quarantine(request(path.join(home, '.local', 'bin', 'claude'), home)));

    expect(err.code).toBe('unsafe-path');
    expect(err.details.where).toBe(path.join(home, '.local'));
    expect(fs.readFileSync(path.join(fakeLocal, 'bin', 'claude'), 'utf8')).toBe('not in the home');
    check();
  });

  it('refuses a scan root that is itself a symlink', async () => {
    const { root, outside, q, untouched } = scene();
    const home = path.join(root, 'home', 'mallory');
    fs.symlinkSync(outside, home);
    const check = untouched();

    const err = await refusal(q.quarantine(request(path.join(home, 'versions'), home)));

    expect(err.code).toBe('unsafe-path');
    check();
  });

  it('notices a parent swapped for a symlink between the check and the move', async () => {
    const { home, etc, q, untouched } = scene();
    const install = path.join(home, '.local', 'share', 'claude', 'bin', 'claude');
    fs.mkdirSync(path.dirname(install), { recursive: true });
    fs.writeFileSync(install, 'the real install');
    const check = untouched();
    const realCheck = moveStep.beforeRename;
    vi.spyOn(moveStep, 'beforeRename').mockImplementation(async (pinned, seen) => {
      fs.renameSync(path.join(home, '.local', 'share', 'claude'), path.join(home, '.local', 'share', 'claude.moved'));
      fs.symlinkSync(etc, path.join(home, '.local', 'share', 'claude'));
      await realCheck(pinned, seen);
    });

    const err = await refusal(q.quarantine(request(install, home)));

    expect(err.code).toBe('unsafe-path');
    expect(err.details.where).toBe(path.join(home, '.local', 'share', 'claude'));
    expect(err.message).toMatch(/symbolic link/);
    check();
    expect(fs.readFileSync(path.join(home, '.local', 'share', 'claude.moved', 'bin', 'claude'), 'utf8')).toBe('the real install');
    expect(q.list()).toEqual([]);
    expect(fs.readdirSync(path.join(q.dir))).toEqual([]);
  });

  it('notices the install itself replaced by a link between the check and the move', async () => {
    const { home, etc, q, untouched } = scene();
    const install = path.join(home, '.claude-code');
    fs.mkdirSync(install);
    const check = untouched();
    const realCheck = moveStep.beforeRename;
    vi.spyOn(moveStep, 'beforeRename').mockImplementation(async (pinned, seen) => {
      fs.rmdirSync(install);
      fs.symlinkSync(etc, install);
      await realCheck(pinned, seen);
    });

    const err = await refusal(q.quarantine(request(install, home)));

    expect(err.code).toBe('unsafe-path');
    expect(fs.readlinkSync(install)).toBe(etc);
    check();
  });

  it('the step functions alone: a pinned chain fails re-verification once a component is swapped', async () => {
    const { home, etc } = scene();
    fs.mkdirSync(path.join(home, '.local', 'share', 'claude'), { recursive: true });
    const pinned = await pinParent(home, path.join(home, '.local', 'share', 'claude', 'x'));
    try {
      await reverifyPinned(pinned);
      fs.renameSync(path.join(home, '.local'), path.join(home, '.local-old'));
      fs.symlinkSync(etc, path.join(home, '.local'));
      const err = await refusal(reverifyPinned(pinned));
      expect(err.code).toBe('unsafe-path');
      expect(err.details.where).toBe(path.join(home, '.local'));
    } finally {
      await releasePinned(pinned);
    }
  });

  it('copies a link inside the install that points out of it as a link, never the file it names', async () => {
    const { root, home, etc } = scene();
    const install = path.join(home, '.claude-code');
    fs.mkdirSync(install);
    fs.symlinkSync(path.join(etc, 'passwd'), path.join(install, 'passwd'));
    fs.symlinkSync(etc, path.join(install, 'etc'));
    const q = new Quarantine({ dir: path.join(root, 'state', 'q-copy'), stateDir: path.join(root, 'state'), forceCopy: true });

    const item = await q.quarantine(request(install, home));

    const payload = path.join(q.dir, item.id, 'payload');
    expect(fs.lstatSync(path.join(payload, 'passwd')).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(path.join(payload, 'etc')).isSymbolicLink()).toBe(true);
    expect(item.files).toBe(0);
    expect(fs.readFileSync(path.join(etc, 'passwd'), 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
  });
});
