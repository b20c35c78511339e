// The load test: Cordon as it ships (exec events) among 5,000 idle processes, a churn of 50 and then 200 new processes
// a second, a fake claude every few seconds, and one local user flooding the user socket. Run: `npm run bench:load`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFakeMachine, inOwnSession, repoRoot, rerunInSession, startCordon, type FakeMachine, type RunningAgent } from './agents.js';
import { totalTicks } from './procstat.js';
import { cpuPercentOfCore, round, summarizeLatencies, type LatencySummary } from './stats.js';
import { hrMs, IdleCrowd, ShellChurn, sleepMs, spawnFakeClaude } from './workload.js';

/** Targets of the load test (issue: hold against the employee who wants the agent gone). */
export const LOAD_TARGETS = { missedKills: 0, peakRssMb: 80 } as const;

const IDLE_PROCESSES = 5000;
const CLAUDE_EVERY_MS = 3000;
const MISS_AFTER_MS = 5000;
/** The attack tests' hostile client, copied where the unprivileged account can read it. */
const ATTACKER_SOURCE = path.join(repoRoot, 'test', 'support', 'ipcAttacker.mjs');

export interface LoadPhase {
  name: string;
  churnPerSecond: number;
  /** New processes a second the churn really reached. */
  churnReached: number;
  /** Spawn → exit of each fake claude; a miss is one still alive after MISS_AFTER_MS. */
  kills: LatencySummary;
  cpuPctOfCore: number;
  rssMb: number;
  /** Peak RSS over the agent's life so far (VmHWM). */
  peakRssMb: number;
}

export interface LoadResults {
  date: string;
  machine: { cpus: number; kernel: string; node: string };
  /** The process source Cordon's status named. */
  processSource: string | null;
  idleProcesses: number;
  attacker: { held: number | null; refused: number | null; remediateFloods: number };
  phases: LoadPhase[];
  targets: { target: string; value: string; pass: boolean }[];
}

/** An unprivileged account that floods the agent's user socket: holds every connection it can and pipelines refusals. */
class Attacker {
  private readonly children: ChildProcess[] = [];
  private readonly name = `cdload${crypto.randomBytes(3).toString('hex')}`;
  private readonly script: string;
  private floods = 0;
  private flooding = true;
  held: { held: number; refused: number } | null = null;

  constructor(home: string) {
    fs.mkdirSync(home, { recursive: true, mode: 0o755 });
    this.script = path.join(home, 'ipcAttacker.mjs');
    fs.copyFileSync(ATTACKER_SOURCE, this.script);
    fs.chmodSync(this.script, 0o644);
    const made = spawnSync('useradd', ['--no-create-home', '--home-dir', home, '--shell', '/usr/sbin/nologin', this.name], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`useradd ${this.name}: ${made.stderr}`);
  }

  private run(args: string[]): ChildProcess {
    const child = spawn('setpriv', ['--reuid', this.name, '--regid', this.name, '--clear-groups', '--', process.execPath, this.script, ...args], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    this.children.push(child);
    return child;
  }

  start(socketPath: string): void {
    const holder = this.run([socketPath, 'hold-connections', '3000']);
    holder.stdout?.once('data', (d: Buffer) => {
      const r = JSON.parse(d.toString().split('\n')[0] ?? '{}') as { held?: number; refused?: number };
      this.held = { held: r.held ?? 0, refused: r.refused ?? 0 };
    });
    const flood = (): void => {
      if (!this.flooding) return;
      this.run([socketPath, 'flood-remediate', '2000']).once('exit', () => {
        this.floods++;
        flood();
      });
    };
    flood();
  }

  get remediateFloods(): number {
    return this.floods;
  }

  stop(): void {
    this.flooding = false;
    for (const c of this.children) c.kill('SIGKILL');
    spawnSync('pkill', ['-KILL', '-u', this.name]);
    spawnSync('userdel', [this.name]);
  }
}

/** A fake claude every CLAUDE_EVERY_MS for `ms`: spawn → exit, a miss after MISS_AFTER_MS. */
async function claudes(m: FakeMachine, ms: number): Promise<{ killMs: (number | null)[] }> {
  const killMs: (number | null)[] = [];
  const pending: Promise<void>[] = [];
  const until = hrMs() + ms;
  while (hrMs() < until) {
    const fc = spawnFakeClaude(m);
    pending.push(
      Promise.race([fc.exited, sleepMs(MISS_AFTER_MS).then(() => null)]).then(async (exitedAt) => {
        if (exitedAt === null) {
          fc.child.kill('SIGKILL');
          await fc.exited;
          killMs.push(null);
        } else killMs.push(exitedAt - fc.startedHrMs);
      }),
    );
    await sleepMs(CLAUDE_EVERY_MS * (0.5 + Math.random()));
  }
  await Promise.all(pending);
  return { killMs };
}

async function phase(agent: RunningAgent, m: FakeMachine, name: string, churnPerSecond: number, ms: number): Promise<LoadPhase> {
  const churn = churnPerSecond > 0 ? new ShellChurn(churnPerSecond, path.join(m.root, `tally-${churnPerSecond}`)) : null;
  const t0 = hrMs();
  const cpu0 = totalTicks(agent.cpu());
  const { killMs } = await claudes(m, ms);
  const cpu1 = totalTicks(agent.cpu());
  const windowMs = hrMs() - t0;
  const churnReached = churn ? churn.stop() : 0;
  const mem = agent.memory();
  return {
    name,
    churnPerSecond,
    churnReached: round(churnReached, 0),
    kills: summarizeLatencies(killMs),
    cpuPctOfCore: round(cpuPercentOfCore(cpu1 - cpu0, windowMs), 3),
    rssMb: round(mem.rssKb / 1024, 1),
    peakRssMb: round(mem.hwmKb / 1024, 1),
  };
}

function table(r: LoadResults): string {
  const rows = [
    '| phase | churn asked / reached (per s) | claudes | missed | kill p50 / p95 (ms) | CPU (% of a core) | RSS / peak so far (MB) |',
    '|---|---|---|---|---|---|---|',
    ...r.phases.map(
      (p) =>
        `| ${p.name} | ${p.churnPerSecond} / ${p.churnReached} | ${p.kills.n} | ${p.kills.misses} | ${p.kills.p50Ms ?? '–'} / ${p.kills.p95Ms ?? '–'} | ${p.cpuPctOfCore} | ${p.rssMb} / ${p.peakRssMb} |`,
    ),
    '',
    '| target | value | result |',
    '|---|---|---|',
    ...r.targets.map((t) => `| ${t.target} | ${t.value} | ${t.pass ? 'PASS' : 'FAIL'} |`),
  ];
  return rows.join('\n');
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-load-'));
  const m = createFakeMachine(root);
  fs.chmodSync(root, 0o711);
  const attacker = new Attacker(path.join(root, 'attacker'));
  let agent: RunningAgent | null = null;
  let crowd: IdleCrowd | null = null;
  try {
    agent = await startCordon(m, 200);
    // Status says which process source is live once the first pass has been published.
    const until = Date.now() + 5000;
    while (!agent.processSource()?.startsWith('proc-connector') && Date.now() < until) await sleepMs(100);
    const source = agent.processSource();
    if (!source?.startsWith('proc-connector')) process.stderr.write(`load: exec events are not live (${source}); measuring anyway\n`);
    const socketPath = (JSON.parse(fs.readFileSync(agent.configFile ?? '', 'utf8')) as { socketPath: string }).socketPath;
    // The attacker must reach the user socket in the bench's private folders, as an employee reaches /run/cordon.
    for (let d = path.dirname(socketPath); d.startsWith(root); d = path.dirname(d)) fs.chmodSync(d, 0o711);
    crowd = await IdleCrowd.start(IDLE_PROCESSES);
    await sleepMs(12_000); // the safety-net listing has read the crowd once
    const phases: LoadPhase[] = [];
    phases.push(await phase(agent, m, `${IDLE_PROCESSES} idle`, 0, 30_000));
    attacker.start(socketPath);
    phases.push(await phase(agent, m, `${IDLE_PROCESSES} idle + 50/s + socket flood`, 50, 40_000));
    phases.push(await phase(agent, m, `${IDLE_PROCESSES} idle + 200/s + socket flood`, 200, 40_000));
    const missed = phases.reduce((n, p) => n + p.kills.misses, 0);
    const peak = Math.max(...phases.map((p) => p.peakRssMb));
    const results: LoadResults = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, kernel: os.release(), node: process.version },
      processSource: source,
      idleProcesses: IDLE_PROCESSES,
      attacker: { held: attacker.held?.held ?? null, refused: attacker.held?.refused ?? null, remediateFloods: attacker.remediateFloods },
      phases,
      targets: [
        { target: 'missed kills = 0', value: String(missed), pass: missed === LOAD_TARGETS.missedKills },
        { target: `peak RSS < ${LOAD_TARGETS.peakRssMb} MB`, value: `${peak} MB`, pass: peak < LOAD_TARGETS.peakRssMb },
        { target: 'agent still running', value: agent.running ? 'yes' : 'no', pass: agent.running },
      ],
    };
    const out = process.argv.includes('--out') ? (process.argv[process.argv.indexOf('--out') + 1] ?? '') : path.join(repoRoot, 'bench', 'load-results.json');
    fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(
      `${table(results)}\n\nattacker: held ${results.attacker.held} connections (${results.attacker.refused} refused), ${results.attacker.remediateFloods} floods of 2,000 refused remediations\nwritten to ${out}\n`,
    );
    process.exitCode = results.targets.every((t) => t.pass) ? 0 : 1;
  } finally {
    attacker.stop();
    await crowd?.stop();
    await agent?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (!inOwnSession()) process.exit(rerunInSession());
await main();
