// The portable path run for real on Linux: ps-list as the process source and its identity check find and kill a real claude, as /proc does.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltInCatalog } from '../../agent/adapters/catalogFiles.js';
import { nodeProcessKiller, psProcessKiller } from '../../agent/adapters/killer.js';
import { createProcReader, createPsListSource } from '../../agent/adapters/processes/index.js';
import type { ProcessSource, ProcessKiller } from '../../agent/ports/index.js';
import { matchProcesses } from '../../agent/core/detect/index.js';
import { killProcess, type EnforcerDeps } from '../../agent/daemon/enforcer.js';

const catalog = loadBuiltInCatalog();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-portable-'));
const children: ChildProcess[] = [];

function startClaude(): ChildProcess {
  const child = spawn(path.join(dir, 'claude'), ['300'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

function deps(killer: ProcessKiller): EnforcerDeps {
  return {
    killer,
    quarantine: { quarantine: () => Promise.reject(new Error('no install here')) },
    notifier: { notify: () => Promise.resolve({ via: 'agent' as const }) },
    audit: { write: () => undefined },
    lang: 'en',
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    graceMs: 2000,
  };
}

beforeAll(() => {
  fs.symlinkSync('/bin/sleep', path.join(dir, 'claude'));
});

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Finds the claude with `source`, then removes it through `killer` the way the enforcer does. */
async function findAndKill(source: ProcessSource, killer: ProcessKiller): Promise<{ outcome: string; gone: boolean }> {
  const claude = startClaude();
  await new Promise((r) => setTimeout(r, 300));
  const hit = matchProcesses(await source.list(), catalog, 'linux').find((o) => o.pid === claude.pid);
  expect(hit?.tool).toBe('claude-code');
  expect(hit?.startTime).toBeTruthy();
  const result = await killProcess(deps(killer), { kind: 'process', pid: claude.pid as number, startTime: hit?.startTime as string });
  const gone = await Promise.race([exited(claude).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
  return { outcome: result.outcome, gone };
}

describe('killing a claude found by each process source', () => {
  it('ps-list source with the portable identity check: the claude is stopped, not reported as already gone', async () => {
    const { outcome, gone } = await findAndKill(createPsListSource(), psProcessKiller);
    expect(outcome).toBe('stopped (SIGTERM)');
    expect(gone).toBe(true);
  });

  it('/proc source with the /proc identity check: the same', async () => {
    const { outcome, gone } = await findAndKill(createProcReader({ incremental: false }), nodeProcessKiller);
    expect(outcome).toBe('stopped (SIGTERM)');
    expect(gone).toBe(true);
  });

  it('the identity a ps-list source records is the one the portable check reads for the same live process', async () => {
    const claude = startClaude();
    await new Promise((r) => setTimeout(r, 300));
    const listed = (await createPsListSource().list()).find((p) => p.pid === claude.pid);
    expect(listed?.startTime).toBeTruthy();
    expect(await psProcessKiller.identity(claude.pid as number)).toBe(listed?.startTime);
  });
});
