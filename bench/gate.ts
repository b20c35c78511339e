// Start-hook latency: exec → exit of the launcher Claude Code runs, as Claude Code runs it (also runnable alone: `tsx bench/gate.ts`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gateDecisions } from '../agent/core/gate/decide.js';
import { launcherScript, startHookLayout } from '../agent/core/gate/startHook.js';
import { parsePolicy } from '../agent/core/policy/parse.js';
import type { TargetCheck } from './results.js';
import { summarizeLatencies, type LatencySummary } from './stats.js';
import { hrMs } from './workload.js';

export const GATE_TARGET_P95_MS = 150;

export interface GateResult {
  trials: number;
  /** A narrowed start: the hook prints the managed settings and exits 0. */
  narrow: LatencySummary;
  /** A refused start: the hook prints the refusal and exits 77 (no daemon to tell). */
  prevent: LatencySummary;
  /** `node -e ''` under the same conditions: what node's own start costs, the floor of any node hook. */
  nodeAlone: LatencySummary;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function policyText(actions: string): string {
  return `apiVersion: cordon/v1
id: bench
version: 1
issuer: Bench
issuedAt: 2026-01-01T00:00:00Z
message: Benchmark.
rules:
  - id: r
    tools: [claude-code]
${actions.includes('narrow') ? '    allowedModels: [haiku]\n' : ''}    phases:
      - { from: 2026-01-01T00:00:00Z, actions: [${actions}] }
`;
}

function execToExit(launcher: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<{ ms: number; code: number | null }> {
  const started = hrMs();
  return new Promise((resolve, reject) => {
    const child = spawn(launcher, args, { env, stdio: ['ignore', 'ignore', 'ignore'] });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ ms: hrMs() - started, code }));
  });
}

async function scenario(dir: string, actions: string, trials: number, expectCode: number): Promise<LatencySummary> {
  const layout = startHookLayout('linux', 'claude-code', { managedDir: path.join(dir, 'managed'), gateDir: path.join(dir, actions.replace(/\W/g, '')) });
  fs.mkdirSync(layout.gateDir, { recursive: true });
  fs.mkdirSync(layout.managedDir, { recursive: true });
  fs.writeFileSync(
    path.join(layout.managedDir, 'managed-settings.json'),
    JSON.stringify({ availableModels: ['sonnet', 'haiku'], permissions: { deny: ['WebFetch'] } }),
  );
  const policy = parsePolicy(Buffer.from(policyText(actions)), 'bench.yaml');
  fs.writeFileSync(
    layout.decisionsPath,
    JSON.stringify(gateDecisions('claude-code', [{ policy, ref: { id: 'bench', version: 1, file: 'bench.yaml', signedBy: null } }], [], os.hostname())),
  );
  const script = launcherScript(layout, {
    node: process.execPath,
    entry: path.join(process.env.CORDON_BENCH_DIST ?? path.join(repoRoot, 'dist'), 'agent', 'cli', 'gate.js'),
    tool: 'claude-code',
    socketPath: path.join(dir, 'no-daemon.sock'),
    failClosedFrom: null,
  }) as string;
  fs.writeFileSync(layout.launcherPath, script, { mode: 0o755 });
  const samples: (number | null)[] = [];
  // Warm the page cache the way a second start of Claude Code finds it.
  await execToExit(layout.launcherPath, { LANG: 'C.UTF-8' });
  for (let i = 0; i < trials; i++) {
    const r = await execToExit(layout.launcherPath, { LANG: 'C.UTF-8' });
    samples.push(r.code === expectCode ? r.ms : null);
  }
  return summarizeLatencies(samples);
}

export async function measureGate(trials: number): Promise<GateResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-bench-gate-'));
  try {
    const narrow = await scenario(dir, 'report, narrow', trials, 0);
    const prevent = await scenario(dir, 'report, prevent', trials, 77);
    const alone: number[] = [];
    for (let i = 0; i < trials; i++) alone.push((await execToExit(process.execPath, {}, ['-e', ''])).ms);
    return { trials, narrow, prevent, nodeAlone: summarizeLatencies(alone) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function gateTargets(gate: GateResult | null): TargetCheck[] {
  if (!gate) return [];
  const worst = Math.max(gate.narrow.p95Ms ?? Infinity, gate.prevent.p95Ms ?? Infinity);
  return [
    {
      id: 'gate-p95',
      description: `p95 start-hook exec → exit ≤ ${GATE_TARGET_P95_MS} ms`,
      value: `${gate.narrow.p95Ms ?? 'miss'} ms narrow, ${gate.prevent.p95Ms ?? 'miss'} ms prevent (node alone ${gate.nodeAlone.p95Ms} ms)`,
      pass: Number.isFinite(worst) ? worst <= GATE_TARGET_P95_MS : false,
    },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const trials = Number(process.argv[2] ?? 50);
  const gate = await measureGate(trials);
  process.stdout.write(`${JSON.stringify({ gate, targets: gateTargets(gate) }, null, 2)}\n`);
}
