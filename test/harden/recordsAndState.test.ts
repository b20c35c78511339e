// The records and state a user would like gone or wrong: the audit log under a flood, the trusted-time mark after a
// wrong clock, a damaged rollback guard, a journal whose pid now belongs to a stranger, names that are not UTF-8.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../agent/adapters/auditLog.js';
import { decodeName, osPath } from '../../agent/adapters/byteNames.js';
import { Quarantine } from '../../agent/adapters/quarantine/index.js';
import { planEnforcement } from '../../agent/core/enforce/plan.js';
import { protectedLocationReason, protectedPathReason, protectedProcessReason } from '../../agent/core/protectedTargets.js';
import type { TargetedFinding } from '../../agent/common/model.js';
import { builtInCatalog, goodPolicyYaml, policyEnv, tempDir } from '../policy/support.js';
import { cliEntry } from '../support/paths.js';
import { makeInstall } from '../quarantine/trees.js';

function lines(file: string): Array<{ event: string; user?: string; detail?: string }> {
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
}

describe('the audit log under a flood from one user', () => {
  it('writes a burst, then one summary line, and keeps every security event apart from the noise', () => {
    const dir = tempDir('audit');
    let t = Date.parse('2026-07-01T00:00:00Z');
    const log = new AuditLog(dir, 'host', () => new Date(t));
    log.write({ event: 'kill', outcome: 'ok', user: 'root', pid: 1234 });
    for (let i = 0; i < 10_000; i++) log.write({ event: 'remediation-requested', outcome: 'ok', user: 'mallory', detail: 'x'.repeat(5000) });
    log.write({ event: 'kill', outcome: 'ok', user: 'alice', pid: 99 });
    t += 60_000;
    log.write({ event: 'policy-loaded', outcome: 'ok' });

    const all = lines(log.file);
    expect(all.filter((l) => l.user === 'mallory' && l.event === 'remediation-requested').length).toBe(120);
    expect(all.every((l) => (l.detail?.length ?? 0) <= 1001)).toBe(true);
    const summary = all.find((l) => l.event === 'suppressed');
    expect(summary?.detail).toMatch(/^9880 records about mallory not written .*remediation-requested: 9880/);
    expect(lines(log.securityFile).map((l) => l.event)).toEqual(['kill', 'kill', 'suppressed', 'policy-loaded']);
  });

  it('writes the pending summary when the agent stops', () => {
    const log = new AuditLog(tempDir('audit'), 'host');
    for (let i = 0; i < 200; i++) log.write({ event: 'detected', outcome: 'open', user: 'mallory' });
    log.flush();
    expect(lines(log.file).filter((l) => l.event === 'suppressed')).toHaveLength(1);
  });
});

describe('the trusted-time mark', () => {
  it('does not believe a mark far ahead of the clock: policies stay in force, and the clock is reported suspect', () => {
    const env = policyEnv();
    env.write('corp.yaml', goodPolicyYaml);
    const jumped = new Date('2099-01-01T00:00:00Z');
    env.load(jumped);
    const back = new Date('2026-07-20T00:00:00Z');
    const set = env.load(back);
    expect(set.now).toEqual(back);
    expect(set.policies.map((p) => p.ref.id)).toEqual(['corp-ai-ban']);
    expect(set.errors).toEqual([expect.objectContaining({ code: 'clock-suspect' })]);
  });

  it('is set to the real clock by `cordon policy reset-clock`', () => {
    const env = policyEnv();
    fs.writeFileSync(path.join(path.dirname(env.stateDir), 'agent.json'), JSON.stringify({ stateDir: env.stateDir, policyDir: env.policyDir }));
    env.load(new Date('2099-01-01T00:00:00Z'));
    const config = path.join(path.dirname(env.stateDir), 'agent.json');
    const reset = spawnSync(process.execPath, [cliEntry, 'policy', 'reset-clock', '--config', config], { encoding: 'utf8' });
    expect(reset.status).toBe(0);
    expect(env.load(new Date()).errors).toEqual([]);
  });
});

describe('the rollback guard', () => {
  it('reports a damaged versions.json and still refuses an older version', () => {
    const env = policyEnv();
    env.write('corp.yaml', goodPolicyYaml);
    env.load(new Date('2026-07-01T00:00:00Z'));
    fs.writeFileSync(path.join(env.stateDir, 'policies', 'versions.json'), '{ damaged');
    env.write('corp.yaml', goodPolicyYaml.toString('utf8').replace('version: 5', 'version: 4'));
    const set = env.load(new Date('2026-07-01T00:00:00Z'));
    expect(set.errors.map((e) => e.code)).toEqual(expect.arrayContaining(['state-corrupt', 'policy-rollback']));
    expect(set.policies[0]?.ref.version).toBe(5);
  });
});

describe('the quarantine journal', () => {
  it('recovers an operation whose pid now belongs to another process', async () => {
    const root = tempDir('journal');
    const stateDir = path.join(root, 'state');
    const journal = path.join(stateDir, 'quarantine-journal');
    fs.mkdirSync(journal, { recursive: true });
    const stranger = spawn('/bin/sleep', ['30'], { stdio: 'ignore' });
    try {
      const intent = {
        step: 'intent',
        at: new Date().toISOString(),
        op: 'quarantine',
        pid: stranger.pid,
        pidMark: 'an-earlier-boot/12345',
        originalPath: path.join(root, 'gone'),
        scanRoot: root,
        method: 'rename',
      };
      fs.writeFileSync(path.join(journal, '20260101T000000Z-abcdef01.journal'), `${JSON.stringify(intent)}\n`);
      const report = await new Quarantine({ dir: path.join(root, 'q'), stateDir }).recover();
      expect(report.operations).toEqual([expect.objectContaining({ outcome: 'rolled-back' })]);
    } finally {
      stranger.kill('SIGKILL');
    }
  });
});

describe('file names that are not UTF-8', () => {
  it('round-trip through the escape, and valid names stay as they are', () => {
    for (const bytes of [Buffer.from([0x61, 0xff, 0x62]), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('café 克劳德')]) {
      expect(Buffer.from(osPath(decodeName(bytes)))).toEqual(bytes);
    }
    expect(decodeName(Buffer.from('café'))).toBe('café');
  });

  it('are kept in a quarantine item, its manifest and its tar export', async () => {
    const root = tempDir('odd');
    const home = path.join(root, 'home');
    const install = path.join(home, 'tool');
    makeInstall(install, '/etc/hostname');
    fs.writeFileSync(Buffer.concat([Buffer.from(`${install}/bin/`), Buffer.from([0x78, 0xfe])]), 'odd');
    const q = new Quarantine({ dir: path.join(root, 'q'), stateDir: path.join(root, 'state') });
    const item = await q.quarantine({ path: install, scanRoot: home, tool: 't', policy: 'p', rule: 'r' });
    const out = await q.exportItem(item.id, root);
    const names = spawnSync('tar', ['--quoting-style=literal', '-tf', out]).stdout as Buffer;
    expect(names.includes(Buffer.from([0x78, 0xfe]))).toBe(true);
    await q.restore(item.id);
    expect(fs.readFileSync(Buffer.concat([Buffer.from(`${install}/bin/`), Buffer.from([0x78, 0xfe])]), 'utf8')).toBe('odd');
  });
});

describe('what no policy may touch', () => {
  it('lets every built-in tool signature through', () => {
    for (const tool of builtInCatalog.tools) {
      for (const p of tool.processes ?? []) expect(protectedProcessReason(p)).toBeNull();
    }
  });

  it.each([
    ['~/.ssh', /reaches into ~\/.ssh/],
    ['~/.ssh/id_ed25519', /reaches into ~\/.ssh/],
    ['/etc/shadow', /reaches into \/etc/],
    ['/e*', /reaches into \/etc/],
    ['~/.local', /folder ~\/.local itself/],
    ['/usr/bin', /folder \/usr\/bin itself/],
  ])('refuses the location %s', (location, why) => {
    expect(protectedLocationReason(location, 'linux')).toMatch(why);
  });

  it.each([['~/.local/share/claude'], ['/usr/local/lib/node_modules/@anthropic-ai/claude-code'], ['~/.nvm/versions/node/*/bin/claude']])(
    'accepts the location %s',
    (location) => {
      expect(protectedLocationReason(location, 'linux')).toBeNull();
    },
  );

  it('refuses names and fragments of the system', () => {
    expect(protectedProcessReason({ names: ['sshd'] })).toMatch(/sshd/);
    expect(protectedProcessReason({ names: ['systemd-logind'] })).toMatch(/systemd-logind/);
    expect(protectedProcessReason({ names: ['node'] })).toMatch(/node/);
    expect(protectedProcessReason({ pathFragments: ['/usr/sbin/'] })).toMatch(/system's own programs/);
    expect(protectedProcessReason({ names: ['claude'], pathFragments: ['/.local/share/claude/'] })).toBeNull();
  });

  it('turns a kill of pid 1, of the agent, or of a system program into a manual step at action time', () => {
    const finding = (pid: number, p: string): TargetedFinding => ({
      id: `f${pid}`,
      tool: 't',
      policy: 'p',
      rule: 'r',
      kind: 'process',
      pid,
      path: p,
      actions: ['kill'],
      state: 'open',
      detail: '',
      target: { kind: 'process', pid },
    });
    const findings = [finding(1, '/sbin/init'), finding(4242, '/usr/sbin/sshd'), finding(process.pid, '/x/cordon'), finding(777, '/home/a/.local/bin/claude')];
    const steps = planEnforcement(findings, { protectedPids: [process.pid] });
    expect(steps.map((s) => s.action)).toEqual(['manual', 'manual', 'manual', 'kill']);
  });

  it("turns a quarantine of ~/.ssh or of the agent's own state into a manual step", () => {
    const finding = (p: string, scanRoot: string): TargetedFinding => ({
      id: p,
      tool: 't',
      policy: 'p',
      rule: 'r',
      kind: 'install',
      path: p,
      actions: ['quarantine'],
      state: 'open',
      detail: '',
      target: { kind: 'install', path: p, scanRoot, role: 'program' },
    });
    const steps = planEnforcement([finding('/home/a/.ssh', '/home/a'), finding('/srv/state/x', '/srv'), finding('/home/a/.local/share/claude', '/home/a')], {
      protectedTrees: ['/srv/state'],
    });
    expect(steps.map((s) => s.action)).toEqual(['manual', 'manual', 'quarantine']);
  });

  it("does not quarantine ~/.ssh, a home, or the agent's own state at action time", () => {
    const home = '/home/a';
    expect(protectedPathReason('/home/a/.ssh', [home], home)).toMatch(/never touches/);
    expect(protectedPathReason('/home/a', [home], home)).toMatch(/never takes whole/);
    expect(protectedPathReason('/var/lib/cordon/x', [home], '/', ['/var/lib/cordon'])).toMatch(/never touches/);
    expect(protectedPathReason('/home/a/.local/share/claude', [home], home)).toBeNull();
  });
});
