// `cordon quarantine list|show|restore|export` against a real quarantine, through the built CLI.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Quarantine } from '../../agent/adapters/quarantine/index.js';
import { cliEntry, repoRoot } from '../support/paths.js';
import { expectSameTree, makeInstall, snapshotTree, tempDir } from './trees.js';

const root = tempDir('cli');
const home = path.join(root, 'home', 'alice');
const install = path.join(home, '.local', 'share', 'claude');
const stateDir = path.join(root, 'state');
const quarantineDir = path.join(root, 'quarantine');
const configFile = path.join(root, 'agent.json');

function cordon(...args: string[]) {
  return spawnSync(process.execPath, [cliEntry, ...args, '--config', configFile], { encoding: 'utf8' });
}

beforeAll(() => {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'ignore' });
  fs.mkdirSync(install, { recursive: true });
  fs.writeFileSync(configFile, JSON.stringify({ stateDir, quarantineDir }));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('cordon quarantine', () => {
  it('lists items as JSON, shows one, restores it, and lists nothing after', async () => {
    makeInstall(install, '/etc/hostname');
    const before = snapshotTree(install);
    const item = await new Quarantine({ dir: quarantineDir, stateDir }).quarantine({
      path: install,
      scanRoot: home,
      tool: 'claude-code',
      policy: 'anthropic-ban',
      rule: 'claude-code',
    });

    const list = cordon('quarantine', 'list', '--json');
    expect(list.status).toBe(0);
    const { items } = JSON.parse(list.stdout) as { items: Record<string, unknown>[] };
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: item.id,
      tool: 'claude-code',
      originalPath: install,
      policy: 'anthropic-ban',
      rule: 'claude-code',
      files: 5,
      bytes: item.bytes,
    });
    expect(typeof items[0]?.quarantinedAt).toBe('string');

    const human = cordon('quarantine', 'list');
    expect(human.stdout).toContain(item.id);
    expect(human.stdout).toContain(install);

    const show = cordon('quarantine', 'show', item.id, '--json');
    expect(JSON.parse(show.stdout).entries.find((e: { path: string }) => e.path === 'bin/claude')).toMatchObject({ mode: 0o755, type: 'file' });

    const restore = cordon('quarantine', 'restore', item.id);
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    expectSameTree(snapshotTree(install), before);
    expect(JSON.parse(cordon('quarantine', 'list', '--json').stdout)).toEqual({ items: [] });
  });

  it('exports an item to a folder as a tar archive', async () => {
    const item = await new Quarantine({ dir: quarantineDir, stateDir }).quarantine({
      path: install,
      scanRoot: home,
      tool: 'claude-code',
      policy: 'p',
      rule: 'r',
      role: 'data',
    });
    const out = path.join(root, 'out');
    fs.mkdirSync(out);

    const result = cordon('quarantine', 'export', item.id, '--to', out, '--json');

    expect(result.status).toBe(0);
    const { archive } = JSON.parse(result.stdout) as { archive: string };
    expect(execFileSync('tar', ['-tf', archive], { encoding: 'utf8' })).toContain('claude/bin/claude');
  });

  it('fails with a clear line and exit 65 for an unknown id', () => {
    const result = cordon('quarantine', 'restore', '20990101T000000Z-deadbeef');
    expect(result.status).toBe(65);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^cordon: .*no quarantine item 20990101T000000Z-deadbeef.*cordon quarantine list/);
  });

  it('refuses to restore for a user who is not an administrator', () => {
    fs.chmodSync(root, 0o755);
    fs.chmodSync(configFile, 0o644);
    // The other user must be able to reach the checkout (a fresh clone may sit in an owner-only temp folder).
    const closed = ancestors(repoRoot).filter((d) => (fs.statSync(d).mode & 0o001) === 0);
    for (const d of closed) fs.chmodSync(d, fs.statSync(d).mode | 0o001);
    try {
      const result = spawnSync(process.execPath, [cliEntry, 'quarantine', 'restore', 'x', '--config', configFile], {
        encoding: 'utf8',
        uid: 65534,
        gid: 65534,
      });
      expect(result.stderr).toMatch(/needs an administrator/);
      expect(result.status).toBe(70);
    } finally {
      for (const d of closed) fs.chmodSync(d, fs.statSync(d).mode & ~0o001);
    }
  });
});

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) out.push(d);
  return out;
}
