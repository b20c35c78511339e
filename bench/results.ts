// The shape of bench/results.json, the targets of the performance issue, and the printed tables.
import { Ajv } from 'ajv';
import type { CliStartupResult } from './cliStartup.js';
import type { GateResult } from './gate.js';
import type { HomeScanRow, ProcessScanRow } from './growth.js';
import type { HotFunction } from './profile.js';

export interface CpuScenario {
  windowS: number;
  ticks: number;
  /** Percent of one core. */
  cpuPct: number;
  cpuSecPerMin: number;
  /** VmRSS at the end of the window and VmHWM (peak) up to then. */
  rssMb: number;
  /** The anonymous part of rssMb (heap, code): what the agent itself allocated. */
  anonMb: number;
  peakRssMb: number;
}

export type CpuScenarioName = 'idle' | 'crowd' | 'churn';

export interface AgentResult {
  periodMs: number;
  killP50Ms: number | null;
  killP95Ms: number | null;
  killMisses: number;
  processDetectP50Ms: number | null;
  processDetectP95Ms: number | null;
  installP50Ms: number | null;
  installP95Ms: number | null;
  installMisses: number;
  /** Cordon only: creation → quarantined. */
  quarantineP50Ms: number | null;
  quarantineP95Ms: number | null;
  idleCpuPct: number | null;
  cpu: Partial<Record<CpuScenarioName, CpuScenario>>;
  /** Peak VmHWM over every run of this agent in the bench. */
  rssMb: number | null;
  /** Baseline CPU / Cordon CPU in the idle window (1 for the baseline itself). */
  cpuRatioVsBaseline: number | null;
  cpuRatioByScenario: Partial<Record<CpuScenarioName, number>>;
  /** True when Cordon used less than one clock tick in a window, so its ratio is a lower bound. */
  cpuRatioLowerBound: boolean;
  /** CPU seconds from launch to the end of the warm-up (loading, first scans), and how long that was. */
  startupCpuS: number | null;
  startupWindowS: number | null;
  /** Fake claude spawns while a churn of short processes runs: how many, how many were not killed within 5 s, p95. */
  churnKillTrials?: number;
  churnKillMisses?: number;
  churnKillP95Ms?: number | null;
  /** The churn rate actually reached during those trials (processes per second). */
  churnPerSecondReached?: number | null;
  /** Cordon: the process source its status reported as live, and why events were not, if they were not. */
  processSource?: string | null;
  error?: string;
}

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryMb: number;
  node: string;
  kernel: string;
  platform: string;
  loadAvgAtStart: number[];
}

export interface Settings {
  quick: boolean;
  periodMs: number;
  killTrials: number;
  installTrials: number;
  cpuWindowS: number;
  /** Seconds the agents run before the idle window, so start-up work is not counted as idle. */
  warmUpS: number;
  crowdProcesses: number;
  churnPerSecond: number;
  /** Processes on the machine when the bench started (the host's own; they stay for every phase). */
  backgroundProcesses: number;
  /** Target rate of short processes during the churn kill trials. */
  churnKillPerSecond?: number;
  processTotals: number[];
  homeFileCounts: number[];
  /** How the daemon was started (node options come from the Linux service unit). */
  cordonCommand: string;
  /** Both agents acted only on processes of the bench's own session (they saw, but could not touch, the host's). */
  isolated: boolean;
}

export interface TargetCheck {
  id: string;
  description: string;
  value: string;
  pass: boolean | null;
}

export interface BenchResults {
  schemaVersion: 1;
  date: string;
  durationS: number;
  machine: Machine;
  settings: Settings;
  /** Cordon as it ships: exec events where the OS has them (polling as the safety net). */
  cordon: AgentResult;
  /** Cordon with events off (`processEvents: false`): the fallback where events are unavailable. */
  cordonPolling?: AgentResult;
  baseline: AgentResult;
  scanCost: { processes: ProcessScanRow[]; homeFiles: HomeScanRow[] };
  /** Cordon's hottest functions per CPU window (node --cpu-prof); empty when not profiled. */
  profiles: { scenario: CpuScenarioName; windowS: number; hot: HotFunction[] }[];
  /** Start-hook exec → exit (bench/gate.ts); absent when the gate phase did not run. */
  gate?: GateResult;
  /** Command-line start-up against `node -e 0` (bench/cliStartup.ts); absent when the cli phase did not run. */
  cli?: CliStartupResult;
  targets: TargetCheck[];
}

const num = { type: 'number' } as const;
const numOrNull = { type: ['number', 'null'] } as const;
const cpuScenario = {
  type: 'object',
  required: ['windowS', 'ticks', 'cpuPct', 'cpuSecPerMin', 'rssMb', 'peakRssMb'],
  properties: { windowS: num, ticks: num, cpuPct: num, cpuSecPerMin: num, rssMb: num, peakRssMb: num },
} as const;
const agentSchema = {
  type: 'object',
  required: ['periodMs', 'killP95Ms', 'installP95Ms', 'idleCpuPct', 'rssMb', 'cpuRatioVsBaseline', 'cpu'],
  properties: {
    periodMs: num,
    killP50Ms: numOrNull,
    killP95Ms: numOrNull,
    installP50Ms: numOrNull,
    installP95Ms: numOrNull,
    idleCpuPct: numOrNull,
    rssMb: numOrNull,
    cpuRatioVsBaseline: numOrNull,
    cpu: { type: 'object', additionalProperties: cpuScenario },
  },
} as const;

export const RESULTS_SCHEMA = {
  type: 'object',
  required: ['schemaVersion', 'date', 'machine', 'settings', 'cordon', 'baseline', 'scanCost', 'targets'],
  properties: {
    schemaVersion: { const: 1 },
    date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T' },
    machine: {
      type: 'object',
      required: ['cpuModel', 'cores', 'memoryMb', 'node', 'kernel'],
      properties: { cpuModel: { type: 'string' }, cores: num, memoryMb: num, node: { type: 'string' }, kernel: { type: 'string' } },
    },
    cordon: agentSchema,
    cordonPolling: agentSchema,
    baseline: agentSchema,
    scanCost: {
      type: 'object',
      required: ['processes', 'homeFiles'],
      properties: { processes: { type: 'array' }, homeFiles: { type: 'array' } },
    },
    targets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'description', 'value', 'pass'],
        properties: { id: { type: 'string' }, description: { type: 'string' }, value: { type: 'string' }, pass: { type: ['boolean', 'null'] } },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile(RESULTS_SCHEMA);

/** Empty list when the value has the shape of bench/results.json; otherwise one message per problem. */
export function resultsProblems(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(top)'} ${e.message ?? 'invalid'}`);
}

export const TARGETS = {
  /** With exec events (the configuration that ships where the OS has them). */
  killP95Ms: 30,
  processDetectP95Ms: 15,
  churnKillMisses: 0,
  /** Polling alone, where events are unavailable: within one default period plus the kill. */
  pollingKillP95Ms: 300,
  installP95Ms: 500,
  idleCpuPct: 0.1,
  cpuRatio: 5,
  /** The peak before exec events (bench of 2026-11-24): events must not cost memory. */
  rssMb: 74.6,
  /** An incremental tick with a few new processes costs at most this share of a full scan on the biggest machine. */
  incrementalShareOfFull: 0.1,
  /** Install+config scan on the biggest home at most this many times the empty home's, plus noiseMs. */
  homeGrowthFactor: 1.5,
  homeGrowthNoiseMs: 2,
} as const;

const fmt = (v: number | null | undefined, digits = 0): string => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));

export function evaluateTargets(cordon: AgentResult, scan: BenchResults['scanCost'], polling?: AgentResult): TargetCheck[] {
  const ratios = Object.values(cordon.cpuRatioByScenario);
  const minRatio = ratios.length > 0 ? Math.min(...ratios) : null;
  const procs = scan.processes.filter((r) => r.fullMs !== null && r.incrementalNewMs !== null);
  const biggest = procs.at(-1);
  const homes = scan.homeFiles.filter((r) => r.installScanMs !== null && r.configScanMs !== null);
  const homeCost = (r: HomeScanRow | undefined): number | null => (r ? (r.installScanMs ?? 0) + (r.configScanMs ?? 0) : null);
  const emptyHome = homeCost(homes[0]);
  const fullHome = homeCost(homes.at(-1));
  const share = biggest && biggest.fullMs ? (biggest.incrementalNewMs ?? 0) / biggest.fullMs : null;
  return [
    {
      id: 'kill-p95',
      description: `p95 kill latency ≤ ${TARGETS.killP95Ms} ms`,
      value: `${fmt(cordon.killP95Ms)} ms`,
      pass: cordon.killP95Ms === null ? (cordon.killMisses > 0 ? false : null) : cordon.killP95Ms <= TARGETS.killP95Ms,
    },
    {
      id: 'found-p95',
      description: `p95 process found ≤ ${TARGETS.processDetectP95Ms} ms`,
      value: `${fmt(cordon.processDetectP95Ms)} ms`,
      pass: cordon.processDetectP95Ms === null ? (cordon.killMisses > 0 ? false : null) : cordon.processDetectP95Ms <= TARGETS.processDetectP95Ms,
    },
    {
      id: 'churn-kills',
      description: `missed kills under a churn of short processes = ${TARGETS.churnKillMisses}`,
      value:
        cordon.churnKillMisses === undefined
          ? 'n/a'
          : `${cordon.churnKillMisses} of ${cordon.churnKillTrials ?? '?'}${cordon.churnPerSecondReached ? ` at ${cordon.churnPerSecondReached.toFixed(0)}/s` : ''}`,
      pass: cordon.churnKillMisses === undefined ? null : cordon.churnKillMisses <= TARGETS.churnKillMisses,
    },
    {
      id: 'polling-kill-p95',
      description: `p95 kill latency with polling alone ≤ ${TARGETS.pollingKillP95Ms} ms`,
      value: `${fmt(polling?.killP95Ms)} ms`,
      pass: !polling ? null : polling.killP95Ms === null ? (polling.killMisses > 0 ? false : null) : polling.killP95Ms <= TARGETS.pollingKillP95Ms,
    },
    {
      id: 'install-p95',
      description: `p95 install detection ≤ ${TARGETS.installP95Ms} ms`,
      value: `${fmt(cordon.installP95Ms)} ms`,
      pass: cordon.installP95Ms === null ? (cordon.installMisses > 0 ? false : null) : cordon.installP95Ms <= TARGETS.installP95Ms,
    },
    {
      id: 'idle-cpu',
      description: `idle CPU ≤ ${TARGETS.idleCpuPct}% of one core`,
      value: `${fmt(cordon.idleCpuPct, 3)}%`,
      pass: cordon.idleCpuPct === null ? null : cordon.idleCpuPct <= TARGETS.idleCpuPct,
    },
    {
      id: 'cpu-ratio',
      description: `CPU ≥ ${TARGETS.cpuRatio}× lower than the baseline (every scenario)`,
      value: minRatio === null ? 'n/a' : `${cordon.cpuRatioLowerBound ? '≥' : ''}${minRatio.toFixed(1)}× (lowest)`,
      pass: minRatio === null ? null : minRatio >= TARGETS.cpuRatio,
    },
    {
      id: 'rss',
      description: `peak RSS ≤ ${TARGETS.rssMb} MB`,
      value: `${fmt(cordon.rssMb, 1)} MB`,
      pass: cordon.rssMb === null ? null : cordon.rssMb <= TARGETS.rssMb,
    },
    {
      id: 'scan-grows-with-new',
      description: `incremental scan (+${biggest?.newPerScan ?? 10} new) ≤ ${TARGETS.incrementalShareOfFull * 100}% of a full scan at ${biggest?.processes ?? '?'} processes`,
      value: share === null ? 'n/a' : `${(share * 100).toFixed(1)}%`,
      pass: share === null ? null : share <= TARGETS.incrementalShareOfFull,
    },
    {
      id: 'home-flat',
      description: `install+config scan flat with unrelated files (≤ ${TARGETS.homeGrowthFactor}× + ${TARGETS.homeGrowthNoiseMs} ms)`,
      value: emptyHome === null || fullHome === null ? 'n/a' : `${emptyHome.toFixed(2)} → ${fullHome.toFixed(2)} ms`,
      pass: emptyHome === null || fullHome === null ? null : fullHome <= emptyHome * TARGETS.homeGrowthFactor + TARGETS.homeGrowthNoiseMs,
    },
  ];
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const pair = (a: number | null, b: number | null): string => `${fmt(a)} / ${fmt(b)}`;
const passText = (p: boolean | null): string => (p === null ? 'n/a' : p ? 'PASS' : 'FAIL');

export function formatTables(r: BenchResults): string {
  const c = r.cordon;
  const p = r.cordonPolling;
  const b = r.baseline;
  const cpuCell = (a: AgentResult | undefined, name: CpuScenarioName): string => `${fmt(a?.cpu[name]?.cpuPct, 3)} (${fmt(a?.cpu[name]?.cpuSecPerMin, 3)})`;
  const cpuRow = (name: CpuScenarioName, label: string): string[] => [
    `CPU ${label}: % of a core (s/min)`,
    cpuCell(c, name),
    cpuCell(p, name),
    cpuCell(b, name),
    c.cpuRatioByScenario[name] === undefined ? 'n/a' : `${c.cpuRatioLowerBound ? '≥' : ''}${c.cpuRatioByScenario[name]?.toFixed(1)}×`,
  ];
  const rssCell = (a: AgentResult | undefined, name: CpuScenarioName): string =>
    `${fmt(a?.cpu[name]?.rssMb, 1)} (${fmt(a?.cpu[name]?.anonMb, 1)}) / ${fmt(a?.cpu[name]?.peakRssMb, 1)}`;
  const churnCell = (a: AgentResult | undefined): string =>
    a?.churnKillMisses === undefined ? 'n/a' : `${a.churnKillMisses} of ${a.churnKillTrials ?? '?'} (p95 ${fmt(a.churnKillP95Ms)} ms)`;
  const s = r.settings;
  const main = table(
    ['measure', 'Cordon (exec events)', 'Cordon (polling alone)', 'baseline (ps-list)', 'baseline ÷ Cordon'],
    [
      ['process source (from status)', c.processSource ?? 'n/a', p?.processSource ?? 'n/a', `ps-list every ${b.periodMs} ms`, ''],
      [
        `process found p50 / p95 (ms)`,
        pair(c.processDetectP50Ms, c.processDetectP95Ms),
        pair(p?.processDetectP50Ms ?? null, p?.processDetectP95Ms ?? null),
        pair(b.processDetectP50Ms, b.processDetectP95Ms),
        '',
      ],
      [
        `process killed p50 / p95 (ms), ${s.killTrials} spawns`,
        pair(c.killP50Ms, c.killP95Ms),
        pair(p?.killP50Ms ?? null, p?.killP95Ms ?? null),
        pair(b.killP50Ms, b.killP95Ms),
        '',
      ],
      [
        `missed kills under a churn of ${s.churnKillPerSecond ?? '?'} processes/s (reached ${fmt(c.churnPerSecondReached ?? null)}/s)`,
        churnCell(c),
        churnCell(p),
        churnCell(b),
        '',
      ],
      [
        `install found p50 / p95 (ms), ${s.installTrials} installs`,
        pair(c.installP50Ms, c.installP95Ms),
        pair(p?.installP50Ms ?? null, p?.installP95Ms ?? null),
        pair(b.installP50Ms, b.installP95Ms),
        '',
      ],
      [
        `install quarantined p50 / p95 (ms)`,
        pair(c.quarantineP50Ms, c.quarantineP95Ms),
        pair(p?.quarantineP50Ms ?? null, p?.quarantineP95Ms ?? null),
        'never',
        '',
      ],
      [
        `CPU start-up: s in the first ${fmt(c.startupWindowS ?? b.startupWindowS, 0)} s`,
        fmt(c.startupCpuS, 2),
        fmt(p?.startupCpuS, 2),
        fmt(b.startupCpuS, 2),
        '',
      ],
      cpuRow('idle', 'idle'),
      cpuRow('crowd', `+${s.crowdProcesses} idle processes`),
      cpuRow('churn', `churn ${s.churnPerSecond}/s`),
      ...(['idle', 'crowd', 'churn'] as const).map((name) => [
        `RSS after the ${name} window (of it anonymous) / peak so far (MB)`,
        rssCell(c, name),
        rssCell(p, name),
        rssCell(b, name),
        '',
      ]),
      ['peak RSS over the whole bench (MB)', fmt(c.rssMb, 1), fmt(p?.rssMb, 1), fmt(b.rssMb, 1), ''],
    ],
  );
  const procs = table(
    [
      'processes',
      'ps-list (ms)',
      'Cordon full /proc scan (ms)',
      'Cordon incremental, nothing new (ms)',
      'Cordon incremental, +10 new (ms)',
      'readdir /proc alone (ms)',
    ],
    r.scanCost.processes.map((p) => [
      String(p.processes),
      fmt(p.psListMs, 2),
      fmt(p.fullMs, 2),
      fmt(p.incrementalIdleMs, 2),
      fmt(p.incrementalNewMs, 2),
      fmt(p.readdirMs, 2),
    ]),
  );
  const homes = table(
    ['unrelated files in home', 'install scan (ms)', 'config scan (ms)'],
    r.scanCost.homeFiles.map((h) => [String(h.files), fmt(h.installScanMs, 2), fmt(h.configScanMs, 2)]),
  );
  const hot = r.profiles.flatMap((p) => [
    '',
    `Cordon CPU profile, ${p.scenario} window of ${p.windowS} s (self time):`,
    '',
    table(
      ['function', 'self (ms)', 'share of the window'],
      p.hot.map((h) => [h.where, h.selfMs.toFixed(1), `${h.pct.toFixed(1)}%`]),
    ),
  ]);
  const cli = r.cli
    ? [
        '',
        table(
          ['command', 'median (ms)', `÷ node -e 0 (${fmt(r.cli.nodeMs, 1)} ms)`],
          r.cli.commands.map((x) => [x.command, fmt(x.medianMs, 1), `${x.ratio.toFixed(2)}×`]),
        ),
      ]
    : [];
  const targets = table(
    ['target', 'Cordon', 'result'],
    r.targets.map((t) => [t.description, t.value, passText(t.pass)]),
  );
  const errors = [c.error ? `Cordon: ${c.error}` : '', p?.error ? `Cordon (polling): ${p.error}` : '', b.error ? `baseline: ${b.error}` : ''].filter(Boolean);
  return [
    `Period ${s.periodMs} ms for every agent · ${s.backgroundProcesses} processes on the machine at start · daemon: ${s.cordonCommand} · ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryMb} MB · Node ${r.machine.node} · Linux ${r.machine.kernel} · ${r.date}${s.quick ? ' · QUICK MODE' : ''}`,
    '',
    main,
    '',
    procs,
    '',
    homes,
    ...hot,
    ...cli,
    '',
    targets,
    ...(errors.length > 0 ? ['', ...errors.map((e) => `error: ${e}`)] : []),
  ].join('\n');
}
