// Cordon as the genuine Claude Code's managed policyHelper, offline: prevent, narrow, the organisation's own settings, retirement.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Status } from '../../agent/common/model.js';
import { makeAgentFixture, waitFor, type AgentFixture } from '../support/agentFixture.js';
import { claudeCodeBinary, claudeEnv, restoreTree, runClaude, snapshotTree, startMessagesApi, type TreeSnapshot } from '../support/claudeCode.js';
import { cliEntry } from '../support/paths.js';

const MANAGED = '/etc/claude-code';
const FRAGMENT = path.join(MANAGED, 'managed-settings.d', 'cordon-policy-helper.json');
const ORG_FILE = path.join(MANAGED, 'managed-settings.json');
const USER = 'cdgate1';

const at = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d+Z$/, 'Z');
const HOUR = 3_600_000;

function policy(version: number, rule: string, exemptions = ''): string {
  return `apiVersion: cordon/v1
id: claude-gate
version: ${version}
issuer: Corporate IT Security
issuedAt: 2026-01-01T00:00:00Z
message:
  en: Claude Code is retired here; use Qoder.
  zh-CN: 本公司已停用 Claude Code，请使用 Qoder。
alternatives:
  - { name: Qoder, url: "https://qoder.com" }
rules:
  - id: claude-code
    tools: [claude-code]
${rule}${exemptions}`;
}

const preventFrom = (from: string) => `    phases:\n      - { from: ${from}, actions: [report, prevent] }\n`;
const narrowTo = (models: string[]) =>
  `    allowedModels: [${models.join(', ')}]\n    phases:\n      - { from: 2026-01-01T00:00:00Z, actions: [report, narrow] }\n`;

describe.sequential("Cordon as Claude Code's policyHelper (genuine package, offline)", () => {
  let fx: AgentFixture;
  let bin: string;
  let userBin: string;
  let api: Awaited<ReturnType<typeof startMessagesApi>>;
  let snapshot: TreeSnapshot;
  let rootHome: string;
  let userHome: string;
  let user: { uid: number; gid: number };
  let version = 1;

  const enforce = (): Status => {
    const r = spawnSync(process.execPath, [cliEntry, 'enforce', '--json', '--config', fx.configFile], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as Status;
  };
  const apply = (text: string): Status => {
    fx.writePolicy('claude-gate.yaml', text);
    return enforce();
  };
  const claude = (args: string[]) => runClaude(bin, args, claudeEnv(rootHome, api.url));
  const claudeAsUser = (args: string[]) => runClaude(userBin, args, claudeEnv(userHome, api.url), user);

  /** `claude mcp serve` either stays up (true) or exits; it is stopped either way. */
  const mcpServeStaysUp = (binary: string, env: NodeJS.ProcessEnv, as?: { uid: number; gid: number }): Promise<{ up: boolean; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(binary, ['mcp', 'serve'], { env, cwd: env.HOME, stdio: ['pipe', 'pipe', 'pipe'], ...(as ?? {}) });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ up: true, stderr });
      }, 4000);
      child.on('exit', () => {
        clearTimeout(timer);
        resolve({ up: false, stderr });
      });
    });

  beforeAll(async () => {
    const cached = claudeCodeBinary();
    snapshot = snapshotTree(MANAGED);
    fs.rmSync(MANAGED, { recursive: true, force: true });
    fx = makeAgentFixture({ startHook: { failMode: 'auto' } });
    fs.chmodSync(fx.dir, 0o755);
    fx.writePolicy('claude-gate.yaml', policy(version, preventFrom(at(24 * HOUR))));
    const config = JSON.parse(fs.readFileSync(fx.configFile, 'utf8'));
    fs.writeFileSync(fx.configFile, JSON.stringify({ ...config, startHook: { failMode: 'auto', dir: path.join(fx.dir, 'gate') } }));
    api = await startMessagesApi();
    rootHome = path.join(fx.dir, 'root-home');
    fs.mkdirSync(rootHome);
    spawnSync('userdel', ['-r', USER]);
    expect(spawnSync('useradd', ['-M', '-s', '/bin/sh', USER]).status).toBe(0);
    const ids = spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout.trim();
    user = { uid: Number(ids), gid: Number(spawnSync('id', ['-g', USER], { encoding: 'utf8' }).stdout.trim()) };
    userHome = path.join(fx.dir, 'user-home');
    fs.mkdirSync(userHome);
    fs.chownSync(userHome, user.uid, user.gid);
    // The same binary linked where the throwaway user can reach it (the cache lies in root's home), under a name
    // that no other test's `cordon enforce` would take for Claude Code and kill while this file runs.
    const binDir = path.join(fx.dir, 'bin');
    fs.mkdirSync(binDir, { mode: 0o755 });
    bin = path.join(binDir, 'cc-under-test');
    try {
      fs.linkSync(cached, bin);
    } catch {
      fs.copyFileSync(cached, bin);
      fs.chmodSync(bin, 0o755);
    }
    userBin = bin;
  }, 900_000);

  afterAll(async () => {
    await api?.close();
    fx?.cleanup();
    spawnSync('userdel', ['-r', USER]);
    restoreTree(MANAGED, snapshot);
  });

  it('before the prevent phase, the hook is installed ahead and Claude Code starts', async () => {
    const status = enforce();
    expect(status.startHooks?.[0]).toMatchObject({ tool: 'claude-code', installed: true, now: 'allow', problems: [] });
    expect(JSON.parse(fs.readFileSync(FRAGMENT, 'utf8')).policyHelper.path).toBe(path.join(fx.dir, 'gate', 'claude-code-gate'));
    const explain = spawnSync(process.execPath, [cliEntry, 'explain', '--json', '--config', fx.configFile], { encoding: 'utf8' });
    const writes = (JSON.parse(explain.stdout) as { writes: { where: string }[] }).writes.map((w) => w.where);
    expect(writes).toContain(FRAGMENT);
    expect(writes).toContain(`${path.join(fx.dir, 'gate', 'claude-code-gate')}, ${path.join(fx.dir, 'gate', 'claude-code.decisions.json')}`);
    const run = await claude(['-p', 'hello']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('ok');
    expect((await mcpServeStaysUp(bin, claudeEnv(rootHome, api.url))).up).toBe(true);
  });

  it("in the prevent phase, claude -p and claude mcp serve refuse to start with the policy's message", async () => {
    const status = apply(
      policy(++version, preventFrom(at(-HOUR)), `exemptions:\n  - { rules: [claude-code], users: [${USER}], until: ${at(24 * HOUR)}, reason: pilot }\n`),
    );
    expect(status.startHooks?.[0]).toMatchObject({ installed: true, now: 'prevent' });
    const run = await claude(['-p', 'hello']);
    expect(run.code).not.toBe(0);
    expect(run.ms).toBeLessThan(5000);
    expect(run.stderr).toContain('policyHelper failed: exited with code 77');
    expect(run.stderr).toContain('Claude Code is retired here; use Qoder.');
    expect(run.stderr).toContain('Use instead: Qoder (https://qoder.com)');
    const mcp = await mcpServeStaysUp(bin, claudeEnv(rootHome, api.url));
    expect(mcp.up).toBe(false);
    expect(mcp.stderr).toContain('Claude Code is retired here');
  });

  it('an exempt user still starts Claude Code in the prevent phase', async () => {
    const run = await claudeAsUser(['-p', 'hello']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((await mcpServeStaysUp(userBin, claudeEnv(userHome, api.url), user)).up).toBe(true);
  });

  it('with the agent running, each refused start is written to its audit log and to cordon.db with user, tool, policy and rule', async () => {
    await fx.start();
    const run = await claude(['-p', 'hello']);
    expect(run.code).not.toBe(0);
    const line = await waitFor(
      'a refused-start audit line',
      () =>
        fs
          .readFileSync(path.join(fx.stateDir, 'audit.jsonl'), 'utf8')
          .split('\n')
          .find((l) => l.includes('"refused-start"')),
      10_000,
    );
    expect(JSON.parse(line)).toMatchObject({
      event: 'refused-start',
      outcome: 'policy',
      user: 'root',
      tool: 'claude-code',
      policy: 'claude-gate',
      rule: 'claude-code',
    });
    process.stdout.write(`audit line of a refused start: ${line}\n`);
    const rows = JSON.parse(
      execFileSync(
        'sqlite3',
        ['-readonly', '-json', path.join(fx.stateDir, 'cordon.db'), 'SELECT tool, username, uid, policy, rule, reason FROM refused_starts'],
        { encoding: 'utf8' },
      ),
    ) as unknown[];
    expect(rows).toEqual([{ tool: 'claude-code', username: 'root', uid: 0, policy: 'claude-gate', rule: 'claude-code', reason: 'policy' }]);
  });

  it("the refusal speaks the employee's language", async () => {
    const run = await runClaude(bin, ['-p', 'hello'], { ...claudeEnv(rootHome, api.url), LANG: 'zh_CN.UTF-8' });
    expect(run.stderr).toContain('本公司已停用 Claude Code，请使用 Qoder。');
  });

  it("narrow to haiku: --model opus goes out as Haiku; without Cordon's fragment it goes out as Opus", async () => {
    apply(policy(++version, narrowTo(['haiku'])));
    api.models.length = 0;
    expect((await claude(['--model', 'opus', '-p', 'hello'])).code).toBe(0);
    expect((await claude(['--model', 'claude-sonnet-4-5', '-p', 'hello'])).code).toBe(0);
    expect(api.models).toHaveLength(2);
    for (const m of api.models) expect(m).toMatch(/^claude-haiku-/);
    fs.renameSync(FRAGMENT, `${FRAGMENT}.aside`);
    try {
      api.models.length = 0;
      expect((await claude(['--model', 'opus', '-p', 'hello'])).code).toBe(0);
      expect(api.models[0]).toMatch(/^claude-opus-/);
    } finally {
      fs.renameSync(`${FRAGMENT}.aside`, FRAGMENT);
    }
  });

  it("the organisation's own model restriction holds while Cordon's looser rule is installed", async () => {
    fs.writeFileSync(ORG_FILE, JSON.stringify({ availableModels: ['sonnet'], enforceAvailableModels: true }));
    apply(policy(++version, narrowTo(['sonnet', 'opus'])));
    api.models.length = 0;
    expect((await claude(['--model', 'opus', '-p', 'hello'])).code).toBe(0);
    expect(api.models[0]).toMatch(/^claude-sonnet-/);
  });

  it("with Cordon's rule stricter than the organisation's, Cordon's wins", async () => {
    fs.writeFileSync(ORG_FILE, JSON.stringify({ availableModels: ['sonnet', 'haiku'], enforceAvailableModels: true }));
    apply(policy(++version, narrowTo(['haiku'])));
    api.models.length = 0;
    expect((await claude(['--model', 'sonnet', '-p', 'hello'])).code).toBe(0);
    expect(api.models[0]).toMatch(/^claude-haiku-/);
  });

  it("retiring the policy removes the fragment and launcher, Claude Code starts, the organisation's file is untouched", async () => {
    const orgBefore = fs.readFileSync(ORG_FILE);
    apply(policy(++version, preventFrom(at(-HOUR))));
    expect(fs.existsSync(FRAGMENT)).toBe(true);
    fs.rmSync(path.join(fx.policyDir, 'claude-gate.yaml'));
    fs.rmSync(path.join(fx.policyDir, 'claude-gate.yaml.sig'));
    const status = enforce();
    expect(status.startHooks?.[0]).toMatchObject({ installed: false, now: 'allow' });
    expect(fs.existsSync(FRAGMENT)).toBe(false);
    expect(fs.existsSync(path.join(MANAGED, 'managed-settings.d'))).toBe(false);
    expect(fs.existsSync(path.join(fx.dir, 'gate', 'claude-code-gate'))).toBe(false);
    expect(fs.readFileSync(ORG_FILE).equals(orgBefore)).toBe(true);
    api.models.length = 0;
    const run = await claude(['--model', 'opus', '-p', 'hello']);
    expect(run.code).toBe(0);
    expect(api.models[0]).toMatch(/^claude-sonnet-/);
  });
});
