// The user socket's proof of who is asking, against a real IpcServer on a temp socket: a nonce proves only the
// connection it was given to, and an OS whose users have no uid (Windows) counts connections by name, without case.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProofOwner } from '../../agent/adapters/proofOwner.js';
import { createUnixPeerReader } from '../../agent/adapters/linux/unixPeer.js';
import { sockDiagAnswers } from '../support/sockDiag.js';
import { DaemonClient } from '../../agent/client/daemonClient.js';
import type { HelloChallenge } from '../../agent/common/ipc.js';
import { IpcServer, type DaemonHandlers } from '../../agent/daemon/ipcServer.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function server(opts: { proofOwner?: ProofOwner; perUser?: number; unproven?: number; relayed?: boolean; peerUid?: boolean } = {}): Promise<IpcServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-ipc-'));
  const ipc = new IpcServer({
    socketPath: path.join(dir, 'cordon.sock'),
    adminSocketPath: path.join(dir, 'cordon-admin.sock'),
    handlers: {} as DaemonHandlers,
    userName: (uid) => (uid === 0 ? 'root' : undefined),
    onError: () => undefined,
    ...(opts.proofOwner ? { proofOwner: opts.proofOwner } : {}),
    limits: { ...(opts.perUser ? { perUser: opts.perUser } : {}), ...(opts.unproven ? { unproven: opts.unproven } : {}) },
    ...(opts.peerUid ? { peerUid: createUnixPeerReader() } : {}),
    ...(opts.relayed ? { relayed: true } : {}),
  });
  await ipc.start();
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  cleanup.push(() => ipc.stop());
  return ipc;
}

async function client(ipc: IpcServer): Promise<DaemonClient> {
  const c = await DaemonClient.connect(path.join(path.dirname(ipc.proofDir), 'cordon.sock'));
  cleanup.push(() => c.close());
  return c;
}

describe('the hello proof', () => {
  it('is worth nothing on another connection: a nonce seen in the proof folder cannot be redeemed by whoever saw it', async () => {
    const ipc = await server();
    const victim = await client(ipc);
    const thief = await client(ipc);
    const { nonce, proofDir } = (await victim.request('hello')) as HelloChallenge;
    fs.writeFileSync(path.join(proofDir, nonce), nonce, { mode: 0o600 });
    await expect(thief.request('hello', { nonce })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/this connection/) });
    // The failed attempt took nothing from the connection the nonce belongs to.
    await expect(victim.request('hello', { nonce })).resolves.toEqual({ user: 'root', uid: 0 });
  });

  it('is refused when the owner proves no user the agent knows, and the proof file is removed', async () => {
    const ipc = await server({ proofOwner: () => Promise.resolve(null) });
    const c = await client(ipc);
    await expect(c.hello()).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/no user the agent knows/) });
    expect(fs.readdirSync(ipc.proofDir)).toEqual([]);
  });

  it('names a Windows user without a uid, and counts her connections by name whatever its case', async () => {
    const names = ['Alice', 'alice'];
    const ipc = await server({ proofOwner: () => Promise.resolve({ user: names.shift() ?? 'ALICE', sid: 'S-1-5-21-1-2-3-1001' }), perUser: 1 });
    const first = await client(ipc);
    await expect(first.hello()).resolves.toEqual({ user: 'Alice' });
    const second = await client(ipc);
    await second.hello().catch(() => undefined);
    // The second connection of the same account is over the limit of one: the agent closes it.
    await expect(second.request('hello')).rejects.toBeTruthy();
    await expect(first.request('hello')).resolves.toMatchObject({ nonce: expect.any(String) });
  });
});

/** A relayed connection as the Windows service host makes it: its lines go out as given, replies come back parsed. */
async function relayed(ipc: IpcServer, lines: string[]): Promise<{ replies: unknown[]; closed: boolean }> {
  const socket = net.connect(path.join(path.dirname(ipc.proofDir), 'cordon.sock-relay'));
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const replies: unknown[] = [];
  let closed = false;
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      replies.push(JSON.parse(buffer.slice(0, nl)));
      buffer = buffer.slice(nl + 1);
    }
  });
  socket.on('close', () => (closed = true));
  socket.write(lines.map((l) => `${l}\n`).join(''));
  await new Promise((r) => setTimeout(r, 200));
  socket.destroy();
  return { replies, closed };
}

describe('connections relayed by the Windows service host', () => {
  const header = (sid: string, account: string): string => JSON.stringify({ peer: { sid, account } });

  it('are proven by the first line, so hello names the user without a proof file', async () => {
    const ipc = await server({ relayed: true });
    const { replies } = await relayed(ipc, [
      header('S-1-5-21-1004336348-1177238915-682003330-1001', 'CORP\\alice'),
      JSON.stringify({ id: 1, method: 'hello', params: {} }),
    ]);
    expect(replies).toEqual([{ id: 1, result: { user: 'alice' } }]);
    expect(fs.readdirSync(ipc.proofDir)).toEqual([]);
  });

  it('are closed when the first line does not name a person or the admin', async () => {
    const ipc = await server({ relayed: true });
    for (const first of [JSON.stringify({ id: 1, method: 'hello', params: {} }), header('S-1-5-19', 'NT AUTHORITY\\LOCAL SERVICE'), 'not json']) {
      const { replies, closed } = await relayed(ipc, [first, JSON.stringify({ id: 2, method: 'hello', params: {} })]);
      expect(closed).toBe(true);
      expect(replies).toEqual([{ id: null, error: expect.objectContaining({ code: 'forbidden' }) }]);
    }
  });

  it('are the only way in: the agent does not listen on the user pipe the host owns', async () => {
    const ipc = await server({ relayed: true });
    await expect(DaemonClient.connect(path.join(path.dirname(ipc.proofDir), 'cordon.sock'))).rejects.toBeTruthy();
  });
});

/** Opens a connection and says whether the agent closed it within a moment. */
async function held(ipc: IpcServer): Promise<{ socket: net.Socket; closed: () => boolean; said: () => string }> {
  const socket = net.connect(path.join(path.dirname(ipc.proofDir), 'cordon.sock'));
  cleanup.push(() => socket.destroy());
  let closed = false;
  let said = '';
  socket.on('close', () => (closed = true));
  socket.on('data', (d: Buffer) => (said += d.toString()));
  await new Promise((r) => socket.once('connect', r));
  await new Promise((r) => setTimeout(r, 150));
  return { socket, closed: () => closed, said: () => said };
}

describe.skipIf(!(await sockDiagAnswers()))('connections the kernel names (Linux sock_diag)', () => {
  it('count for their user at once: one user holds no more than her share, and the unnamed pool stays free', async () => {
    const ipc = await server({ peerUid: true, perUser: 2, unproven: 1 });
    const first = await held(ipc);
    const second = await held(ipc);
    const third = await held(ipc);
    expect([first.closed(), second.closed()]).toEqual([false, false]);
    expect(third.closed()).toBe(true);
    expect(third.said()).toMatch(/holds too many connections/);
  });
});

describe('connections nobody names', () => {
  it('without the kernel’s word stay unnamed until hello, in a pool of their own', async () => {
    const ipc = await server({ perUser: 2, unproven: 1 });
    const first = await held(ipc);
    const second = await held(ipc);
    expect(first.closed()).toBe(false);
    expect(second.closed()).toBe(true);
    expect(second.said()).toMatch(/no more connections/);
  });
});
