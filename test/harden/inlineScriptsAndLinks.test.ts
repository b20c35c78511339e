// Two ways a user's ordinary setup fooled the agent: a shell command line that mentions a Claude path was taken for a
// script and killed, and a link on the way to an install location that leads nowhere hid what lay behind it silently.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../agent/client/daemonClient.js';
import { waitFor } from '../support/agentFixture.js';
import { startAttackBed, type AttackBed } from '../support/attackBed.js';

describe('inline shell text and broken links', () => {
  let bed: AttackBed;
  let root: DaemonClient;

  beforeAll(async () => {
    bed = await startAttackBed();
    root = await DaemonClient.connect(bed.fx.socketPath.replace('cordon.sock', 'cordon-admin.sock'));
  }, 30_000);

  afterAll(() => {
    root?.close();
    bed?.cleanup();
  });

  it('11: bash -c text that names ~/.claude/local is not a script: the shell is not killed', async () => {
    const text = `sleep 4; ls ${path.join(bed.fx.home, '.claude', 'local', 'claude')} 2>/dev/null; true`;
    const shell = await bed.launchAsUser(['bash', '-c', text]);
    await shell.exited;
    // Judged by this agent's own audit log: another test's agent on a shared machine may act on the shell.
    expect(bed.auditLines().filter((l) => l.pid === shell.pid)).toEqual([]);
    // The same agent still kills a claude.
    await bed.claudeKilled();
  }, 20_000);

  it('11: a dangling link and a link loop on the way to install locations are reported, never followed forever', async () => {
    bed.user.run('ln', ['-s', '/nonexistent/npm-global', path.join(bed.fx.home, '.npm-global')]);
    bed.user.run('ln', ['-s', path.join(bed.fx.home, '.nvm'), path.join(bed.fx.home, '.nvm')]);
    const status = await waitFor(
      'both links in the status errors',
      async () => {
        await root.request('enforce');
        const s = await root.request('status');
        const broken = (s.errors ?? []).filter((e) => e.code === 'install-link-broken');
        return broken.length >= 2 ? s : undefined;
      },
      10_000,
    );
    const messages = (status.errors ?? []).map((e) => e.message).join('\n');
    expect(messages).toContain(`${path.join(bed.fx.home, '.npm-global')} is a symbolic link on the way to an install location, not followed`);
    expect(messages).toContain(`${path.join(bed.fx.home, '.nvm')} is a symbolic link`);
    fs.rmSync(path.join(bed.fx.home, '.npm-global'));
    fs.rmSync(path.join(bed.fx.home, '.nvm'));
    await root.request('enforce');
    expect(((await root.request('status')).errors ?? []).filter((e) => e.code === 'install-link-broken')).toEqual([]);
  }, 30_000);
});
