// Command-line start-up: `cordon --help`, `--version`, `status` and `scan` against a bare `node -e 0`, run side by side (also runnable alone: `tsx bench/cliStartup.ts`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cordonCli, createFakeMachine, startCordon } from './agents.js';
import type { TargetCheck } from './results.js';
import { round } from './stats.js';
import { hrMs } from './workload.js';

/** `cordon <command>` may take at most this many times a bare `node -e 0` on the same machine at the same time. */
export const CLI_TARGET_RATIO = 3;
/** The commands a person types first; `scan` does a whole pass and is shown for information. */
const TARGETED = ['--help', '--version', 'status'];

export interface CliStartupResult {
  reps: number;
  /** Median wall time of `node -e 0` (ms), the floor of any node program. */
  nodeMs: number;
  commands: { command: string; medianMs: number; ratio: number }[];
}

function wallMs(args: string[]): Promise<number> {
  const started = hrMs();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: 'ignore', env: { ...process.env, LANG: 'C.UTF-8' } });
    child.once('error', reject);
    child.once('exit', () => resolve(hrMs() - started));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/**
 * Each round runs `node -e 0` and every command once, one after the other, so a busy moment of the machine weighs on
 * all of them alike; the ratio is of medians. `status` asks a running Cordon (started here on a fake machine), as an
 * administrator would; `scan` reads that fake machine.
 */
export async function measureCliStartup(reps: number): Promise<CliStartupResult> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-bench-cli-'));
  const agent = await startCordon(createFakeMachine(root), 200);
  try {
    const commands: [string, string[]][] = [
      ['--help', ['--help']],
      ['--version', ['--version']],
      ['status', ['status', '--config', agent.configFile ?? '']],
      ['scan', ['scan', '--config', agent.configFile ?? '']],
    ];
    const node: number[] = [];
    const times = new Map<string, number[]>(commands.map(([name]) => [name, []]));
    // One round unmeasured: the page cache then holds what a second start finds.
    for (const [, args] of commands) await wallMs([cordonCli, ...args]);
    for (let i = 0; i < reps; i++) {
      node.push(await wallMs(['-e', '0']));
      for (const [name, args] of commands) times.get(name)?.push(await wallMs([cordonCli, ...args]));
    }
    const nodeMs = median(node);
    return {
      reps,
      nodeMs: round(nodeMs, 1),
      commands: commands.map(([name]) => {
        const ms = median(times.get(name) ?? []);
        return { command: `cordon ${name}`, medianMs: round(ms, 1), ratio: round(ms / nodeMs, 2) };
      }),
    };
  } finally {
    await agent.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export function cliTargets(cli: CliStartupResult | null): TargetCheck[] {
  if (!cli) return [];
  const targeted = cli.commands.filter((c) => TARGETED.includes(c.command.replace(/^cordon /, '')));
  return [
    {
      id: 'cli-startup',
      description: `CLI start-up (${targeted.map((c) => c.command).join(', ')}) ≤ ${CLI_TARGET_RATIO}× a bare node -e 0`,
      value: `${targeted.map((c) => `${c.ratio}×`).join(', ')} (node -e 0 ${cli.nodeMs} ms)`,
      pass: targeted.every((c) => c.ratio <= CLI_TARGET_RATIO),
    },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const cli = await measureCliStartup(Number(process.argv[2] ?? 15));
  process.stdout.write(`${JSON.stringify({ cli, targets: cliTargets(cli) }, null, 2)}\n`);
}
