// The one client of the daemon's sockets, against a real Unix socket server whose every byte the test controls.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../agent/client/daemonClient.js';
import { CordonError } from '../../agent/common/errors.js';
import type { IpcRequest } from '../../agent/common/ipc.js';
import type { Status } from '../../agent/common/model.js';

interface TestServer {
  socketPath: string;
  dir: string;
  requests: IpcRequest[];
  /** Closes every connection and stops listening. */
  stop(): Promise<void>;
}

type Answer = (req: IpcRequest, socket: net.Socket, server: TestServer) => void;

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function serve(answer: Answer): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-client-'));
  const sockets = new Set<net.Socket>();
  const server: TestServer = {
    socketPath: path.join(dir, 'cordon.sock'),
    dir,
    requests: [],
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    },
  };
  const srv = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const req = JSON.parse(buffer.slice(0, i)) as IpcRequest;
        buffer = buffer.slice(i + 1);
        server.requests.push(req);
        answer(req, socket, server);
      }
    });
  });
  await new Promise<void>((resolve) => srv.listen(server.socketPath, resolve));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  cleanup.push(() => server.stop().catch(() => undefined));
  return server;
}

async function connect(server: TestServer, options: Parameters<typeof DaemonClient.connect>[1] = {}): Promise<DaemonClient> {
  const client = await DaemonClient.connect(server.socketPath, options);
  cleanup.push(() => client.close());
  return client;
}

const line = (value: unknown): string => `${JSON.stringify(value)}\n`;
const status = (host: string): Status => ({
  evaluatedAt: '2026-07-01T00:00:00Z',
  host,
  compliance: 'compliant',
  policies: [],
  policyErrors: [],
  inventory: [],
  findings: [],
});
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('shared daemon client', () => {
  it('reads a reply split across chunks, and two replies in one chunk, each to its own request', async () => {
    const server = await serve((req, socket) => {
      if (req.method !== 'status') return;
      if (req.id === 1) {
        const text = line({ id: 1, result: status('split-host') });
        void (async () => {
          for (const part of [text.slice(0, 5), text.slice(5, 40), text.slice(40)]) {
            socket.write(part);
            await pause(15);
          }
        })();
      }
      if (req.id === 3) socket.write(line({ id: 3, result: status('third') }) + line({ id: 2, result: status('second') }));
    });
    const client = await connect(server);
    expect((await client.request('status')).host).toBe('split-host');
    const [second, third] = await Promise.all([client.request('status'), client.request('status')]);
    expect([second.host, third.host]).toEqual(['second', 'third']);
  });

  it('sends the method and params as one NDJSON line with a fresh id', async () => {
    const server = await serve((req, socket) => socket.write(line({ id: req.id, result: { finding: { id: 'f1' } } })));
    const client = await connect(server);
    await client.request('remediate', { finding: 'f1' });
    await client.request('history', { limit: 5 });
    expect(server.requests).toEqual([
      { id: 1, method: 'remediate', params: { finding: 'f1' } },
      { id: 2, method: 'history', params: { limit: 5 } },
    ]);
  });

  it('turns an error reply into a CordonError with the daemon’s code, and an unknown code into internal', async () => {
    const server = await serve((req, socket) => {
      const code = req.method === 'remediate' ? 'forbidden' : 'made-up-code';
      socket.write(line({ id: req.id, error: { code, message: `refused ${req.method}` } }));
    });
    const client = await connect(server);
    await expect(client.request('remediate', { finding: 'f1' })).rejects.toMatchObject({ code: 'forbidden', message: 'refused remediate' });
    await expect(client.request('status')).rejects.toMatchObject({ code: 'internal', message: 'refused status' });
  });

  it('refuses a reply larger than its limit: the waiting request fails and the connection closes', async () => {
    const server = await serve((req, socket) => socket.write(`{"id":${req.id},"result":"${'x'.repeat(4096)}`));
    const client = await connect(server, { maxReplyBytes: 1024 });
    const closed = new Promise<void>((resolve) => client.onClose(resolve));
    await expect(client.request('status')).rejects.toMatchObject({ code: 'ipc-too-large' });
    await closed;
    expect(client.closed).toBe(true);
  });

  it('gives up on a request the daemon never answers, and later replies to it are ignored', async () => {
    let late: net.Socket | undefined;
    const server = await serve((req, socket) => {
      if (req.method === 'status') late = socket;
      else socket.write(line({ id: req.id, result: [] }));
    });
    const client = await connect(server, { replyTimeoutMs: 60 });
    const err = await client.request('status').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CordonError);
    expect(err).toMatchObject({ code: 'daemon-unavailable', message: 'the agent did not answer status within 60 ms' });
    late?.write(line({ id: 1, result: status('late') }));
    expect(await client.request('history')).toEqual([]);
  });

  it('rejects every waiting request when the daemon goes away, and any request after that', async () => {
    const server = await serve(() => undefined);
    const client = await connect(server);
    const waiting = [client.request('status'), client.request('scan')];
    await pause(20);
    await server.stop();
    for (const r of waiting) await expect(r).rejects.toMatchObject({ code: 'daemon-unavailable', message: 'the agent closed the connection' });
    await expect(client.request('status')).rejects.toMatchObject({ code: 'daemon-unavailable' });
  });

  it('fails every waiting request on a connection-level error (no id)', async () => {
    const server = await serve((req, socket) => {
      if (req.id === 2) socket.write(line({ id: null, error: { code: 'ipc-too-large', message: 'request larger than 65536 bytes' } }));
    });
    const client = await connect(server);
    const waiting = [client.request('status'), client.request('status')];
    for (const r of waiting) await expect(r).rejects.toMatchObject({ code: 'ipc-too-large' });
  });

  it('says no agent is running when nothing listens at the socket', async () => {
    const err = await DaemonClient.connect(path.join(os.tmpdir(), 'cordon-no-such-dir', 'cordon.sock')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'daemon-unavailable' });
    expect((err as CordonError).oneLine()).toMatch(/no agent is running \(ENOENT\).*cordon run/);
  });

  it('delivers pushed status events to subscribers', async () => {
    const server = await serve((req, socket) => {
      socket.write(line({ id: req.id, result: { subscribed: true } }));
      socket.write(line({ event: 'status', result: status('pushed-1') }));
      socket.write(line({ event: 'status', result: status('pushed-2') }));
    });
    const client = await connect(server);
    const seen: string[] = [];
    await client.subscribe((s) => seen.push(s.host));
    await pause(30);
    expect(seen).toEqual(['pushed-1', 'pushed-2']);
    expect(server.requests.map((r) => r.method)).toEqual(['subscribe']);
  });

  describe('hello proof', () => {
    const NONCE = '0123456789abcdef0123456789abcdef';
    /** Answers like the daemon: a nonce, then the owner of the file of that name in the proof folder. */
    const proofServer =
      (proofDir: () => string): Answer =>
      (req, socket) => {
        if (req.params?.nonce === undefined) return void socket.write(line({ id: req.id, result: { nonce: NONCE, proofDir: proofDir() } }));
        const proof = path.join(proofDir(), String(req.params.nonce));
        const st = fs.lstatSync(proof, { throwIfNoEntry: false });
        const ok = st?.isFile() && fs.readFileSync(proof, 'utf8') === NONCE && (st.mode & 0o777) === 0o600;
        socket.write(
          line(ok && st ? { id: req.id, result: { user: `uid-${st.uid}`, uid: st.uid } } : { id: req.id, error: { code: 'forbidden', message: 'no proof' } }),
        );
      };

    it('writes the nonce into an owner-only file, is told who it is, and removes the file', async () => {
      let dir = '';
      const server = await serve(proofServer(() => dir));
      dir = server.dir;
      const client = await connect(server);
      const uid = process.getuid?.() ?? 0;
      expect(await client.hello()).toEqual({ user: `uid-${uid}`, uid });
      expect(server.requests.map((r) => r.params)).toEqual([{}, { nonce: NONCE }]);
      expect(fs.existsSync(path.join(dir, NONCE))).toBe(false);
    });

    it('never writes through a file someone planted under the nonce’s name', async () => {
      let dir = '';
      const server = await serve(proofServer(() => dir));
      dir = server.dir;
      const target = path.join(dir, 'target');
      fs.writeFileSync(target, 'keep');
      fs.symlinkSync(target, path.join(dir, NONCE));
      const client = await connect(server);
      await expect(client.hello()).rejects.toMatchObject({ code: 'unsafe-path', message: 'cannot create the proof file (EEXIST)' });
      expect(fs.readFileSync(target, 'utf8')).toBe('keep');
      expect(server.requests).toHaveLength(1);
    });

    it('refuses a challenge whose nonce could name another path', async () => {
      const server = await serve((req, socket) => socket.write(line({ id: req.id, result: { nonce: '../../etc/passwd', proofDir: '/tmp' } })));
      const client = await connect(server);
      await expect(client.hello()).rejects.toMatchObject({ code: 'internal', message: 'the agent answered hello without a usable nonce' });
    });
  });
});
