// The Linux proc connector for real (root, initial pid namespace): a claude started through a symlink is announced at exec.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBuiltInCatalog } from '../../agent/adapters/catalogFiles.js';
import { createProcConnectorSource, listenRequest, parseProcEvents, procConnectorUnavailable } from '../../agent/adapters/processes/linux/procConnector.js';
import { readProcessNow } from '../../agent/adapters/processes/procReader.js';
import { matchProcesses } from '../../agent/core/detect/index.js';
import type { ProcessInfo } from '../../agent/common/model.js';
import { repoRoot } from '../support/paths.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-connector-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

/** One datagram as the kernel sends it: nlmsghdr, cn_msg {idx 1, val 1}, proc_event {what, cpu, timestamp, pid, tgid}. */
function frame(what: number, pid: number, tgid: number): Buffer {
  const b = Buffer.alloc(76);
  b.writeUInt32LE(76, 0);
  b.writeUInt16LE(3, 4);
  b.writeUInt32LE(1, 16);
  b.writeUInt32LE(1, 20);
  b.writeUInt16LE(40, 32);
  b.writeUInt32LE(what, 36);
  b.writeBigUInt64LE(123456789n, 44);
  b.writeInt32LE(pid, 52);
  b.writeInt32LE(tgid, 56);
  return b;
}

describe('proc connector messages (layouts of linux/connector.h and linux/cn_proc.h)', () => {
  it('subscribes with one PROC_CN_MCAST_LISTEN in a cn_msg addressed to CN_IDX_PROC', () => {
    const req = listenRequest(4321, 1);
    expect(req.length).toBe(40);
    expect([req.readUInt32LE(0), req.readUInt16LE(4), req.readUInt32LE(12)]).toEqual([40, 3, 4321]);
    expect([req.readUInt32LE(16), req.readUInt32LE(20), req.readUInt16LE(32), req.readUInt32LE(36)]).toEqual([1, 1, 4, 1]);
  });

  it('narrows to some events with the proc_input filter: PROC_CN_MCAST_LISTEN and the event mask', () => {
    const req = listenRequest(4321, 2, 0x80000000 | 0x2);
    expect(req.length).toBe(44);
    expect([req.readUInt32LE(0), req.readUInt32LE(12), req.readUInt16LE(32), req.readUInt32LE(36), req.readUInt32LE(40)]).toEqual([44, 4321, 8, 1, 0x80000002]);
  });

  it('reads exec, exit and the acknowledgement; ignores forks, thread execs, other connectors and short frames', () => {
    const ack = frame(0, 0, 0);
    ack.writeUInt32LE(1, 52);
    const other = frame(2, 7, 7);
    other.writeUInt32LE(2, 16);
    const two = Buffer.concat([frame(2, 100, 100), frame(0x80000000, 101, 101)]);
    expect(parseProcEvents(ack)).toEqual([{ kind: 'ack', err: 1 }]);
    expect(parseProcEvents(two)).toEqual([
      { kind: 'exec', pid: 100 },
      { kind: 'exit', pid: 101 },
    ]);
    expect(parseProcEvents(frame(1, 5, 5))).toEqual([]);
    expect(parseProcEvents(frame(2, 201, 200))).toEqual([]);
    expect(parseProcEvents(other)).toEqual([]);
    expect(parseProcEvents(frame(2, 9, 9).subarray(0, 50))).toEqual([]);
  });
});

const why = procConnectorUnavailable();

describe.skipIf(why !== null)('the proc connector on this machine (Linux, root, initial pid namespace)', () => {
  it('announces a claude started through a symlink as it execs, read in full from /proc', async () => {
    fs.symlinkSync('/bin/sleep', path.join(dir, 'claude'));
    const seen: ProcessInfo[] = [];
    const source = createProcConnectorSource({ readProcess: (pid) => readProcessNow(pid) });
    const state = await source.start({ exec: (p) => seen.push(p), exit: () => undefined, gap: () => undefined, down: () => undefined });
    expect(state).toEqual({ live: true });
    try {
      const child = spawn(path.join(dir, 'claude'), ['30'], { stdio: 'ignore' });
      children.push(child);
      const end = Date.now() + 5_000;
      while (!seen.some((p) => p.pid === child.pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      const proc = seen.find((p) => p.pid === child.pid);
      expect(proc).toMatchObject({ comm: 'claude', exe: fs.realpathSync('/bin/sleep'), argv: [path.join(dir, 'claude'), '30'] });
      expect(matchProcesses([proc!], loadBuiltInCatalog(), 'linux').map((o) => o.tool)).toEqual(['claude-code']);
    } finally {
      source.stop();
    }
  });

  /** The event filter came with Linux 6.6; an older kernel keeps sending every event (the agent just ignores forks). */
  const [major = 0, minor = 0] = os.release().split('.').map(Number);
  it.skipIf(major * 100 + minor < 606)('sends exits only while asked to (the kernel drops them otherwise)', async () => {
    const execs: number[] = [];
    const exits: number[] = [];
    const source = createProcConnectorSource({ readProcess: (pid) => readProcessNow(pid) });
    await source.start({ exec: (p) => execs.push(p.pid), exit: (pid) => exits.push(pid), gap: () => undefined, down: () => undefined });
    const runOnce = async (): Promise<number> => {
      const child = spawn('/bin/sleep', ['0.05'], { stdio: 'ignore' });
      await new Promise((r) => child.once('exit', r));
      const end = Date.now() + 5_000;
      while (!execs.includes(child.pid!) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      return child.pid!;
    };
    try {
      const quiet = await runOnce();
      expect(execs).toContain(quiet);
      source.followExits!(true);
      const followed = await runOnce();
      const end = Date.now() + 5_000;
      while (!exits.includes(followed) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      expect(exits).toContain(followed);
      expect(exits).not.toContain(quiet);
    } finally {
      source.stop();
    }
  });

  it('is refused inside a private pid namespace, with the reason', () => {
    const out = execFileSync(
      'unshare',
      [
        '--pid',
        '--fork',
        '--mount-proc',
        process.execPath,
        '--input-type=module',
        '-e',
        `import { procConnectorUnavailable } from '${path.join(repoRoot, 'dist/agent/adapters/processes/linux/procConnector.js')}'; console.log(procConnectorUnavailable());`,
      ],
      { encoding: 'utf8' },
    );
    expect(out).toMatch(/private pid namespace/);
  });
});
