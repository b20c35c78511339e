// Scan cost as the machine grows: more processes (full vs incremental scans vs ps-list) and more unrelated files in a home.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import psList from 'ps-list';
import type { ProcessInfo } from '../agent/common/model.js';
import type { Catalog } from '../agent/core/catalog/types.js';
import type { DetectContext } from '../agent/core/detect/context.js';
import type { FileSystemPort } from '../agent/ports/index.js';
import { agentDist } from './agents.js';
import { median, round } from './stats.js';
import { countProcesses, hrMs, IdleCrowd, sleepMs } from './workload.js';

/** Loads a compiled module of the agent (the artifact the daemon runs); null when that part is not built. */
async function loadBuilt<T>(relative: string): Promise<T | null> {
  const file = path.join(agentDist, relative);
  if (!fs.existsSync(file)) return null;
  return (await import(pathToFileURL(file).href)) as T;
}

interface ProcessesModule {
  createProcessSource(options: { incremental: boolean }): { list(): Promise<ProcessInfo[]> };
}

async function timeMs(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = hrMs();
  await fn();
  return hrMs() - t0;
}

async function medianOf(reps: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) samples.push(await timeMs(fn));
  return round(median(samples) ?? NaN, 2);
}

export interface ProcessScanRow {
  processes: number;
  psListMs: number;
  /** Listing /proc alone: the floor of any scan that reads nothing for processes it already knows. */
  readdirMs: number;
  /** Cordon's process source, full snapshot. */
  fullMs: number | null;
  /** Cordon's incremental source when nothing new started since the last scan. */
  incrementalIdleMs: number | null;
  /** Cordon's incremental source after `newPerScan` processes started. */
  incrementalNewMs: number | null;
  newPerScan: number;
}

const NEW_PER_SCAN = 10;
const STEADY_AFTER_MS = 3000;

async function startNew(count: number): Promise<() => Promise<void>> {
  const children = Array.from({ length: count }, () => spawn('/bin/sleep', ['3600'], { stdio: 'ignore' }));
  // Give each fork time to exec, so the scan sees `sleep` and not a copy of this process.
  await sleepMs(30);
  return async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
  };
}

export async function measureProcessGrowth(totals: number[], reps: number): Promise<ProcessScanRow[]> {
  const processes = await loadBuilt<ProcessesModule>('agent/adapters/processes/index.js');
  const crowds: IdleCrowd[] = [];
  const rows: ProcessScanRow[] = [];
  try {
    for (const total of [...totals].sort((a, b) => a - b)) {
      const missing = total - countProcesses();
      if (missing > 0) crowds.push(await IdleCrowd.start(missing));
      const psListMs = await medianOf(reps, () => psList());
      const readdirMs = await medianOf(reps * 4, () => fs.readdirSync('/proc'));
      let fullMs: number | null = null;
      let incrementalIdleMs: number | null = null;
      let incrementalNewMs: number | null = null;
      if (processes) {
        const full = processes.createProcessSource({ incremental: false });
        fullMs = await medianOf(reps, () => full.list());
        const inc = processes.createProcessSource({ incremental: true });
        await inc.list();
        // Steady state: the crowd has been seen and has been running a while, as on a machine that has been up.
        await sleepMs(STEADY_AFTER_MS);
        await inc.list();
        incrementalIdleMs = await medianOf(reps, () => inc.list());
        const withNew: number[] = [];
        for (let i = 0; i < reps; i++) {
          const end = await startNew(NEW_PER_SCAN);
          withNew.push(await timeMs(() => inc.list()));
          await end();
          await inc.list();
        }
        incrementalNewMs = round(median(withNew) ?? NaN, 2);
      }
      rows.push({ processes: countProcesses(), psListMs, readdirMs, fullMs, incrementalIdleMs, incrementalNewMs, newPerScan: NEW_PER_SCAN });
    }
  } finally {
    for (const c of crowds.reverse()) await c.stop();
  }
  return rows;
}

interface DetectModule {
  scanInstalls(fs: FileSystemPort, tools: Catalog['tools'], ctx: DetectContext): unknown[];
  scanConfigs(fs: FileSystemPort, tools: Catalog['tools'], ctx: DetectContext): unknown[];
}

export interface HomeScanRow {
  files: number;
  installScanMs: number | null;
  configScanMs: number | null;
}

/**
 * Unrelated files where a developer has them: source trees, caches, other apps' settings (100 per folder), and one
 * in ten loose in the home itself, which makes any scan that lists the home pay for them.
 */
function addUnrelatedFiles(home: string, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const bucket = Math.floor(i / 100);
    const area =
      i % 10 === 0
        ? '.'
        : bucket % 10 < 7
          ? `projects/repo${bucket % 50}/src/d${bucket}`
          : bucket % 10 < 9
            ? `.cache/app/d${bucket}`
            : `.config/otherapp/d${bucket}`;
    const dir = path.join(home, area);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `f${i}.txt`), 'x');
  }
}

export async function measureHomeGrowth(root: string, fileCounts: number[], reps: number): Promise<HomeScanRow[]> {
  const detect = await loadBuilt<DetectModule>('agent/core/detect/index.js');
  const fsMod = await loadBuilt<{ nodeFileSystem: FileSystemPort }>('agent/adapters/fileSystem.js');
  const catalogMod = await loadBuilt<{ loadBuiltInCatalog(): Catalog }>('agent/adapters/catalogFiles.js');
  const home = path.join(root, 'growth-home', 'dev');
  const systemRoot = path.join(root, 'growth-sysroot');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(systemRoot, { recursive: true });
  const ctx: DetectContext = { platform: 'linux', systemRoot, homes: [{ user: 'dev', home }] };
  const rows: HomeScanRow[] = [];
  let have = 0;
  try {
    for (const files of [...fileCounts].sort((a, b) => a - b)) {
      addUnrelatedFiles(home, have, files);
      have = files;
      if (!detect || !fsMod || !catalogMod) {
        rows.push({ files, installScanMs: null, configScanMs: null });
        continue;
      }
      const tools = catalogMod.loadBuiltInCatalog().tools;
      const nfs = fsMod.nodeFileSystem;
      rows.push({
        files,
        installScanMs: await medianOf(reps, () => detect.scanInstalls(nfs, tools, ctx)),
        configScanMs: await medianOf(reps, () => detect.scanConfigs(nfs, tools, ctx)),
      });
    }
  } finally {
    fs.rmSync(path.dirname(home), { recursive: true, force: true });
  }
  return rows;
}
