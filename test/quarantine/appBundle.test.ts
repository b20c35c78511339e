// A macOS app bundle is quarantined whole by a rename, which keeps its extended attributes (the code signature) and
// flags; where only a copy could move it (another volume), it is refused rather than stripped of them.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Quarantine } from '../../agent/adapters/quarantine/index.js';
import { tempDir } from './trees.js';

const cleanup: string[] = [];
afterEach(() => {
  for (const dir of cleanup.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function bundle() {
  const root = tempDir('app');
  cleanup.push(root);
  const apps = path.join(root, 'home', 'alice', 'Applications');
  const app = path.join(apps, 'Claude.app');
  fs.mkdirSync(path.join(app, 'Contents', 'MacOS'), { recursive: true });
  fs.mkdirSync(path.join(app, 'Contents', '_CodeSignature'));
  fs.writeFileSync(path.join(app, 'Contents', 'MacOS', 'Claude'), 'binary', { mode: 0o755 });
  fs.writeFileSync(path.join(app, 'Contents', '_CodeSignature', 'CodeResources'), '<plist/>');
  const request = { path: app, scanRoot: path.join(root, 'home', 'alice'), tool: 'claude-desktop', policy: 'p', rule: 'r' };
  const make = (forceCopy: boolean) => new Quarantine({ dir: path.join(root, 'state', 'quarantine'), stateDir: path.join(root, 'state'), forceCopy });
  return { app, request, make };
}

// App bundles are macOS's; the quarantine's pinned, no-follow moves are POSIX (Windows is not claimed here).
describe.skipIf(process.platform === 'win32')('an app bundle', () => {
  it('moves whole by rename, the same inode, so nothing of its metadata is rebuilt', async () => {
    const { app, request, make } = bundle();
    const inode = fs.statSync(app).ino;
    const q = make(false);
    const item = await q.quarantine(request);
    expect(fs.existsSync(app)).toBe(false);
    expect(fs.statSync(path.join(q.dir, item.id, 'payload')).ino).toBe(inode);
  });

  it('is refused, and stays where it was, when only a copy could move it', async () => {
    const { app, request, make } = bundle();
    await expect(make(true).quarantine(request)).rejects.toThrow(/an app bundle is only moved whole within its volume/);
    expect(fs.readFileSync(path.join(app, 'Contents', 'MacOS', 'Claude'), 'utf8')).toBe('binary');
  });
});
