// The install watcher's plan: the deepest existing folder of each location, never the folders above, never a crawl.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFileSystem } from '../../agent/adapters/fileSystem.js';
import { isWatched, planWatches } from '../../agent/daemon/watchPlan.js';

const dirs: string[] = [];
function home(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-watch-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const native = ['.local', 'bin', 'claude'];
const nvm = ['.nvm', 'versions', 'node', 'v*', 'lib', 'node_modules', '@anthropic-ai', 'claude-code'];

describe('planWatches', () => {
  it('watches the home for the first missing folder, and nothing above the home', () => {
    const h = home();
    const plan = planWatches(nodeFileSystem, [{ base: h, segments: native }], 'linux');
    expect([...plan]).toEqual([[h, ['.local']]]);
    expect(isWatched(plan, path.join(h, '.local'), 'linux')).toBe(true);
    expect(isWatched(plan, path.join(h, 'notes.txt'), 'linux')).toBe(false);
  });

  it('goes deeper as folders appear, down to the parent of the install itself', () => {
    const h = home();
    fs.mkdirSync(path.join(h, '.local', 'bin'), { recursive: true });
    const plan = planWatches(nodeFileSystem, [{ base: h, segments: native }], 'linux');
    expect([...plan]).toEqual([[path.join(h, '.local', 'bin'), ['claude']]]);
    expect(isWatched(plan, path.join(h, '.local', 'bin', 'claude'), 'linux')).toBe(true);
    expect(isWatched(plan, path.join(h, '.local', 'bin', 'claudette'), 'linux')).toBe(false);
  });

  it('watches a version folder for new matches and follows every existing one', () => {
    const h = home();
    fs.mkdirSync(path.join(h, '.nvm', 'versions', 'node', 'v20.1.0', 'lib', 'node_modules'), { recursive: true });
    fs.mkdirSync(path.join(h, '.nvm', 'versions', 'node', 'v22.0.0'), { recursive: true });
    fs.writeFileSync(path.join(h, '.nvm', 'versions', 'node', 'README'), '');
    const plan = planWatches(nodeFileSystem, [{ base: h, segments: nvm }], 'linux');
    const nodeDir = path.join(h, '.nvm', 'versions', 'node');
    expect(plan.get(nodeDir)).toEqual(['v*']);
    expect(plan.get(path.join(nodeDir, 'v20.1.0', 'lib', 'node_modules'))).toEqual(['@anthropic-ai']);
    expect(plan.get(path.join(nodeDir, 'v22.0.0'))).toEqual(['lib']);
    expect(isWatched(plan, path.join(nodeDir, 'v24.0.0'), 'linux')).toBe(true);
    expect(isWatched(plan, path.join(nodeDir, 'README'), 'linux')).toBe(false);
  });

  it('matches a child name exactly as the scanners do: case-insensitively only for Windows locations', () => {
    const plan = new Map([
      ['/h/.nvm/versions/node', ['v*']],
      ['/h/.local/bin', ['claude']],
    ]);
    expect(isWatched(plan, '/h/.local/bin/Claude', 'linux')).toBe(false);
    expect(isWatched(plan, '/h/.local/bin/Claude', 'win32')).toBe(true);
    expect(isWatched(plan, '/h/.nvm/versions/node/V24.0.0', 'linux')).toBe(false);
    expect(isWatched(plan, '/h/.nvm/versions/node/V24.0.0', 'win32')).toBe(true);
  });

  it('does not enter a symlinked folder: it waits for a real one', () => {
    const h = home();
    const elsewhere = home();
    fs.mkdirSync(path.join(elsewhere, 'bin'));
    fs.symlinkSync(elsewhere, path.join(h, '.local'));
    const plan = planWatches(nodeFileSystem, [{ base: h, segments: native }], 'linux');
    expect([...plan]).toEqual([[h, ['.local']]]);
  });

  it('does not list a home full of unrelated files', () => {
    const h = home();
    for (let i = 0; i < 2000; i++) fs.writeFileSync(path.join(h, `file-${i}.txt`), '');
    const reads: string[] = [];
    const counting = { ...nodeFileSystem, readdir: (p: string) => (reads.push(p), nodeFileSystem.readdir(p)) };
    planWatches(counting, [{ base: h, segments: native }], 'linux');
    expect(reads).toEqual([]);
  });
});
