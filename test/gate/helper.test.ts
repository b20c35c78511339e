// The start hook entry on its own: its answers from the decision file, and bounded, documented outcomes when nothing answers.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateDecisions } from '../../agent/core/gate/decide.js';
import { parsePolicy } from '../../agent/core/policy/parse.js';
import { repoRoot } from '../support/paths.js';

const gateEntry = path.join(repoRoot, 'dist', 'agent', 'cli', 'gate.js');

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [gateEntry, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const policy = (actions: string, extra = '') =>
  parsePolicy(
    Buffer.from(`apiVersion: cordon/v1
id: p
version: 1
issuer: IT
issuedAt: 2026-01-01T00:00:00Z
message: Not here.
rules:
  - id: r
    tools: [claude-code]
${extra}    phases:
      - { from: 2026-01-01T00:00:00Z, actions: [${actions}] }
`),
    'p.yaml',
  );

describe('the start hook entry', () => {
  let dir: string;
  let managed: string;
  let decisions: string;
  let slowSocket: string;
  let slow: net.Server;
  const held: net.Socket[] = [];
  const base = () => ['claude-code', '--decisions', decisions, '--managed-dir', managed];
  const write = (p: ReturnType<typeof policy>) =>
    fs.writeFileSync(
      decisions,
      JSON.stringify(gateDecisions('claude-code', [{ policy: p, ref: { id: 'p', version: 1, file: 'p', signedBy: null } }], [], 'h')),
    );

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-gate-'));
    managed = path.join(dir, 'managed');
    fs.mkdirSync(path.join(managed, 'managed-settings.d'), { recursive: true });
    fs.writeFileSync(
      path.join(managed, 'managed-settings.json'),
      JSON.stringify({ availableModels: ['sonnet', 'haiku'], permissions: { deny: ['WebFetch'] } }),
    );
    fs.writeFileSync(path.join(managed, 'managed-settings.d', '10-org.json'), JSON.stringify({ permissions: { deny: ['Bash(curl:*)'] } }));
    fs.writeFileSync(path.join(managed, 'managed-settings.d', 'cordon-policy-helper.json'), JSON.stringify({ policyHelper: { path: '/x' } }));
    decisions = path.join(dir, 'claude-code.decisions.json');
    slowSocket = path.join(dir, 'slow.sock');
    // Accepts connections and never answers: a daemon stuck in a long pass.
    slow = net.createServer((s) => held.push(s));
    await new Promise<void>((resolve) => slow.listen(slowSocket, resolve));
  });

  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise<void>((resolve) => slow.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("allow: hands Claude Code the organisation's own settings, merged, without Cordon's fragment", async () => {
    write(policy('report'));
    const r = await run(base());
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ managedSettings: { availableModels: ['sonnet', 'haiku'], permissions: { deny: ['WebFetch', 'Bash(curl:*)'] } } });
  });

  it('narrow: the models both allow, enforced', async () => {
    write(policy('narrow', '    allowedModels: [haiku, opus]\n'));
    const r = await run(base());
    expect(JSON.parse(r.stdout).managedSettings).toMatchObject({ availableModels: ['haiku'], enforceAvailableModels: true });
  });

  it("prevent: exits 77 with the policy's words on stderr and nothing on stdout", async () => {
    write(policy('prevent'));
    const r = await run(base(), { LANG: 'en_GB.UTF-8' });
    expect(r.code).toBe(77);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'Cordon: Claude Code is blocked from starting on this computer since 2026-01-01T00:00:00Z, by policy p (rule r) of IT.\nNot here.',
    );
  });

  it("daemon stopped and no decision file: starts with the organisation's settings (fail open), or refuses once fail-closed applies", async () => {
    fs.rmSync(decisions, { force: true });
    const open = await run([...base(), '--socket', path.join(dir, 'none.sock')]);
    expect(open.code).toBe(0);
    expect(JSON.parse(open.stdout).managedSettings.availableModels).toEqual(['sonnet', 'haiku']);
    expect(open.ms).toBeLessThan(5000);
    const closed = await run([...base(), '--socket', path.join(dir, 'none.sock'), '--fail-closed-from', '2026-01-01T00:00:00Z']);
    expect(closed.code).toBe(75);
    expect(closed.stderr).toContain('does not exist; the agent did not answer either: no agent is running (ENOENT)');
    const notYet = await run([...base(), '--fail-closed-from', '2999-01-01T00:00:00Z']);
    expect(notYet.code).toBe(0);
  });

  it.each([
    ['garbage', '\u0000\u0001not json'],
    ['wrong shape', JSON.stringify({ format: 'cordon-gate/v1', tool: 'claude-code', everyone: 'prevent', users: {} })],
    ['empty', ''],
  ])('a corrupt decision file (%s) is not trusted: the fail mode decides', async (_what, content) => {
    fs.writeFileSync(decisions, content);
    const closed = await run([...base(), '--fail-closed-from', '2026-01-01T00:00:00Z']);
    expect(closed.code).toBe(75);
    expect(closed.stderr).toContain('the decision for this computer cannot be read');
    const open = await run(base());
    expect(open.code).toBe(0);
  });

  it('a socket that never answers costs at most the socket timeout, then the fail mode decides', async () => {
    fs.rmSync(decisions, { force: true });
    const r = await run([...base(), '--socket', slowSocket, '--socket-timeout-ms', '400', '--fail-closed-from', '2026-01-01T00:00:00Z']);
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(/did not answer.*within 400 ms/);
    expect(r.ms).toBeLessThan(5000);
  });

  it('the overall deadline ends the run even when the socket wait is longer', async () => {
    fs.rmSync(decisions, { force: true });
    const r = await run([...base(), '--socket', slowSocket, '--socket-timeout-ms', '8000', '--deadline-ms', '500']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).managedSettings.permissions.deny).toContain('WebFetch');
    expect(r.ms).toBeLessThan(5000);
  });

  it.each([
    [['codex'], 'the first argument must be a tool with a start hook: claude-code'],
    [['claude-code', '--decisions', 'x'], '--decisions and --managed-dir are required'],
    [['claude-code', '--nope', 'x'], 'unknown flag --nope'],
  ])('usage %j exits 64: %s', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(message);
  });
});
