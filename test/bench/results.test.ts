import { describe, expect, it } from 'vitest';
import { evaluateTargets, formatTables, resultsProblems, type AgentResult, type BenchResults } from '../../bench/results.js';

function agent(over: Partial<AgentResult>): AgentResult {
  return {
    periodMs: 200,
    killP50Ms: 8,
    killP95Ms: 21,
    killMisses: 0,
    processDetectP50Ms: 3,
    processDetectP95Ms: 9,
    installP50Ms: 20,
    installP95Ms: 60,
    installMisses: 0,
    quarantineP50Ms: 40,
    quarantineP95Ms: 90,
    idleCpuPct: 0.05,
    cpu: { idle: { windowS: 30, ticks: 3, cpuPct: 0.05, cpuSecPerMin: 0.06, rssMb: 50, anonMb: 20, peakRssMb: 55 } },
    rssMb: 55,
    cpuRatioVsBaseline: 40,
    cpuRatioByScenario: { idle: 40, crowd: 60, churn: 12 },
    cpuRatioLowerBound: false,
    startupCpuS: 0.6,
    startupWindowS: 22,
    churnKillTrials: 30,
    churnKillMisses: 0,
    churnKillP95Ms: 25,
    churnPerSecondReached: 204,
    processSource: 'proc-connector',
    ...over,
  };
}

const scan: BenchResults['scanCost'] = {
  processes: [
    { processes: 100, psListMs: 30, readdirMs: 0.05, fullMs: 4, incrementalIdleMs: 0.1, incrementalNewMs: 0.8, newPerScan: 10 },
    { processes: 5000, psListMs: 900, readdirMs: 1, fullMs: 200, incrementalIdleMs: 2, incrementalNewMs: 3, newPerScan: 10 },
  ],
  homeFiles: [
    { files: 0, installScanMs: 0.5, configScanMs: 0.3 },
    { files: 100_000, installScanMs: 0.6, configScanMs: 0.4 },
  ],
};

const polling = agent({
  killP50Ms: 110,
  killP95Ms: 190,
  processDetectP95Ms: 185,
  processSource: 'polling (events: turned off in the config (processEvents: false))',
});

function results(cordon: AgentResult): BenchResults {
  return {
    schemaVersion: 1,
    date: '2026-11-24T07:00:00.000Z',
    durationS: 300,
    machine: { cpuModel: 'test cpu', cores: 2, memoryMb: 1024, node: 'v20.20.2', kernel: '6.1', platform: 'linux x64', loadAvgAtStart: [0.5] },
    settings: {
      quick: false,
      periodMs: 200,
      killTrials: 60,
      installTrials: 40,
      cpuWindowS: 30,
      warmUpS: 20,
      crowdProcesses: 1000,
      churnPerSecond: 20,
      churnKillPerSecond: 200,
      backgroundProcesses: 80,
      processTotals: [100, 5000],
      homeFileCounts: [0, 100_000],
      isolated: true,
      cordonCommand: 'node dist/agent/cli/main.js run --config bench.json',
    },
    cordon,
    cordonPolling: polling,
    baseline: agent({ killP50Ms: 120, killP95Ms: 210, cpuRatioVsBaseline: 1, quarantineP50Ms: null, quarantineP95Ms: null, processSource: null }),
    scanCost: scan,
    profiles: [{ scenario: 'crowd', windowS: 30, hot: [{ where: 'readStat (dist/agent/adapters/processes/procReader.js:71)', selfMs: 900, pct: 30 }] }],
    targets: evaluateTargets(cordon, scan, polling),
  };
}

const verdicts = (r: BenchResults): Record<string, boolean | null> => Object.fromEntries(r.targets.map((t) => [t.id, t.pass]));

describe('bench results', () => {
  it('passes every target when Cordon is within them', () => {
    expect(verdicts(results(agent({})))).toEqual({
      'kill-p95': true,
      'found-p95': true,
      'churn-kills': true,
      'polling-kill-p95': true,
      'install-p95': true,
      'idle-cpu': true,
      'cpu-ratio': true,
      rss: true,
      'scan-grows-with-new': true,
      'home-flat': true,
    });
  });

  it('fails each target it misses, judging the CPU ratio by the worst scenario', () => {
    const slow = agent({
      killP95Ms: 31,
      processDetectP95Ms: 16,
      churnKillMisses: 1,
      installP95Ms: 501,
      idleCpuPct: 0.11,
      rssMb: 74.7,
      cpuRatioByScenario: { idle: 40, churn: 4.9 },
    });
    expect(verdicts(results(slow))).toMatchObject({
      'kill-p95': false,
      'found-p95': false,
      'churn-kills': false,
      'install-p95': false,
      'idle-cpu': false,
      'cpu-ratio': false,
      rss: false,
    });
    expect(verdicts({ ...results(agent({})), targets: evaluateTargets(agent({}), scan, agent({ killP95Ms: 301 })) })).toMatchObject({
      'polling-kill-p95': false,
    });
  });

  it('fails the latency targets when events were missed so often that p95 is a miss', () => {
    expect(verdicts(results(agent({ killP95Ms: null, killMisses: 5, installP95Ms: null, installMisses: 3 })))).toMatchObject({
      'kill-p95': false,
      'install-p95': false,
    });
  });

  it('fails the growth targets when scans grow with the total', () => {
    const grows: BenchResults['scanCost'] = {
      processes: [{ processes: 5000, psListMs: 900, readdirMs: 1, fullMs: 200, incrementalIdleMs: 150, incrementalNewMs: 190, newPerScan: 10 }],
      homeFiles: [
        { files: 0, installScanMs: 0.5, configScanMs: 0.3 },
        { files: 100_000, installScanMs: 300, configScanMs: 0.4 },
      ],
    };
    expect(verdicts({ ...results(agent({})), targets: evaluateTargets(agent({}), grows) })).toMatchObject({
      'scan-grows-with-new': false,
      'home-flat': false,
    });
  });

  it('writes results that match the published schema, and the schema catches a missing headline figure', () => {
    const r = results(agent({}));
    expect(resultsProblems(JSON.parse(JSON.stringify(r)))).toEqual([]);
    const { killP95Ms: _dropped, ...withoutKill } = r.cordon;
    expect(resultsProblems({ ...r, cordon: withoutKill }).join()).toMatch(/killP95Ms/);
  });

  it('prints the agents side by side, events and polling apart, with the verdicts', () => {
    const text = formatTables(results(agent({ rssMb: 90 })));
    expect(text).toMatch(/\| process source \(from status\) \| proc-connector \| polling \(events: turned off in the config \(processEvents: false\)\) \|/);
    expect(text).toMatch(/\| process killed p50 \/ p95 \(ms\), 60 spawns \| 8 \/ 21 \| 110 \/ 190 \| 120 \/ 210 \|/);
    expect(text).toMatch(/\| missed kills under a churn of 200 processes\/s \(reached 204\/s\) \| 0 of 30 \(p95 25 ms\) \|/);
    expect(text).toMatch(/\| readStat \(dist\/agent\/adapters\/processes\/procReader.js:71\) \| 900\.0 \| 30\.0% \|/);
    expect(text).toMatch(/peak RSS ≤ 74\.6 MB \| 90\.0 MB \| FAIL/);
    expect(text).toMatch(/\| RSS after the idle window \(of it anonymous\) \/ peak so far \(MB\) \| 50\.0 \(20\.0\) \/ 55\.0 \|/);
  });
});
