// The user socket's proof of who is asking, against a real IpcServer on a temp socket: a nonce proves only the
// connection it was given to, and an OS whose users have no uid (Windows) counts connections by name, without case.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProofOwner } from '../../agent/adapters/proofOwner.js';
import { DaemonClient } from '../../agent/client/daemonClient.js';
import type { HelloChallenge } from '../../agent/common/ipc.js';
import { IpcServer, type DaemonHandlers } from '../../agent/daemon/ipcServer.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function server(opts: { proofOwner?: ProofOwner; perUser?: number } = {}): Promise<IpcServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-ipc-'));
  const ipc = new IpcServer({
    socketPath: path.join(dir, 'cordon.sock'),
    adminSocketPath: path.join(dir, 'cordon-admin.sock'),
    handlers: {} as DaemonHandlers,
    userName: (uid) => (uid === 0 ? 'root' : undefined),
    onError: () => undefined,
    ...(opts.proofOwner ? { proofOwner: opts.proofOwner } : {}),
    ...(opts.perUser ? { limits: { perUser: opts.perUser } } : {}),
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
