import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunningAgent } from '../../bench/agents.js';
import { measureCpu } from '../../bench/measure.js';

const started: RunningAgent[] = [];
afterEach(async () => {
  for (const a of started.splice(0)) await a.stop();
});

function agent(name: 'baseline' | 'cordon', script: string): RunningAgent {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-measure-'));
  const a = new RunningAgent(name, spawn('sh', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] }), path.join(dir, 'audit.jsonl'));
  started.push(a);
  return a;
}

const state = (pid: number): string => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
};

describe('CPU windows in the bench', () => {
  it('pauses an agent that starts programs while the others are measured, and measures each for the whole window', async () => {
    // The baseline's stand-in starts programs all the time, as ps-list's `ps` runs do; the other only sleeps.
    const starter = agent('baseline', 'while :; do /bin/true; done');
    const watcher = agent('cordon', 'exec sleep 600');
    const seen = new Set<string>();
    const sampler = setInterval(() => seen.add(state(starter.pid)), 10);
    const windows = await measureCpu([starter, watcher], 800).finally(() => clearInterval(sampler));
    expect(seen.has('T')).toBe(true);
    expect(state(starter.pid)).not.toBe('T');
    for (const a of [starter, watcher]) {
      const w = windows.get(a);
      expect(w?.windowMs).toBeGreaterThanOrEqual(790);
      expect(w?.windowMs).toBeLessThan(2000);
    }
    expect(windows.get(starter)?.ticks).toBeGreaterThan(0);
    expect(windows.get(watcher)?.ticks).toBe(0);
  });
});
