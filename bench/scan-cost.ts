// Measures what one install+config scan of a home plus system locations costs, with 0, 10,000 and 100,000 unrelated files in
// the home, and what one process listing costs through the /proc reader versus ps-list. Run: npx tsx bench/scan-cost.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadBuiltInCatalog } from '../agent/adapters/catalogFiles.js';
import { nodeFileSystem } from '../agent/adapters/fileSystem.js';
import { createProcReader, createPsListSource } from '../agent/adapters/processes/index.js';
import { createUserNameCache } from '../agent/adapters/users.js';
import { scanConfigs, scanInstalls, type DetectContext } from '../agent/core/detect/index.js';

const catalog = loadBuiltInCatalog();
const RUNS = 20;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function fillHome(home: string, files: number): void {
  // Unrelated files spread the way real homes have them: wide project folders, plus a wide home root.
  const perDir = 1000;
  for (let i = 0; i < files; i++) {
    const dir = i % 10 === 0 ? home : path.join(home, 'projects', `p${Math.floor(i / perDir)}`);
    if (i % perDir === 1) fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `file-${i}.txt`), '');
  }
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times;
}

console.log(`scan of one home + system root (${catalog.tools.length} tools), median of ${RUNS} runs`);
for (const files of [0, 10_000, 100_000]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-bench-'));
  const home = path.join(dir, 'home', 'alice');
  fs.mkdirSync(home, { recursive: true });
  fillHome(home, files);
  fs.mkdirSync(path.join(home, '.local', 'share', 'claude', 'versions'), { recursive: true });
  fs.writeFileSync(path.join(home, '.local', 'share', 'claude', 'versions', '2.1.89'), '');
  fs.writeFileSync(path.join(home, '.bashrc'), 'export ANTHROPIC_API_KEY=sk-ant-x\n');
  const ctx: DetectContext = { platform: 'linux', systemRoot: '/', homes: [{ user: 'alice', home }] };
  let found = 0;
  const times = await timeAsync(async () => {
    found = scanInstalls(nodeFileSystem, catalog.tools, ctx).length + scanConfigs(nodeFileSystem, catalog.tools, ctx).length;
  });
  console.log(
    `  ${String(files).padStart(7)} unrelated files: median ${median(times).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms (${found} observations)`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

const userName = createUserNameCache();
const full = createProcReader({ incremental: false, userName });
const incremental = createProcReader({ incremental: true, userName });
await incremental.list();
const psList = createPsListSource({ userName });
const count = (await full.list()).length;
console.log(`process listing (${count} processes), median of ${RUNS} runs`);
for (const [name, source] of [
  ['/proc reader, full', full],
  ['/proc reader, incremental', incremental],
  ['ps-list', psList],
] as const) {
  const times = await timeAsync(() => source.list());
  console.log(`  ${name.padEnd(26)} median ${median(times).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms`);
}
