// Starts and stops the two agents under test (Cordon's daemon and the naive baseline) on the same fake machine.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditTail } from './audit.js';
import { readCpuTicks, readMemory, type CpuTicks, type MemoryKb } from './procstat.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The compiled agent under test: this checkout's `dist/`, or another build named by CORDON_BENCH_DIST. */
export const agentDist = path.resolve(process.env.CORDON_BENCH_DIST ?? path.join(repoRoot, 'dist'));
export const cordonCli = path.join(agentDist, 'agent', 'cli', 'main.js');
const baselineScript = path.join(repoRoot, 'bench', 'baseline-agent.mjs');

/** Cordon as it ships (exec events where the OS has them), Cordon with events off (polling alone), and the naive agent. */
export type AgentName = 'cordon' | 'cordonPolling' | 'baseline';

/**
 * The bench's fence. Both agents run in the host's pid namespace (the proc connector works only there) and would
 * otherwise kill any `claude` on the machine; the bench runs in a session of its own (setsid) and tells both agents
 * to act only on processes of that session (Cordon: config `processScope`; the baseline: `--session`). A session
 * cannot be joined from outside, so its members are exactly the processes the bench started.
 */
export function benchSession(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

/** Set in the copy of a bench program that runs in a session of its own. */
export const inOwnSession = (): boolean => process.env.CORDON_BENCH_SESSION === '1';

/**
 * Both agents SIGKILL every process that looks like claude, and Cordon must run in the host's pid namespace to get
 * exec events. A bench program therefore reruns itself in a session of its own and fences the agents to it (see
 * benchSession); returns the exit code of that run.
 */
export function rerunInSession(): number {
  const r = spawnSync('setsid', ['--wait', process.execPath, ...process.execArgv, process.argv[1] ?? '', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, CORDON_BENCH_SESSION: '1' },
  });
  if (r.error) {
    process.stderr.write(`bench: cannot start a session of its own (${r.error.message}); setsid comes with util-linux.\n`);
    return 1;
  }
  return r.status ?? 1;
}

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
    private readonly statusFile: string | null = null,
    /** Cordon: its config file, for a command line that talks to it. */
    readonly configFile: string | null = null,
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

  /** Cordon: which process source its status says is live (`agent.processSource.live`), and why events are not. */
  processSource(): string | null {
    if (!this.statusFile) return null;
    try {
      const status = JSON.parse(fs.readFileSync(this.statusFile, 'utf8')) as { agent?: { processSource?: { live?: string; events?: { reason?: string } } } };
      const ps = status.agent?.processSource;
      return ps?.live ? `${ps.live}${ps.events?.reason ? ` (events: ${ps.events.reason})` : ''}` : null;
    } catch {
      return null;
    }
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

  /** Whether the agent starts programs of its own: the baseline's ps-list runs `ps` on every poll. */
  get startsPrograms(): boolean {
    return this.name === 'baseline';
  }

  /** Stops the agent's process where it is (SIGSTOP), so it neither works nor starts anything until `resume`. */
  pause(): void {
    if (this.running) process.kill(this.pid, 'SIGSTOP');
  }

  resume(): void {
    if (this.running) process.kill(this.pid, 'SIGCONT');
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.resume();
    this.child.kill('SIGTERM');
    const killed = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(killed);
  }
}

/** An agent that fails to start is stopped, so no stray daemon outlives the bench. */
async function stopUnlessReady(agent: RunningAgent, isReady: () => boolean): Promise<void> {
  try {
    await agent.ready(isReady, 30_000);
  } catch (err) {
    await agent.stop();
    throw err;
  }
}

/**
 * Node options the Linux service unit gives the daemon (between "@NODE@" and "@AGENT_MAIN@" on its ExecStart line),
 * so the bench runs the daemon exactly as it runs on a machine.
 */
export function serviceNodeFlags(unitFile = path.join(repoRoot, 'scripts', 'linux', 'cordon.service.in')): string[] {
  let unit: string;
  try {
    unit = fs.readFileSync(unitFile, 'utf8');
  } catch {
    return [];
  }
  const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '';
  const between = /"?@NODE@"?(.*?)"?@AGENT_MAIN@"?/.exec(exec)?.[1] ?? '';
  return between.split(/\s+/).filter((t) => t.startsWith('-'));
}

/** The unit's node options, unless CORDON_BENCH_NODE_FLAGS names others to try (space-separated; empty for none). */
export function daemonNodeFlags(): string[] {
  const override = process.env.CORDON_BENCH_NODE_FLAGS;
  return override === undefined ? serviceNodeFlags() : override.split(/\s+/).filter(Boolean);
}

function spawnAgent(args: string[]): ChildProcess {
  return spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export async function startBaseline(m: FakeMachine, periodMs: number): Promise<RunningAgent> {
  const stateDir = fs.mkdtempSync(path.join(m.root, 'baseline-'));
  const auditFile = path.join(stateDir, 'audit.jsonl');
  const args = [
    baselineScript,
    '--period',
    String(periodMs),
    '--audit',
    auditFile,
    '--home',
    m.home,
    '--system-root',
    m.systemRoot,
    '--session',
    String(benchSession()),
  ];
  const agent = new RunningAgent('baseline', spawnAgent(args), auditFile);
  await stopUnlessReady(agent, () => agent.audit.find((e) => e.event === 'agent-start') !== undefined);
  return agent;
}

export async function startCordon(m: FakeMachine, periodMs: number, extraNodeFlags: string[] = [], events = true): Promise<RunningAgent> {
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
    processEvents: events,
    processScope: { session: benchSession() },
    socketPath: path.join(dir, 'cordon.sock'),
  };
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const command = [...daemonNodeFlags(), ...extraNodeFlags, cordonCli, 'run', '--config', configFile];
  const agent = new RunningAgent(
    events ? 'cordon' : 'cordonPolling',
    spawnAgent(command),
    path.join(stateDir, 'audit.jsonl'),
    path.join(stateDir, 'status.json'),
    configFile,
  );
  const statusFile = path.join(stateDir, 'status.json');
  await stopUnlessReady(agent, () => {
    if (!fs.existsSync(statusFile)) return false;
    if (agent.audit.find((e) => e.event === 'policy-loaded' && e.policy === 'bench')) return true;
    const rejected = agent.audit.events.filter((e) => e.event === 'policy-rejected').map((e) => e.detail);
    throw new Error(`cordon did not load the bench policy: ${rejected.join('; ') || 'no policy-loaded event'}`);
  });
  return agent;
}

export function startAgent(name: AgentName, m: FakeMachine, periodMs: number): Promise<RunningAgent> {
  return name === 'baseline' ? startBaseline(m, periodMs) : startCordon(m, periodMs, [], name === 'cordon');
}
