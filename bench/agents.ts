// Starts and stops the two agents under test (Cordon's daemon and the naive baseline) on the same fake machine.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditTail } from './audit.js';
import { readCpuTicks, readMemory, type CpuTicks, type MemoryKb } from './procstat.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const cordonCli = path.join(repoRoot, 'dist', 'agent', 'cli', 'main.js');
const baselineScript = path.join(repoRoot, 'bench', 'baseline-agent.mjs');

export type AgentName = 'cordon' | 'baseline';

/** The fake machine both agents look at: one home, one system root, and a `claude` that is really `sleep`. */
export interface FakeMachine {
  root: string;
  home: string;
  systemRoot: string;
  fakeClaude: string;
}

export function createFakeMachine(root: string): FakeMachine {
  const home = path.join(root, 'home', 'dev');
  const systemRoot = path.join(root, 'sysroot');
  for (const d of ['.local/bin', '.local/share', '.config', '.cache', '.npm-global/lib/node_modules']) {
    fs.mkdirSync(path.join(home, d), { recursive: true });
  }
  for (const d of ['usr/local/bin', 'usr/local/lib/node_modules', 'usr/lib/node_modules', 'opt', 'etc']) {
    fs.mkdirSync(path.join(systemRoot, d), { recursive: true });
  }
  const bin = path.join(root, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const fakeClaude = path.join(bin, 'claude');
  fs.symlinkSync('/bin/sleep', fakeClaude);
  return { root, home, systemRoot, fakeClaude };
}

export const BENCH_POLICY = `apiVersion: cordon/v1
id: bench
version: 1
issuer: bench
issuedAt: 2026-01-01T00:00:00Z
message: benchmark
rules:
  - id: cc
    tools: [claude-code]
    phases:
      - { from: 2026-01-01T00:00:00Z, actions: [report, notify, kill, quarantine] }
`;

export class RunningAgent {
  readonly audit: AuditTail;
  private exited: Promise<void>;
  private stderr = '';

  constructor(
    readonly name: AgentName,
    private readonly child: ChildProcess,
    auditFile: string,
  ) {
    this.audit = new AuditTail(auditFile);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get lastStderr(): string {
    return this.stderr;
  }

  cpu(): CpuTicks {
    return readCpuTicks(this.pid);
  }

  memory(): MemoryKb {
    return readMemory(this.pid);
  }

  async ready(isReady: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!isReady()) {
      if (!this.running) throw new Error(`${this.name} exited during start-up: ${this.stderr.trim() || '(no stderr)'}`);
      if (Date.now() > deadline) throw new Error(`${this.name} not ready after ${timeoutMs} ms: ${this.stderr.trim()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const killed = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(killed);
  }
}

function spawnAgent(args: string[]): ChildProcess {
  return spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export async function startBaseline(m: FakeMachine, periodMs: number): Promise<RunningAgent> {
  const stateDir = fs.mkdtempSync(path.join(m.root, 'baseline-'));
  const auditFile = path.join(stateDir, 'audit.jsonl');
  const args = [baselineScript, '--period', String(periodMs), '--audit', auditFile, '--home', m.home, '--system-root', m.systemRoot];
  const agent = new RunningAgent('baseline', spawnAgent(args), auditFile);
  await agent.ready(() => agent.audit.find((e) => e.event === 'agent-start') !== undefined, 15_000);
  return agent;
}

export async function startCordon(m: FakeMachine, periodMs: number): Promise<RunningAgent> {
  if (!fs.existsSync(cordonCli)) throw new Error(`${cordonCli} is missing: run \`npm run build\` first`);
  const dir = fs.mkdtempSync(path.join(m.root, 'cordon-'));
  const policyDir = path.join(dir, 'policies');
  const stateDir = path.join(dir, 'state');
  fs.mkdirSync(policyDir);
  fs.mkdirSync(stateDir);
  fs.writeFileSync(path.join(policyDir, 'bench.yaml'), BENCH_POLICY);
  const configFile = path.join(dir, 'agent.json');
  const config = {
    policyDir,
    stateDir,
    homes: [m.home],
    systemRoot: m.systemRoot,
    platform: 'linux',
    allowUnsigned: true,
    pollIntervalMs: periodMs,
    socketPath: path.join(dir, 'cordon.sock'),
  };
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const agent = new RunningAgent('cordon', spawnAgent([cordonCli, 'run', '--config', configFile]), path.join(stateDir, 'audit.jsonl'));
  const statusFile = path.join(stateDir, 'status.json');
  await agent.ready(() => {
    const rejected = agent.audit.find((e) => e.event === 'policy-rejected');
    if (rejected) throw new Error(`cordon rejected the bench policy: ${rejected.detail ?? JSON.stringify(rejected)}`);
    return fs.existsSync(statusFile) && agent.audit.find((e) => e.event === 'policy-loaded') !== undefined;
  }, 30_000);
  return agent;
}

export function startAgent(name: AgentName, m: FakeMachine, periodMs: number): Promise<RunningAgent> {
  return name === 'cordon' ? startCordon(m, periodMs) : startBaseline(m, periodMs);
}
