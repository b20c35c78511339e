// Real processes through the real process source: a claude started via a symlink is found with pid and user, look-alikes are not.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltInCatalog } from '../../agent/adapters/catalogFiles.js';
import { createProcReader, createProcessSource } from '../../agent/adapters/processes/index.js';
import { readProcessNow } from '../../agent/adapters/processes/procReader.js';
import { createUserNameCache } from '../../agent/adapters/users.js';
import { matchProcesses, processPrefilter } from '../../agent/core/detect/index.js';

const catalog = loadBuiltInCatalog();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-procs-'));
const children: ChildProcess[] = [];
const me = os.userInfo().username;

function start(file: string, args: string[]): ChildProcess {
  const child = spawn(file, args, { stdio: 'ignore' });
  children.push(child);
  return child;
}

let claude: ChildProcess;
let claudette: ChildProcess;
let monet: ChildProcess;
let nodeClaude: ChildProcess;

beforeAll(async () => {
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.symlinkSync('/bin/sleep', path.join(dir, 'bin', 'claude'));
  fs.symlinkSync('/bin/sleep', path.join(dir, 'bin', 'claudette'));
  fs.writeFileSync(path.join(dir, 'claude-monet.txt'), 'water lilies\n');
  fs.writeFileSync(path.join(dir, 'bin', 'node-claude.js'), 'setInterval(() => {}, 1000);\n');
  fs.symlinkSync(path.join(dir, 'bin', 'node-claude.js'), path.join(dir, 'bin', 'claude-script'));
  fs.mkdirSync(path.join(dir, 'npm-bin'));
  fs.symlinkSync(path.join(dir, 'bin', 'node-claude.js'), path.join(dir, 'npm-bin', 'claude'));
  claude = start(path.join(dir, 'bin', 'claude'), ['300']);
  claudette = start(path.join(dir, 'bin', 'claudette'), ['300']);
  monet = start('/usr/bin/tail', ['-f', path.join(dir, 'claude-monet.txt')]);
  nodeClaude = start(process.execPath, [path.join(dir, 'npm-bin', 'claude')]);
  await new Promise((r) => setTimeout(r, 300));
});

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the Linux /proc process source', () => {
  it('finds a claude started through a symlink, with its pid and user, and spares claudette', async () => {
    const procs = await createProcessSource({ incremental: false }).list();
    const found = matchProcesses(procs, catalog, 'linux').filter((o) => o.tool === 'claude-code');
    const pids = found.map((o) => o.pid);
    expect(pids).toContain(claude.pid);
    expect(pids).not.toContain(claudette.pid);
    expect(pids).not.toContain(monet.pid);
    expect(found.find((o) => o.pid === claude.pid)).toMatchObject({ user: me, kind: 'process' });
    expect(found.find((o) => o.pid === claude.pid)?.startTime).toMatch(/^\d+$/);
  });

  it("reads an exec event's process in full only when the first look wants it, showing that look no owner yet", () => {
    const first = processPrefilter(catalog, 'linux');
    const shown: unknown[] = [];
    const wants = (p: Parameters<typeof first>[0]) => {
      shown.push(p.uid);
      return first(p);
    };
    expect(readProcessNow(claude.pid!, { userName: createUserNameCache(), wants })).toMatchObject({ comm: 'claude', user: me });
    expect(readProcessNow(nodeClaude.pid!, { wants })).toMatchObject({ argv: [process.execPath, path.join(dir, 'npm-bin', 'claude')] });
    expect(readProcessNow(claudette.pid!, { wants })).toBeNull();
    expect(readProcessNow(monet.pid!, { wants })).toBeNull();
    expect(readProcessNow(claudette.pid!)).toMatchObject({ comm: 'claudette' });
    expect(shown).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('finds a node script started through a symlink named claude via its script argument', async () => {
    const procs = await createProcessSource({ incremental: false }).list();
    const hit = matchProcesses(procs, catalog, 'linux').find((o) => o.pid === nodeClaude.pid);
    expect(hit).toMatchObject({ tool: 'claude-code', signal: 'script is claude', path: path.join(dir, 'npm-bin', 'claude') });
  });

  it('reads only new processes in full when incremental, and notices a new one', async () => {
    const reader = createProcReader({ incremental: true, userName: createUserNameCache() });
    const first = await reader.list();
    const fullAfterFirst = reader.readCount();
    expect(fullAfterFirst).toBe(first.length);
    await reader.list();
    expect(reader.readCount() - fullAfterFirst).toBeLessThan(5);
    const late = start(path.join(dir, 'bin', 'claude'), ['301']);
    await new Promise((r) => setTimeout(r, 100));
    const third = await reader.list();
    expect(matchProcesses(third, catalog, 'linux').map((o) => o.pid)).toContain(late.pid);
  });

  it('catches a young process that execs claude under the same pid (sh -c "exec claude")', async () => {
    const reader = createProcReader({ incremental: true, userName: createUserNameCache() });
    const sh = start('/bin/sh', ['-c', `sleep 0.3; exec ${path.join(dir, 'bin', 'claude')} 302`]);
    await new Promise((r) => setTimeout(r, 100));
    expect(matchProcesses(await reader.list(), catalog, 'linux').map((o) => o.pid)).not.toContain(sh.pid);
    await new Promise((r) => setTimeout(r, 500));
    expect(matchProcesses(await reader.list(), catalog, 'linux').map((o) => o.pid)).toContain(sh.pid);
  });

  it('reads no file for settled processes: a round with nothing new costs a readdir', async () => {
    const fakeProc = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-fakeproc-'));
    fs.mkdirSync(path.join(fakeProc, '90'));
    fs.writeFileSync(path.join(fakeProc, '90', 'stat'), '90 (sleep) S 1 90 90 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 500 0 0');
    fs.writeFileSync(path.join(fakeProc, '90', 'cmdline'), 'sleep\u0000600\u0000');
    fs.writeFileSync(path.join(fakeProc, '90', 'status'), 'Name:\tsleep\nUid:\t0\t0\t0\t0\n');
    const reader = createProcReader({ incremental: true, procDir: fakeProc });
    expect((await reader.list()).map((p) => p.pid)).toEqual([90]);
    const realNow = Date.now;
    Date.now = () => realNow() + 60_000;
    try {
      fs.rmSync(path.join(fakeProc, '90', 'stat'));
      expect((await reader.list()).map((p) => p.pid)).toEqual([90]);
    } finally {
      Date.now = realNow;
      fs.rmSync(fakeProc, { recursive: true, force: true });
    }
  });

  it('skips a process that vanishes between listing and reading', async () => {
    const fakeProc = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-fakeproc-'));
    fs.mkdirSync(path.join(fakeProc, '77'));
    fs.writeFileSync(path.join(fakeProc, '77', 'stat'), '77 (claude) S 1 77 77 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 12345 0 0');
    fs.mkdirSync(path.join(fakeProc, '78'));
    fs.writeFileSync(path.join(fakeProc, '78', 'stat'), '78 (a (b) c) S 1 78 78 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 999 0 0');
    fs.writeFileSync(path.join(fakeProc, '78', 'cmdline'), 'x\0y\0');
    fs.writeFileSync(path.join(fakeProc, '78', 'status'), 'Name:\tx\nUid:\t1000\t1000\t1000\t1000\n');
    const procs = await createProcReader({ incremental: false, procDir: fakeProc }).list();
    fs.rmSync(fakeProc, { recursive: true, force: true });
    expect(procs).toEqual([{ pid: 78, ppid: 1, comm: 'a (b) c', argv: ['x', 'y'], startTime: '999', uid: 1000 }]);
  });
});
