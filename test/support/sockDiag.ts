// Whether this machine's kernel names the peer of a Unix socket through sock_diag: tests of it run only where it does.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createUnixPeerReader } from '../../agent/adapters/linux/unixPeer.js';

/** Whether this kernel answers sock_diag about Unix sockets (CONFIG_UNIX_DIAG, or the unix_diag module loadable here). */
export async function sockDiagAnswers(): Promise<boolean> {
  const reader = createUnixPeerReader();
  if (!reader) return false;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-probe-'));
  const server = net.createServer();
  try {
    await new Promise<void>((r) => server.listen(path.join(dir, 'p.sock'), r));
    const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
    const client = net.connect(path.join(dir, 'p.sock'));
    const uid = await reader(await accepted);
    client.destroy();
    return uid !== null;
  } finally {
    reader.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
