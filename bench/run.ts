// Entry of `npm run bench`: runs Cordon's daemon and a naive ps-list agent side by side and writes bench/results.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  agentDist,
  createFakeMachine,
  daemonNodeFlags,
  inOwnSession,
  repoRoot,
  rerunInSession,
  startAgent,
  startCordon,
  type AgentName,
  type RunningAgent,
} from './agents.js';
import { cliTargets, measureCliStartup } from './cliStartup.js';
import { gateTargets, measureGate } from './gate.js';
import { measureHomeGrowth, measureProcessGrowth } from './growth.js';
import { measureCpu, measureInstalls, measureKills, type CpuWindow } from './measure.js';
import { hotFunctions, readNewestProfile } from './profile.js';
import { evaluateTargets, formatTables, resultsProblems, type AgentResult, type BenchResults, type CpuScenarioName, type Settings } from './results.js';
import { totalTicks } from './procstat.js';
import { cpuPercentOfCore, cpuRatio, cpuSecondsPerMinute, round, summarizeLatencies, USER_HZ } from './stats.js';
import { Churn, countProcesses, hrMs, IdleCrowd, ShellChurn, sleepMs } from './workload.js';

const USAGE = `usage: npm run bench -- [--quick] [--period MS] [--kills N] [--installs N] [--cpu-window S]
                      [--crowd N] [--churn PER_S] [--churn-kills PER_S] [--processes N,N,N] [--files N,N,N]
                      [--phases latency,cpu,profile,scan,gate,cli] [--out FILE] [--keep]
Set CORDON_BENCH_DIST to measure another build of the agent than ./dist, and CORDON_BENCH_NODE_FLAGS to start
the daemon with other node options than the Linux service unit's.`;

const PHASES = ['latency', 'cpu', 'profile', 'scan', 'gate', 'cli'] as const;
type Phase = (typeof PHASES)[number];

function parsePhases(v: string | undefined): Set<Phase> {
  if (v === undefined) return new Set(PHASES);
  const list = v.split(',').map((x) => x.trim());
  const bad = list.filter((x) => !(PHASES as readonly string[]).includes(x));
  if (bad.length > 0) throw new Error(`unknown phase ${bad.join(', ')} (phases: ${PHASES.join(', ')})`);
  return new Set(list as Phase[]);
}

function parseList(v: string | undefined, fallback: number[]): number[] {
  if (v === undefined) return fallback;
  const list = v.split(',').map((x) => Number(x.trim()));
  if (list.some((x) => !Number.isInteger(x) || x < 0)) throw new Error(`not a list of counts: ${v}`);
  return list;
}

interface Options extends Omit<Settings, 'cordonCommand'> {
  phases: Set<Phase>;
  /** Keep the fake machine (agents' audit logs and state) for a look afterwards. */
  keep: boolean;
  out: string;
  reps: number;
  settleMs: number;
  profileWindowS: number;
  churnKillTrials: number;
  churnKillPerSecond: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      period: { type: 'string' },
      kills: { type: 'string' },
      installs: { type: 'string' },
      'cpu-window': { type: 'string' },
      crowd: { type: 'string' },
      churn: { type: 'string' },
      'churn-kills': { type: 'string' },
      processes: { type: 'string' },
      files: { type: 'string' },
      phases: { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const int = (v: string | undefined, full: number, fast: number): number => {
    if (v === undefined) return quick ? fast : full;
    const n = Number(v);
    if (!(n > 0)) throw new Error(`expected a positive number, got ${v}`);
    return n;
  };
  return {
    quick,
    periodMs: int(values.period ?? process.env.CORDON_BENCH_PERIOD_MS, 200, 200),
    killTrials: int(values.kills, 60, 10),
    installTrials: int(values.installs, 40, 6),
    cpuWindowS: int(values['cpu-window'], 40, 5),
    crowdProcesses: int(values.crowd, 1000, 1000),
    churnPerSecond: int(values.churn, 20, 20),
    backgroundProcesses: countProcesses(),
    processTotals: parseList(values.processes, quick ? [100, 1000] : [100, 1000, 5000]),
    homeFileCounts: parseList(values.files, quick ? [0, 10_000] : [0, 10_000, 100_000]),
    isolated: inOwnSession(),
    phases: parsePhases(values.phases),
    keep: values.keep ?? false,
    out: values.out ?? (quick ? path.join(os.tmpdir(), 'cordon-bench-quick.json') : path.join(repoRoot, 'bench', 'results.json')),
    reps: quick ? 3 : 5,
    settleMs: quick ? 1000 : 3000,
    warmUpS: quick ? 3 : 20,
    profileWindowS: quick ? 5 : 20,
    churnKillTrials: int(undefined, 30, 6),
    churnKillPerSecond: int(values['churn-kills'], 200, 200),
  };
}

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function emptyResult(periodMs: number): AgentResult {
  return {
    periodMs,
    killP50Ms: null,
    killP95Ms: null,
    killMisses: 0,
    processDetectP50Ms: null,
    processDetectP95Ms: null,
    installP50Ms: null,
    installP95Ms: null,
    installMisses: 0,
    quarantineP50Ms: null,
    quarantineP95Ms: null,
    idleCpuPct: null,
    cpu: {},
    rssMb: null,
    cpuRatioVsBaseline: null,
    cpuRatioByScenario: {},
    cpuRatioLowerBound: false,
    startupCpuS: null,
    startupWindowS: null,
  };
}

function machine(): BenchResults['machine'] {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryMb: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    kernel: os.release(),
    platform: `${process.platform} ${process.arch}`,
    loadAvgAtStart: os.loadavg().map((l) => round(l, 2)),
  };
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function main(opts: Options): Promise<void> {
  const t0 = hrMs();
  const date = new Date().toISOString();
  const machineInfo = machine();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-bench-'));
  const m = createFakeMachine(root);
  const names: AgentName[] = ['baseline', 'cordonPolling', 'cordon'];
  const results: Record<AgentName, AgentResult> = {
    cordon: emptyResult(opts.periodMs),
    cordonPolling: emptyResult(opts.periodMs),
    baseline: emptyResult(opts.periodMs),
  };
  const peakKb: Record<AgentName, number> = { cordon: 0, cordonPolling: 0, baseline: 0 };
  const notePeak = (a: RunningAgent): void => {
    if (a.running) peakKb[a.name] = Math.max(peakKb[a.name], a.memory().hwmKb);
  };
  if (!opts.isolated) throw new Error('the bench must run in a session of its own (run it through npm run bench)');

  try {
    for (const name of opts.phases.has('latency') ? names : []) {
      const r = results[name];
      try {
        log(`${name}: starting`);
        const agent = await startAgent(name, m, opts.periodMs);
        try {
          await sleepMs(opts.settleMs);
          log(`${name}: ${opts.killTrials} fake claude spawns`);
          const kills = await measureKills(agent, m, opts.killTrials, opts.periodMs);
          const killed = summarizeLatencies(kills.killMs);
          const found = summarizeLatencies(kills.detectMs);
          Object.assign(r, { killP50Ms: killed.p50Ms, killP95Ms: killed.p95Ms, killMisses: killed.misses });
          Object.assign(r, { processDetectP50Ms: found.p50Ms, processDetectP95Ms: found.p95Ms });
          r.processSource = agent.processSource();
          log(`${name}: ${opts.churnKillTrials} fake claude spawns during a churn of ${opts.churnKillPerSecond} processes/s`);
          const churn = new ShellChurn(opts.churnKillPerSecond, path.join(root, `churn-${name}`));
          let churnKills: Awaited<ReturnType<typeof measureKills>>;
          try {
            await sleepMs(opts.settleMs);
            churnKills = await measureKills(agent, m, opts.churnKillTrials, opts.periodMs);
          } finally {
            r.churnPerSecondReached = round(churn.stop(), 0);
          }
          const underChurn = summarizeLatencies(churnKills.killMs);
          Object.assign(r, { churnKillTrials: opts.churnKillTrials, churnKillMisses: underChurn.misses, churnKillP95Ms: underChurn.p95Ms });
          log(`${name}: ${opts.installTrials} installs`);
          const installs = await measureInstalls(agent, m, opts.installTrials, opts.periodMs, name !== 'baseline');
          const inst = summarizeLatencies(installs.detectMs);
          Object.assign(r, { installP50Ms: inst.p50Ms, installP95Ms: inst.p95Ms, installMisses: inst.misses });
          if (name !== 'baseline') {
            const q = summarizeLatencies(installs.quarantineMs);
            Object.assign(r, { quarantineP50Ms: q.p50Ms, quarantineP95Ms: q.p95Ms });
          }
          notePeak(agent);
        } finally {
          await agent.stop();
        }
      } catch (err) {
        r.error = errorText(err);
        log(`${name}: ${r.error}`);
      }
    }

    const running: RunningAgent[] = [];
    const launchedAt = hrMs();
    for (const name of opts.phases.has('cpu') ? names : []) {
      try {
        running.push(await startAgent(name, m, opts.periodMs));
      } catch (err) {
        results[name].error ??= errorText(err);
      }
    }
    const windows = new Map<CpuScenarioName, Map<RunningAgent, CpuWindow>>();
    if (running.length > 0)
      try {
        const windowMs = opts.cpuWindowS * 1000;
        // Start-up (loading, first scans, first full re-read) is reported on its own; idle is what follows it.
        log(`warm-up, ${opts.warmUpS} s`);
        await sleepMs(opts.warmUpS * 1000);
        for (const a of running) {
          results[a.name].startupCpuS = round(totalTicks(a.cpu()) / USER_HZ, 2);
          results[a.name].startupWindowS = round((hrMs() - launchedAt) / 1000, 1);
        }
        log(`CPU idle, ${opts.cpuWindowS} s`);
        windows.set('idle', await measureCpu(running, windowMs));
        log(`CPU with ${opts.crowdProcesses} extra idle processes, ${opts.cpuWindowS} s`);
        const crowd = await IdleCrowd.start(opts.crowdProcesses);
        await sleepMs(opts.settleMs);
        windows.set('crowd', await measureCpu(running, windowMs));
        await crowd.stop();
        log(`CPU with a churn of ${opts.churnPerSecond} processes/s, ${opts.cpuWindowS} s`);
        const churn = new Churn(opts.churnPerSecond);
        await sleepMs(opts.settleMs);
        windows.set('churn', await measureCpu(running, windowMs));
        churn.stop();
        running.forEach(notePeak);
      } finally {
        for (const a of running) await a.stop();
      }
    for (const [scenario, byAgent] of windows) {
      const ticksOf: Partial<Record<AgentName, number>> = {};
      for (const [agent, w] of byAgent) {
        ticksOf[agent.name] = w.ticks;
        results[agent.name].cpu[scenario] = {
          windowS: round(w.windowMs / 1000, 2),
          ticks: w.ticks,
          cpuPct: round(cpuPercentOfCore(w.ticks, w.windowMs), 4),
          cpuSecPerMin: round(cpuSecondsPerMinute(w.ticks, w.windowMs), 4),
          rssMb: round(w.rssKb / 1024, 1),
          anonMb: round(w.anonKb / 1024, 1),
          peakRssMb: round(w.hwmKb / 1024, 1),
        };
      }
      for (const name of ['cordon', 'cordonPolling'] as const) {
        const mine = ticksOf[name];
        if (mine === undefined || ticksOf.baseline === undefined) continue;
        const ratio = cpuRatio(ticksOf.baseline, mine);
        results[name].cpuRatioByScenario[scenario] = round(ratio.value, 2);
        results[name].cpuRatioLowerBound ||= ratio.lowerBound;
        results.baseline.cpuRatioByScenario[scenario] = 1;
      }
    }
    for (const name of names) {
      const r = results[name];
      r.idleCpuPct = r.cpu.idle?.cpuPct ?? null;
      r.cpuRatioVsBaseline = r.cpuRatioByScenario.idle ?? null;
      r.rssMb = peakKb[name] > 0 ? round(peakKb[name] / 1024, 1) : null;
    }

    const profiles: BenchResults['profiles'] = [];
    if (opts.phases.has('profile')) {
      log(`CPU profile of Cordon: idle, then with ${opts.crowdProcesses} extra idle processes, ${opts.profileWindowS} s each`);
      const dir = fs.mkdtempSync(path.join(root, 'profile-'));
      const agent = await startCordon(m, opts.periodMs, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
      const windows: { scenario: CpuScenarioName; fromUs: number; toUs: number }[] = [];
      const profileWindow = async (scenario: CpuScenarioName): Promise<void> => {
        await sleepMs(scenario === 'idle' ? opts.warmUpS * 1000 : opts.settleMs);
        const fromUs = hrMs() * 1000;
        await sleepMs(opts.profileWindowS * 1000);
        windows.push({ scenario, fromUs, toUs: hrMs() * 1000 });
      };
      try {
        await profileWindow('idle');
        const crowd = await IdleCrowd.start(opts.crowdProcesses);
        await profileWindow('crowd');
        await crowd.stop();
      } finally {
        await agent.stop();
      }
      const p = readNewestProfile(dir);
      for (const w of p ? windows : []) {
        profiles.push({ scenario: w.scenario, windowS: opts.profileWindowS, hot: p ? hotFunctions(p, { ...w, root: path.dirname(agentDist) }) : [] });
      }
    }

    const scanCost: BenchResults['scanCost'] = { processes: [], homeFiles: [] };
    if (opts.phases.has('scan')) {
      log(`scan cost with ${opts.processTotals.join(', ')} processes`);
      scanCost.processes = await measureProcessGrowth(opts.processTotals, opts.reps);
      log(`scan cost with ${opts.homeFileCounts.join(', ')} unrelated files in a home`);
      scanCost.homeFiles = await measureHomeGrowth(root, opts.homeFileCounts, opts.reps);
    }

    const gate = opts.phases.has('gate') ? (log('start hook exec → exit'), await measureGate(opts.quick ? 30 : 100)) : null;
    const cli = opts.phases.has('cli') ? (log('command-line start-up against node -e 0'), await measureCliStartup(opts.quick ? 5 : 15)) : null;

    const settings: Settings = {
      quick: opts.quick,
      periodMs: opts.periodMs,
      killTrials: opts.killTrials,
      installTrials: opts.installTrials,
      cpuWindowS: opts.cpuWindowS,
      warmUpS: opts.warmUpS,
      crowdProcesses: opts.crowdProcesses,
      churnPerSecond: opts.churnPerSecond,
      churnKillPerSecond: opts.churnKillPerSecond,
      backgroundProcesses: opts.backgroundProcesses,
      processTotals: opts.processTotals,
      homeFileCounts: opts.homeFileCounts,
      isolated: opts.isolated,
      cordonCommand: ['node', ...daemonNodeFlags(), 'dist/agent/cli/main.js', 'run', '--config', 'bench.json'].join(' '),
    };
    const report: BenchResults = {
      schemaVersion: 1,
      date,
      durationS: round((hrMs() - t0) / 1000, 1),
      machine: machineInfo,
      settings,
      cordon: results.cordon,
      cordonPolling: results.cordonPolling,
      baseline: results.baseline,
      scanCost,
      profiles,
      ...(gate ? { gate } : {}),
      ...(cli ? { cli } : {}),
      targets: [...evaluateTargets(results.cordon, scanCost, results.cordonPolling), ...gateTargets(gate), ...cliTargets(cli)],
    };
    const problems = resultsProblems(report);
    if (problems.length > 0) throw new Error(`results do not match their schema: ${problems.join('; ')}`);
    fs.writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${formatTables(report)}\n\nwritten to ${opts.out}\n`);
  } finally {
    if (opts.keep) log(`kept ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

let opts: Options;
try {
  opts = parseOptions(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`bench: ${errorText(err)}\n${USAGE}\n`);
  process.exit(64);
}
if (!opts.isolated) {
  process.exit(rerunInSession());
}
await main(opts);
