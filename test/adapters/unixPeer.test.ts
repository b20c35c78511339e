// The uid behind a Unix socket connection, from the kernel's sock_diag, for real (as `ss -xe` reads it), and the
// request and reply layouts against the UAPI headers.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UDIAG_SHOW_PEER, createUnixPeerReader, diagRequest, parseDiagReplies } from '../../agent/adapters/linux/unixPeer.js';
import { sockDiagAnswers } from '../support/sockDiag.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A diag reply as the kernel writes it: nlmsghdr, unix_diag_msg, then 4-byte-aligned attributes. */
function reply(seq: number, ino: number, attrs: [type: number, value: number][]): Buffer {
  const len = 16 + 16 + attrs.length * 8;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(len, 0);
  b.writeUInt16LE(20, 4);
  b.writeUInt32LE(seq, 8);
  b.writeUInt8(1, 16);
  b.writeUInt32LE(ino, 20);
  attrs.forEach(([type, value], i) => {
    b.writeUInt16LE(8, 32 + i * 8);
    b.writeUInt16LE(type, 34 + i * 8);
    b.writeUInt32LE(value, 36 + i * 8);
  });
  return b;
}

describe('sock_diag messages', () => {
  it('asks for one Unix socket by inode, any state, no cookie', () => {
    const req = diagRequest(7, 5552123, UDIAG_SHOW_PEER);
    expect(req.length).toBe(40);
    expect([req.readUInt32LE(0), req.readUInt16LE(4), req.readUInt16LE(6), req.readUInt32LE(8)]).toEqual([40, 20, 1, 7]);
    expect([req.readUInt8(16), req.readUInt32LE(20), req.readUInt32LE(24), req.readUInt32LE(28)]).toEqual([1, 0xffffffff, 5552123, 4]);
    expect([req.readUInt32LE(32), req.readUInt32LE(36)]).toEqual([0xffffffff, 0xffffffff]);
  });

  it('reads the peer and the uid attributes, skips others, and reports errors by errno', () => {
    const err = Buffer.alloc(36);
    err.writeUInt32LE(36, 0);
    err.writeUInt16LE(2, 4);
    err.writeUInt32LE(9, 8);
    err.writeInt32LE(-2, 16);
    const both = Buffer.concat([
      reply(3, 5552123, [
        [6, 0],
        [2, 5552222],
      ]),
      reply(4, 5552222, [
        [6, 0],
        [7, 65534],
      ]),
      err,
    ]);
    expect(parseDiagReplies(both)).toEqual([
      { seq: 3, ino: 5552123, peer: 5552222 },
      { seq: 4, ino: 5552222, uid: 65534 },
      { seq: 9, errno: 2 },
    ]);
    expect(parseDiagReplies(both.subarray(0, 20))).toEqual([]);
  });
});

const answers = await sockDiagAnswers();

describe.skipIf(!answers)('the uid behind a connection (a kernel with sock_diag for Unix sockets)', () => {
  async function listen(): Promise<{ socketPath: string; accepted: Promise<net.Socket> }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-peer-'));
    fs.chmodSync(dir, 0o755);
    const socketPath = path.join(dir, 's.sock');
    let accept: (s: net.Socket) => void = () => undefined;
    const accepted = new Promise<net.Socket>((r) => (accept = r));
    const server = net.createServer(accept);
    await new Promise<void>((r) => server.listen(socketPath, r));
    fs.chmodSync(socketPath, 0o666);
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    cleanup.push(() => new Promise((r) => server.close(r)));
    return { socketPath, accepted };
  }

  it('is the connecting process’s: root here, and an unprivileged user’s own uid', async () => {
    const reader = createUnixPeerReader();
    if (!reader) throw new Error('sock_diag unavailable');
    cleanup.push(() => reader.close());

    const mine = await listen();
    const client = net.connect(mine.socketPath);
    cleanup.push(() => client.destroy());
    expect(await reader(await mine.accepted)).toBe(process.getuid?.());

    const theirs = await listen();
    const child = spawn('setpriv', [
      '--reuid',
      '65534',
      '--regid',
      '65534',
      '--clear-groups',
      process.execPath,
      '-e',
      `require('net').connect(${JSON.stringify(theirs.socketPath)}); setTimeout(() => {}, 5000)`,
    ]);
    cleanup.push(() => child.kill('SIGKILL'));
    expect(await reader(await theirs.accepted)).toBe(65534);
  });

  it('is unknown (null) once the peer has gone, so the caller falls back to the hello proof', async () => {
    const reader = createUnixPeerReader();
    if (!reader) throw new Error('sock_diag unavailable');
    cleanup.push(() => reader.close());
    const mine = await listen();
    const client = net.connect(mine.socketPath);
    const socket = await mine.accepted;
    client.destroy();
    socket.destroy();
    expect(await reader(socket)).toBeNull();
  });
});
