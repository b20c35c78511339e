// The employee who wants the agent gone: each attack of the adversarial review, run as an unprivileged throwaway
// user against the real daemon (root, signed policy in force). The agent must keep enforcing, keep serving root,
// and lose no audit record and no file.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../agent/client/daemonClient.js';
import type { Status } from '../../agent/common/model.js';
import { ENFORCE_NOW_POLICY, makeAgentFixture, waitFor, type AgentFixture } from '../support/agentFixture.js';
import { cliEntry, repoRoot } from '../support/paths.js';
import type { AuditLine } from '../support/attackBed.js';
import { createThrowawayUser, openPathTo, type ThrowawayUser } from '../support/throwawayUser.js';

const attacker = path.join(repoRoot, 'test', 'support', 'ipcAttacker.mjs');

function readLines(file: string): AuditLine[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditLine);
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

/** A fake Claude Code the user starts: `~/bin/claude`, a link to sleep. */
function startFakeClaude(user: ThrowawayUser): ReturnType<ThrowawayUser['start']> {
  const bin = path.join(user.home, 'bin');
  if (!fs.existsSync(path.join(bin, 'claude'))) {
    user.run('mkdir', ['-p', bin]);
    user.run('ln', ['-s', '/bin/sleep', path.join(bin, 'claude')]);
  }
  return user.start(path.join(bin, 'claude'), ['600']);
}

async function killedWithin(child: ReturnType<ThrowawayUser['start']>, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return Promise.race([
    new Promise<boolean>((resolve) => child.once('exit', () => resolve(true))),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);
}

describe('an unprivileged user against the running agent', () => {
  let fx: AgentFixture;
  let user: ThrowawayUser;
  let agentPid: number;
  let closePath: () => void;
  let root: DaemonClient;

  beforeAll(async () => {
    fx = makeAgentFixture();
    closePath = openPathTo(fx.home);
    user = createThrowawayUser(fx.home);
    fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(1));
    agentPid = (await fx.start()).pid as number;
    root = await DaemonClient.connect(fx.socketPath.replace('cordon.sock', 'cordon-admin.sock'));
  }, 30_000);

  afterAll(() => {
    root?.close();
    user?.remove();
    closePath?.();
    fx?.cleanup();
  });

  it('4: a flood of refused remediate requests writes nothing and pushes no kill record out of the audit log', async () => {
    const claude = startFakeClaude(user);
    expect(await killedWithin(claude, 5000)).toBe(true);
    const audit = path.join(fx.stateDir, 'audit.jsonl');
    await waitFor('the kill record', () => readLines(audit).find((r) => r.event === 'kill' && r.pid === claude.pid));
    const before = fs.statSync(audit).size;

    const flood = user.run(process.execPath, [attacker, fx.socketPath, 'flood-remediate', '20000'], { timeoutMs: 60_000 });
    expect(JSON.parse(flood.stdout)).toEqual({ answered: 20000 });

    expect(fs.statSync(audit).size - before).toBeLessThan(64 * 1024);
    expect(readLines(audit).filter((r) => r.event === 'error')).toEqual([]);
    expect(readLines(audit).find((r) => r.event === 'kill' && r.pid === claude.pid)).toMatchObject({ outcome: 'ok', user: user.name });
    expect(readLines(path.join(fx.stateDir, 'security.jsonl')).find((r) => r.event === 'kill' && r.pid === claude.pid)).toBeTruthy();
    expect((await root.request('status')).host).toBeTruthy();
  });

  it('8: a 2 GiB sparse hello proof is refused at once and costs the agent no memory', async () => {
    const rssBefore = rssMb(agentPid);
    const r = user.run(process.execPath, [attacker, fx.socketPath, 'huge-proof']);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: 'forbidden' });
    expect(JSON.parse(r.stdout).ms).toBeLessThan(1000);
    expect(rssMb(agentPid) - rssBefore).toBeLessThan(50);
    const claude = startFakeClaude(user);
    expect(await killedWithin(claude, 5000)).toBe(true);
  });

  it('6: a file name that is not UTF-8 inside an install is quarantined and restored byte for byte', async () => {
    const install = path.join(fx.home, '.local', 'share', 'claude');
    const versions = path.join(install, 'versions', '2.1.0');
    // Built beside the home and moved in at once: the agent must see the install whole, not half made.
    const staging = path.join(fx.home, '.staging');
    const name = Buffer.from([0x6e, 0xff, 0xfe, 0x2e, 0x62, 0x69, 0x6e]);
    fs.mkdirSync(path.join(staging, 'versions', '2.1.0'), { recursive: true });
    fs.writeFileSync(Buffer.concat([Buffer.from(`${staging}/versions/2.1.0/`), name]), 'payload');
    user.own(staging);
    user.run('mkdir', ['-p', path.dirname(install)]);
    expect(user.run('mv', [staging, install]).status).toBe(0);
    const oddName = Buffer.concat([Buffer.from(`${versions}/`), name]);
    const item = await waitFor(
      'the quarantine item',
      async () => {
        const { items } = await root.request('quarantine-list');
        return items.find((i) => i.originalPath === install);
      },
      8000,
    );
    expect(fs.existsSync(install)).toBe(false);
    expect(item.files).toBe(1);
    // The item is listed once its manifest is written; the journal goes a moment later, and must go.
    const journals = () => fs.readdirSync(path.join(fx.stateDir, 'quarantine-journal')).filter((n) => n.endsWith('.journal'));
    await waitFor('the journal to be done', () => journals().length === 0, 5000);
    expect(journals()).toEqual([]);

    // Restoring while the policy still bans it would be undone at once: report only first.
    fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(2, 'report'));
    await waitFor('version 2 in force', async () => (await root.request('status')).policies[0]?.version === 2, 5000);
    await root.request('restore', { id: item.id });
    expect(fs.readFileSync(oddName, 'utf8')).toBe('payload');
    expect(fs.statSync(oddName).uid).toBe(user.uid);
  });

  it('6: a version folder whose name is not UTF-8 does not hide an install from the scanner', async () => {
    const nvm = Buffer.concat([Buffer.from(`${fx.home}/.nvm/versions/node/`), Buffer.from([0x76, 0xff])]);
    fs.mkdirSync(Buffer.concat([nvm, Buffer.from('/bin')]), { recursive: true });
    fs.copyFileSync('/bin/true', Buffer.concat([nvm, Buffer.from('/bin/claude')]));
    const status = await waitFor(
      'the finding under the odd folder',
      async () => {
        const s = await root.request('status');
        return s.findings.some((f) => f.path?.includes('/.nvm/versions/node/v\udcff/bin/claude')) ? s : undefined;
      },
      8000,
    );
    expect(status.findings.find((f) => f.path?.includes('/.nvm/'))).toMatchObject({ tool: 'claude-code', user: user.name });
    fs.rmSync(path.join(fx.home, '.nvm'), { recursive: true, force: true });
  });

  it('10: an install behind a symlinked ~/.npm-global is reported at its real path, and not moved through the link', async () => {
    const disk = path.join(fx.dir, 'disk2', 'npm-global');
    const pkg = path.join(disk, 'lib', 'node_modules', '@anthropic-ai', 'claude-code');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), '{"name":"@anthropic-ai/claude-code"}');
    user.own(path.join(fx.dir, 'disk2'));
    user.run('ln', ['-s', disk, path.join(fx.home, '.npm-global')]);
    const finding = await waitFor(
      'the finding at the real path',
      async () => {
        const s = await root.request('status');
        return s.findings.find((f) => f.path === pkg);
      },
      8000,
    );
    expect(finding).toMatchObject({ tool: 'claude-code', kind: 'install' });
    expect(fs.existsSync(path.join(pkg, 'package.json'))).toBe(true);
  });

  it('3: a 10 TiB sparse file in an install is refused for quarantine at once, and kills go on', async () => {
    fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(3));
    const version = path.join(fx.home, '.local', 'share', 'claude', 'versions', '2.2.0');
    user.run('mkdir', ['-p', path.dirname(version)]);
    user.run('truncate', ['-s', '10T', version]);
    const refused = await waitFor(
      'the refused quarantine',
      () => readLines(path.join(fx.stateDir, 'audit.jsonl')).find((r) => r.event === 'quarantine' && r.outcome === 'failed' && r.detail?.includes('too large')),
      8000,
    );
    expect(refused.detail).toContain('stays in place');
    const claude = startFakeClaude(user);
    expect(await killedWithin(claude, 5000)).toBe(true);
    expect(fs.statSync(version).size).toBe(10 * 1024 ** 4);
  });

  it('11: quarantine export refuses a destination reached through a planted symlink', async () => {
    const local = path.join(fx.home, '.claude', 'local');
    user.run('mkdir', ['-p', local]);
    user.run('cp', ['/bin/true', path.join(local, 'claude')]);
    const item = await waitFor(
      'the quarantine item',
      async () => {
        const { items } = await root.request('quarantine-list');
        return items.find((i) => local.startsWith(i.originalPath));
      },
      8000,
    );
    const target = path.join(fx.dir, 'victim');
    fs.mkdirSync(target);
    const link = path.join(fx.home, 'exports');
    user.run('ln', ['-s', target, link]);

    const r = spawnSync(process.execPath, [cliEntry, 'quarantine', 'export', item.id, '--to', link, '--config', fx.configFile], { encoding: 'utf8' });

    expect(r.stderr).toMatch(/symbolic link/);
    expect(r.status).not.toBe(0);
    expect(fs.readdirSync(target)).toEqual([]);
  });
});

describe('untrusted configuration', () => {
  let fx: AgentFixture;
  let user: ThrowawayUser;
  let closePath: () => void;

  beforeAll(() => {
    fx = makeAgentFixture();
    closePath = openPathTo(fx.home);
    user = createThrowawayUser(fx.home);
    fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(1));
  });

  afterAll(() => {
    user?.remove();
    closePath?.();
    fx?.cleanup();
  });

  it('9: a config any user can write is refused, so a user cannot switch signing off and bring her own policies', async () => {
    fs.chmodSync(fx.configFile, 0o666);
    const mine = path.join(fx.home, 'policies');
    user.run('mkdir', ['-p', mine]);
    const doc = JSON.parse(fs.readFileSync(fx.configFile, 'utf8')) as Record<string, unknown>;
    const edited = JSON.stringify({ ...doc, allowUnsigned: true, policyDir: mine });
    expect(user.run('sh', ['-c', `cat > '${fx.configFile}'`], { input: edited }).status).toBe(0);

    const victim = spawn('/bin/sleep', ['600'], { stdio: 'ignore' });
    try {
      const run = spawnSync(process.execPath, [cliEntry, 'run', '--config', fx.configFile], { encoding: 'utf8', timeout: 20_000 });
      expect(run.status).toBe(78);
      expect(run.stderr).toMatch(/another user could have written it.*writable by every user/);
      expect(victim.exitCode).toBeNull();
    } finally {
      victim.kill('SIGKILL');
    }
  });

  it('9: a policy file the user owns in the policy folder is refused; the signed one stays in force', async () => {
    fs.chmodSync(fx.configFile, 0o644);
    fs.writeFileSync(
      fx.configFile,
      JSON.stringify({ ...(JSON.parse(fs.readFileSync(fx.configFile, 'utf8')) as object), allowUnsigned: true, policyDir: fx.policyDir }),
    );
    fs.chownSync(fx.configFile, 0, 0);
    fs.chmodSync(fx.policyDir, 0o755);
    const planted = path.join(fx.policyDir, 'zz-mine.yaml');
    fs.writeFileSync(planted, ENFORCE_NOW_POLICY(1).replace('id: test-ban', 'id: mine'));
    fs.chownSync(planted, user.uid, user.gid);
    const r = spawnSync(process.execPath, [cliEntry, 'scan', '--json', '--config', fx.configFile], { encoding: 'utf8' });
    const status = JSON.parse(r.stdout) as Status;
    expect(status.policies.map((p) => p.id)).toEqual(['test-ban']);
    expect(status.policyErrors).toEqual(expect.arrayContaining([expect.objectContaining({ file: planted, message: expect.stringMatching(/owned by uid/) })]));
  });

  it('9: a policy that names sshd, or reaches ~/.ssh, does not validate', () => {
    const sshd = `${ENFORCE_NOW_POLICY(1).replace('tools: [claude-code]', 'tools: [remote-shell]')}catalog:
  - id: remote-shell
    name: Remote shell
    vendor: Nobody
    category: cli
    description: A policy that tries to end remote logins.
    processes: [{ names: [sshd] }]
    examples: { processes: { match: [{ platform: linux, comm: sshd, argv: [sshd] }], noMatch: [] } }
`;
    const keys = sshd
      .replace('processes: [{ names: [sshd] }]', "installs: [{ platforms: [linux], path: '~/.ss*', what: keys, role: program }]")
      .replace(
        'examples: { processes: { match: [{ platform: linux, comm: sshd, argv: [sshd] }], noMatch: [] } }',
        "examples: { installs: { match: [{ platform: linux, path: '~/.ssh' }], noMatch: [] } }",
      );
    for (const [name, text, why] of [
      ['sshd.yaml', sshd, /sshd.*no policy may kill/],
      ['keys.yaml', keys, /reaches into ~\/\.ssh/],
    ] as const) {
      const file = path.join(fx.dir, name);
      fs.writeFileSync(file, text);
      const r = spawnSync(process.execPath, [cliEntry, 'policy', 'validate', file], { encoding: 'utf8' });
      expect(r.stderr).toMatch(why);
      expect(r.status).toBe(65);
    }
  });
});
