// A user's data (~/.claude conversation history) is quarantined restorably and can be handed back as a tar archive.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Quarantine } from '../../agent/adapters/quarantine/index.js';
import { CordonError } from '../../agent/common/errors.js';
import { expectSameTree, snapshotTree, tempDir } from './trees.js';

const cleanup: string[] = [];
afterEach(() => {
  for (const dir of cleanup.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const ALICE = { uid: 1000, gid: 1000 };

function claudeHome() {
  const root = tempDir('data');
  cleanup.push(root);
  const home = path.join(root, 'home', 'alice');
  const dotClaude = path.join(home, '.claude');
  const project = path.join(dotClaude, 'projects', '-home-alice-src-a-project-with-a-rather-long-name-that-needs-more-than-one-hundred-bytes-in-tar');
  fs.mkdirSync(project, { recursive: true });
  fs.writeFileSync(path.join(dotClaude, 'history.jsonl'), '{"display":"refactor the parser","timestamp":1}\n'.repeat(200));
  fs.writeFileSync(path.join(project, '2f6c9a4e-1b7d-4c1e-9a51-0c3f7e8b9d10.jsonl'), Buffer.from('{"type":"user","message":"héllo, 世界"}\n'.repeat(3000)));
  fs.writeFileSync(path.join(dotClaude, 'settings.json'), '{"model":"opus"}', { mode: 0o600 });
  fs.chmodSync(path.join(dotClaude, 'settings.json'), 0o600);
  fs.symlinkSync('projects', path.join(dotClaude, 'latest'));
  execFileSync('chown', ['-hR', `${ALICE.uid}:${ALICE.gid}`, dotClaude]);
  const q = new Quarantine({ dir: path.join(root, 'state', 'quarantine'), stateDir: path.join(root, 'state') });
  return { root, home, dotClaude, q };
}

describe('conversation history is never lost', () => {
  it('quarantines ~/.claude as data and exports it as a tar the user owns, with every file intact', async () => {
    const { root, home, dotClaude, q } = claudeHome();
    const before = snapshotTree(dotClaude);

    const item = await q.quarantine({
      path: dotClaude,
      scanRoot: home,
      tool: 'claude-code',
      policy: 'anthropic-ban',
      rule: 'claude-data',
      role: 'data',
      user: 'alice',
    });
    expect(item).toMatchObject({ role: 'data', user: 'alice', files: 3, owner: ALICE });
    expect(fs.existsSync(dotClaude)).toBe(false);

    const outDir = path.join(root, 'export');
    fs.mkdirSync(outDir);
    const archive = await q.exportItem(item.id, outDir);

    expect(path.dirname(archive)).toBe(outDir);
    expect(fs.statSync(archive)).toMatchObject({ uid: ALICE.uid, gid: ALICE.gid });
    expect(fs.statSync(archive).mode & 0o777).toBe(0o600);
    const extracted = path.join(root, 'extracted');
    fs.mkdirSync(extracted);
    execFileSync('tar', ['-xpf', archive, '-C', extracted, '--same-owner']);
    expectSameTree(snapshotTree(path.join(extracted, '.claude')), before);
    expect(q.list()).toHaveLength(1);
  });

  it('never overwrites an existing file when exporting', async () => {
    const { root, home, dotClaude, q } = claudeHome();
    const item = await q.quarantine({ path: dotClaude, scanRoot: home, tool: 'claude-code', policy: 'p', rule: 'r', role: 'data' });
    const outDir = path.join(root, 'export');
    fs.mkdirSync(outDir);
    fs.symlinkSync('/etc/passwd', path.join(outDir, `.claude-${item.id}.tar`));

    const err = await q.exportItem(item.id, outDir).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(CordonError);
    expect((err as CordonError).code).toBe('input-invalid');
    expect(fs.readlinkSync(path.join(outDir, `.claude-${item.id}.tar`))).toBe('/etc/passwd');
  });

  it('restores ~/.claude exactly after an export', async () => {
    const { root, home, dotClaude, q } = claudeHome();
    const before = snapshotTree(dotClaude);
    const item = await q.quarantine({ path: dotClaude, scanRoot: home, tool: 'claude-code', policy: 'p', rule: 'r', role: 'data' });
    fs.mkdirSync(path.join(root, 'export'));
    await q.exportItem(item.id, path.join(root, 'export'));

    await q.restore(item.id);

    expectSameTree(snapshotTree(dotClaude), before);
  });
});
