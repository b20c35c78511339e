// `cordon scan` and `cordon enforce` on a throwaway machine: exit codes by phase, JSON shape, and a real enforcement pass.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Status } from '../../agent/common/model.js';
import { makeAgentFixture, type AgentFixture } from '../support/agentFixture.js';
import { cliEntry } from '../support/paths.js';

const TWO_PHASES = `apiVersion: cordon/v1
id: mandate
version: 3
issuer: Corporate IT Security
issuedAt: 2026-06-25T00:00:00Z
message: { en: "Claude Code must go.", zh-CN: "必须卸载 Claude Code。" }
rules:
  - id: claude-code
    tools: [claude-code]
    phases:
      - { from: 2026-07-01T00:00:00+08:00, actions: [report, notify] }
      - { from: 2026-07-10T00:00:00+08:00, actions: [report, notify, kill, quarantine] }
`;

function cordon(fx: AgentFixture, ...args: string[]) {
  const r = spawnSync(process.execPath, [cliEntry, ...args, '--config', fx.configFile], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cordon scan and enforce', () => {
  let fx: AgentFixture;
  const install = () => path.join(fx.home, '.local', 'share', 'claude');

  beforeAll(() => {
    fx = makeAgentFixture();
    fx.writePolicy('mandate.yaml', TWO_PHASES);
    fs.mkdirSync(path.join(install(), 'versions'), { recursive: true });
    fs.copyFileSync('/bin/true', path.join(install(), 'versions', '2.1.89'));
  });

  afterAll(() => fx?.cleanup());

  it.each([
    ['2026-06-30T23:59:59+08:00', 0, 'compliant'],
    ['2026-07-01T00:00:00+08:00', 1, 'warning'],
    ['2026-07-09T16:00:00Z', 2, 'violation'],
  ])('as of %s exits %i (%s)', (at, code, compliance) => {
    const r = cordon(fx, 'scan', '--json', '--at', at);
    expect(r.code).toBe(code);
    const status = JSON.parse(r.stdout) as Status;
    expect(status.compliance).toBe(compliance);
    expect(status.inventory.some((i) => i.tool === 'claude-code' && i.path === install())).toBe(true);
    expect(status.policies).toEqual([expect.objectContaining({ id: 'mandate', version: 3, signedBy: 'test-it' })]);
  });

  it('gives the deadline of the next stricter phase during the warning', () => {
    const status = JSON.parse(cordon(fx, 'scan', '--json', '--at', '2026-07-05T00:00:00+08:00').stdout) as Status;
    const f = status.findings.find((x) => x.path === install());
    expect(f).toMatchObject({ state: 'open', actions: ['report', 'notify'], policy: 'mandate', rule: 'claude-code' });
    expect(new Date(f!.deadline!).toISOString()).toBe('2026-07-09T16:00:00.000Z');
  });

  it('explains in human words what it found and what enforce would do, and changes nothing', () => {
    const r = cordon(fx, 'scan', '--at', '2026-07-15T00:00:00+08:00');
    expect(r.stdout).toContain('VIOLATION');
    expect(r.stdout).toContain('Claude Code must go.');
    expect(r.stdout).toContain(`quarantine ${install()}`);
    expect(fs.existsSync(install())).toBe(true);
  });

  it('rejects a draft policy with a located error and exit 65', () => {
    const draft = path.join(fx.dir, 'draft.yaml');
    fs.writeFileSync(draft, TWO_PHASES.replace('kill, quarantine', 'kill, nuke'));
    const r = cordon(fx, 'scan', '--policy', draft);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/draft\.yaml.*nuke/);
    expect(r.stdout).toBe('');
  });

  it('enforces: stops a running claude, quarantines the install, and reports both as remediated', async () => {
    const bin = path.join(fx.dir, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.symlinkSync('/bin/sleep', path.join(bin, 'claude'));
    const claude = spawn(path.join(bin, 'claude'), ['600'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => claude.on('exit', resolve));
    await new Promise((r) => setTimeout(r, 100));
    const r = cordon(fx, 'enforce', '--json');
    const status = JSON.parse(r.stdout) as Status;
    await exited;
    expect(r.code).toBe(0);
    expect(status.compliance).toBe('compliant');
    expect(status.findings.find((f) => f.pid === claude.pid)).toMatchObject({ state: 'remediated', kind: 'process' });
    expect(status.findings.find((f) => f.path === install())).toMatchObject({ state: 'remediated', kind: 'install' });
    expect(fs.existsSync(install())).toBe(false);
    const list = JSON.parse(cordon(fx, 'quarantine', 'list', '--json').stdout) as { items: Array<{ originalPath: string }> };
    expect(list.items.map((i) => i.originalPath)).toContain(install());
  });
});

describe('--at', () => {
  let fx: AgentFixture;

  beforeAll(() => {
    fx = makeAgentFixture();
    fx.writePolicy('mandate.yaml', TWO_PHASES);
  });

  afterAll(() => fx?.cleanup());

  it('scan --at is a preview: it stores neither last-known-good copies nor the clock mark', () => {
    const status = JSON.parse(cordon(fx, 'scan', '--json', '--at', '2026-07-05T00:00:00+08:00').stdout) as Status;
    expect(status.policies).toEqual([expect.objectContaining({ id: 'mandate', version: 3 })]);
    expect(fs.existsSync(path.join(fx.stateDir, 'policies'))).toBe(false);
    expect(fs.existsSync(path.join(fx.stateDir, 'clock.json'))).toBe(false);
  });

  it('enforce --at is a rehearsal: it keeps what it accepted, so a file tampered right after falls back to the good copy', () => {
    const rehearsal = JSON.parse(cordon(fx, 'enforce', '--json', '--at', '2026-07-05T00:00:00+08:00').stdout) as Status;
    expect(rehearsal.evaluatedAt).toBe('2026-07-04T16:00:00.000Z');
    expect(fs.existsSync(path.join(fx.stateDir, 'clock.json'))).toBe(false);
    fs.appendFileSync(path.join(fx.policyDir, 'mandate.yaml'), '# tampered\n');
    const status = JSON.parse(cordon(fx, 'scan', '--json', '--at', '2026-07-05T00:00:00+08:00').stdout) as Status;
    expect(status.policies).toEqual([expect.objectContaining({ id: 'mandate', version: 3, lastKnownGood: true })]);
    expect(status.policyErrors).toEqual([expect.objectContaining({ file: path.join(fx.policyDir, 'mandate.yaml'), code: 'signature-invalid' })]);
  });
});

describe('cordon explain', () => {
  it('says how it decides when several policies cover one thing, from the table evaluation follows', () => {
    const fx = makeAgentFixture();
    try {
      const e = JSON.parse(cordon(fx, 'explain', '--json').stdout) as { decides: Array<{ when: string; then: string }> };
      expect(e.decides).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ when: 'every covering rule is exempt' }),
          { when: 'actions are ranked', then: 'quarantine > kill > prevent > narrow > notify > report', reason: expect.any(String) },
        ]),
      );
      expect(cordon(fx, 'explain').stdout).toContain('- when several rules (of one or several policies) cover one observation: the finding carries the union');
    } finally {
      fx.cleanup();
    }
  });
});
