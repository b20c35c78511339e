// A zombie is not a running process: a real claude that was stopped under a parent that never reaps it (state Z in
// /proc/<pid>/stat, `<defunct>` in ps) is listed by no process source, so it is no finding; killing it counts as done.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltInCatalog } from '../../agent/adapters/catalogFiles.js';
import { readProcStat } from '../../agent/adapters/processes/identity.js';
import { procProcessKiller } from '../../agent/adapters/processes/linux/killer.js';
import { createProcReader, readProcessNow } from '../../agent/adapters/processes/procReader.js';
import { createPsListSource, isDefunct } from '../../agent/adapters/processes/psListSource.js';
import type { ProcessInfo } from '../../agent/common/model.js';
import { matchProcesses } from '../../agent/core/detect/matchProcesses.js';

const catalog = loadBuiltInCatalog();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-zombie-'));
let parent: ChildProcess;
let zombie: number;
let running: number;

const claudes = (procs: ProcessInfo[]): number[] =>
  matchProcesses(procs, catalog, 'linux')
    .filter((o) => o.tool === 'claude-code')
    .map((o) => o.pid as number);

beforeAll(async () => {
  // A claude and a control process under one careless parent (a shell that then becomes `sleep`, which never reaps):
  // the claude is stopped and stays a zombie. The control is not named claude, so no other agent on this machine stops it.
  fs.symlinkSync('/bin/sleep', path.join(dir, 'claude'));
  fs.symlinkSync('/bin/sleep', path.join(dir, 'zombie-control'));
  const claude = path.join(dir, 'claude');
  const control = path.join(dir, 'zombie-control');
  parent = spawn('/bin/sh', ['-c', `'${claude}' 300 & echo $!; '${control}' 300 & echo $!; exec /bin/sleep 300`], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pids = await new Promise<number[]>((resolve) => {
    let text = '';
    parent.stdout?.on('data', (b: Buffer) => {
      text += b.toString();
      const lines = text.trim().split('\n');
      if (lines.length >= 2) resolve(lines.map(Number));
    });
  });
  [zombie, running] = pids as [number, number];
  // Only once both children run their programs and the shell is `sleep` does nobody reap the stopped claude.
  const settled = () =>
    readProcStat(parent.pid as number)?.comm === 'sleep' && readProcStat(zombie)?.comm === 'claude' && readProcStat(running)?.comm === 'zombie-control';
  for (let i = 0; i < 200 && !settled(); i++) await new Promise((r) => setTimeout(r, 25));
  process.kill(zombie, 'SIGKILL');
  for (let i = 0; i < 200 && readProcStat(zombie)?.state !== 'Z'; i++) await new Promise((r) => setTimeout(r, 25));
});

afterAll(() => {
  process.kill(running, 'SIGKILL');
  parent.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(process.platform !== 'linux')('a zombie claude', () => {
  it('is really a zombie: state Z, still answering signal 0', () => {
    expect(readProcStat(zombie)).toMatchObject({ state: 'Z', comm: 'claude' });
    expect(() => process.kill(zombie, 0)).not.toThrow();
  });

  it('is listed by neither the /proc reader (full, incremental, or read at once on an exec event) nor ps, while a live process is', async () => {
    for (const source of [createProcReader({ incremental: false }), createProcReader({ incremental: true }), createPsListSource()]) {
      const procs = await source.list();
      expect(procs.map((p) => p.pid)).toContain(running);
      expect(procs.map((p) => p.pid)).not.toContain(zombie);
    }
    expect(readProcessNow(zombie)).toBeNull();
    expect(readProcessNow(running)?.comm).toBe('zombie-control');
  });

  it('would be a claude finding if it were listed: only not being listed keeps it out', () => {
    const stat = readProcStat(zombie);
    const asListed: ProcessInfo = { pid: zombie, comm: stat?.comm ?? '', argv: [], startTime: stat?.startTime ?? '' };
    expect(claudes([asListed])).toEqual([zombie]);
  });

  it('counts as gone to the killer, so a kill whose target became a zombie is done', async () => {
    expect(await procProcessKiller.alive(zombie)).toBe(false);
    expect(await procProcessKiller.alive(running)).toBe(true);
  });

  it('is recognised in the command column ps prints for zombies (procps and BSD ps)', () => {
    expect(isDefunct('[claude] <defunct>')).toBe(true);
    expect(isDefunct('<defunct>')).toBe(true);
    expect(isDefunct('claude --resume')).toBe(false);
    expect(isDefunct('claude --prompt <defunct>x')).toBe(false);
  });
});
