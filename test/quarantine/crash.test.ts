// An agent SIGKILLed at any moment of a quarantine or restore loses nothing: after recovery every file is either
// in place or in quarantine, verified by hash, never missing, never both.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Quarantine } from '../../agent/adapters/quarantine/index.js';
import { repoRoot } from '../support/paths.js';
import { expectSameTree, makeLargeTree, snapshotTree, tempDir, type EntrySnapshot } from './trees.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crashChild.ts');
const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

type Op = 'quarantine' | 'restore';
type Where = 'in place' | 'in quarantine';

interface Scene {
  install: string;
  home: string;
  qdir: string;
  stateDir: string;
  forceCopy: boolean;
  before: Map<string, EntrySnapshot>;
}

/**
 * The state (journal, quarantine) lives on tmpfs: a SIGKILL does not need fsync to be survived, and the shared
 * test machine's disk makes every fsync slow. With `installBase` elsewhere the move crosses file systems.
 */
function makeScene(files: number, forceCopy: boolean, installBase?: string): Scene {
  const root = tempDir('crash', '/dev/shm');
  cleanup.push(root);
  const homeBase = installBase ? tempDir('crash-home', installBase) : root;
  if (installBase) cleanup.push(homeBase);
  const home = path.join(homeBase, 'home', 'alice');
  const install = path.join(home, '.local', 'share', 'claude');
  fs.mkdirSync(install, { recursive: true });
  makeLargeTree(install, files);
  const qdir = path.join(root, 'state', 'quarantine');
  return { install, home, qdir, stateDir: path.join(root, 'state'), forceCopy, before: snapshotTree(install) };
}

/** Runs the child; `killAfterMs` after it starts the operation, SIGKILL. Returns how long the operation ran. */
function runChild(scene: Scene, op: Op, id: string | undefined, killAfterMs: number | null): Promise<{ ms: number; killed: boolean }> {
  const args = { op, dir: scene.qdir, stateDir: scene.stateDir, forceCopy: scene.forceCopy, path: scene.install, scanRoot: scene.home, id };
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let started = 0;
  let stderr = '';
  let timer: NodeJS.Timeout | undefined;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    if (started === 0 && d.toString().includes('go')) {
      started = performance.now();
      if (killAfterMs !== null) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve({ ms: performance.now() - started, killed: true });
      else if (code === 0) resolve({ ms: performance.now() - started, killed: false });
      else reject(new Error(`child failed (${code ?? signal}): ${stderr}`));
    });
  });
}

/** The whole invariant: no journal, no half item, no staging copy; the tree complete in exactly one place. */
function whereIsIt(scene: Scene, q: Quarantine): { where: Where; id?: string } {
  const journalDir = path.join(scene.stateDir, 'quarantine-journal');
  expect(fs.existsSync(journalDir) ? fs.readdirSync(journalDir) : []).toEqual([]);
  const items = q.list();
  expect(fs.existsSync(scene.qdir) ? fs.readdirSync(scene.qdir).sort() : []).toEqual(items.map((i) => i.id).sort());
  expect(fs.readdirSync(path.dirname(scene.install)).filter((n) => n !== 'claude')).toEqual([]);
  if (fs.existsSync(scene.install)) {
    expect(items).toEqual([]);
    expectSameTree(snapshotTree(scene.install), scene.before);
    return { where: 'in place' };
  }
  expect(items).toHaveLength(1);
  const id = (items[0] as { id: string }).id;
  expectSameTree(snapshotTree(path.join(scene.qdir, id, 'payload')), scene.before);
  return { where: 'in quarantine', id };
}

async function crashRuns(scene: Scene, runs: number): Promise<Record<string, number>> {
  const q = new Quarantine({ dir: scene.qdir, stateDir: scene.stateDir, forceCopy: scene.forceCopy });
  const full = { quarantine: (await runChild(scene, 'quarantine', undefined, null)).ms, restore: 0 };
  let state = whereIsIt(scene, q);
  expect(state.where).toBe('in quarantine');
  full.restore = (await runChild(scene, 'restore', state.id, null)).ms;
  state = whereIsIt(scene, q);
  expect(state.where).toBe('in place');

  const outcomes: Record<string, number> = {};
  for (let i = 0; i < runs; i++) {
    // Alternate the operation killed; when the last run left the tree elsewhere, bring it there first.
    const op: Op = i % 2 === 0 ? 'quarantine' : 'restore';
    if (op === 'quarantine' && state.where === 'in quarantine') await q.restore(state.id ?? '');
    if (op === 'restore' && state.where === 'in place')
      await q.quarantine({ path: scene.install, scanRoot: scene.home, tool: 'claude-code', policy: 'crash-test', rule: 'claude-code' });
    state = whereIsIt(scene, q);
    // Golden-ratio steps spread the kill moments evenly over [0, 1.1 × the measured duration].
    const killAfterMs = Math.round(((i * 0.618034) % 1) * 1.1 * full[op]);
    const { killed } = await runChild(scene, op, state.id, killAfterMs);
    const report = await q.recover();
    expect(report.operations.every((o) => o.outcome === 'finished' || o.outcome === 'rolled-back')).toBe(true);
    state = whereIsIt(scene, q);
    const key = `${op} ${killed ? 'killed' : 'completed'} → ${state.where}`;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  process.stdout.write(
    `crash runs (${scene.forceCopy ? 'copy' : 'rename'}): full quarantine ${full.quarantine.toFixed(0)} ms, restore ${full.restore.toFixed(0)} ms; ${JSON.stringify(outcomes)}\n`,
  );
  return outcomes;
}

describe('SIGKILL at any moment never loses or duplicates a file', () => {
  it('while quarantining and restoring by rename (26 runs)', { timeout: 120_000 }, async () => {
    const outcomes = await crashRuns(makeScene(1500, false), 26);
    expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(26);
    expect(Object.keys(outcomes).filter((k) => k.includes('killed')).length).toBeGreaterThanOrEqual(3);
  });

  it('while copying across file systems and back (26 runs)', { timeout: 120_000 }, async () => {
    const outcomes = await crashRuns(makeScene(400, true, os.tmpdir()), 26);
    expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(26);
    expect(Object.keys(outcomes).filter((k) => k.includes('killed')).length).toBeGreaterThanOrEqual(3);
  });
});
