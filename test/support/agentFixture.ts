// A throwaway machine for agent tests: a fake home and system root, signing keys, a config, and the running agent.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliEntry } from './paths.js';

export interface AgentFixture {
  dir: string;
  home: string;
  root: string;
  policyDir: string;
  stateDir: string;
  socketPath: string;
  configFile: string;
  /** The trusted signing key (PKCS#8 PEM, root-only), for commands that sign, like `cordon policy exempt`. */
  privateKeyFile: string;
  /** Writes a policy file and its detached signature made with the fixture's trusted key. */
  writePolicy(name: string, yamlText: string): void;
  /** Starts `cordon run`, with `nodeFlags` given to node before the agent (the service unit's, to measure memory as deployed). */
  start(nodeFlags?: readonly string[]): Promise<ChildProcess>;
  cleanup(): void;
}

/**
 * A process scope no process is in: session ids are pids, and pids stay below PID_MAX_LIMIT (2^22). For tests that
 * start no process of their own, so that another test's `claude` running beside them is neither shown nor killed.
 */
export const NO_PROCESSES = { session: 2 ** 22 };

export function makeAgentFixture(extraConfig: Record<string, unknown> = {}): AgentFixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-agent-'));
  const home = path.join(dir, 'home', 'alice');
  const root = path.join(dir, 'root');
  const policyDir = path.join(dir, 'policies');
  const stateDir = path.join(dir, 'state');
  const socketPath = path.join(dir, 'run', 'cordon.sock');
  for (const d of [home, root, policyDir]) fs.mkdirSync(d, { recursive: true });
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const configFile = path.join(dir, 'agent.json');
  const privateKeyFile = path.join(dir, 'signing.key.pem');
  fs.writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      policyDir,
      stateDir,
      homes: [home],
      systemRoot: root,
      platform: 'linux',
      socketPath,
      pollIntervalMs: 100,
      trustedKeys: [{ id: 'test-it', publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
      ...extraConfig,
    }),
  );
  let child: ChildProcess | undefined;
  return {
    dir,
    home,
    root,
    policyDir,
    stateDir,
    socketPath,
    configFile,
    privateKeyFile,
    writePolicy(name, yamlText) {
      const file = path.join(policyDir, name);
      const bytes = Buffer.from(yamlText);
      const sig = crypto.sign(null, bytes, privateKey).toString('base64');
      // Signature first: the watcher may fire on the policy file, which must then verify.
      fs.writeFileSync(`${file}.sig`, sig);
      fs.writeFileSync(file, bytes);
    },
    async start(nodeFlags = []) {
      child = spawn(process.execPath, [...nodeFlags, cliEntry, 'run', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const until = Date.now() + 15_000;
      while (!fs.existsSync(socketPath)) {
        if (child.exitCode !== null) throw new Error(`agent exited early (${child.exitCode}): ${stderr}`);
        if (Date.now() > until) throw new Error(`agent did not start: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return child;
    },
    cleanup() {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 5000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The test policy's id, issuer, message in both languages and alternative, up to its `rules:` line. */
export const TEST_POLICY_HEAD = (version: number) => `apiVersion: cordon/v1
id: test-ban
version: ${version}
issuer: Test IT
issuedAt: 2026-01-01T00:00:00Z
message:
  en: Claude Code is not allowed on company machines.
  zh-CN: 公司电脑上不允许使用 Claude Code。
alternatives:
  - name: Qoder
    url: https://qoder.com
rules:
`;

export const ENFORCE_NOW_POLICY = (version: number, actions = 'report, notify, kill, quarantine') => `${TEST_POLICY_HEAD(version)}  - id: claude-code
    tools: [claude-code]
    phases:
      - { from: 2026-01-01T00:00:00Z, actions: [${actions}] }
`;
