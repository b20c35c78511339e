// The daemon's local sockets: newline-delimited JSON, size limits and timeouts, and a proof of who is asking.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  METHODS,
  METHOD_SOCKET,
  MAX_REQUEST_BYTES,
  PARAMS,
  REQUEST_IDLE_TIMEOUT_MS,
  ipcErrorCode,
  isMethod,
  isNamedPipe,
  type HelloChallenge,
  type HelloIdentity,
  type IpcEvent,
  type IpcHandlers,
  type IpcParams,
  type IpcReply,
  type Method,
} from '../common/ipc.js';
import { CordonError, asCordonError } from '../common/errors.js';

export interface Peer {
  admin: boolean;
  /** Set after the `hello` proof: the user that owns the proof file. */
  uid?: number;
  user?: string;
  /** Pushes an unsolicited message (subscriptions). */
  push(message: IpcEvent): void;
  onClose(fn: () => void): void;
}

/** Every method but `hello`, which the server answers itself (the proof of who is asking is part of the transport). */
export type ServedMethod = Exclude<Method, 'hello'>;
export type DaemonHandlers = IpcHandlers<Peer, ServedMethod>;

export interface IpcServerOptions {
  socketPath: string;
  adminSocketPath: string;
  /** Where clients write their `hello` proof: a folder every user can write to but not list (the socket's folder by default). */
  proofDir?: string;
  handlers: DaemonHandlers;
  userName(uid: number): string | undefined;
  onError(message: string): void;
}

/** A proof holds a 32-character nonce and maybe a newline. */
const MAX_PROOF_BYTES = 64;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Unix sockets carry no portable peer credentials in Node, so a client proves who it is the way only its
 * own user can: it creates a file named by a fresh nonce in a sticky, unlistable folder, and the daemon
 * reads the file's owner.
 */
export class IpcServer {
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly nonces = new Map<string, number>();
  readonly proofDir: string;

  constructor(private readonly opts: IpcServerOptions) {
    this.proofDir = opts.proofDir ?? path.join(isNamedPipe(opts.socketPath) ? os.tmpdir() : path.dirname(opts.socketPath), 'cordon-proof');
  }

  async start(): Promise<void> {
    if (!isNamedPipe(this.opts.socketPath)) fs.mkdirSync(path.dirname(this.opts.socketPath), { recursive: true, mode: 0o755 });
    fs.mkdirSync(this.proofDir, { recursive: true });
    fs.chmodSync(this.proofDir, 0o1733);
    await this.listen(this.opts.socketPath, false, 0o666);
    await this.listen(this.opts.adminSocketPath, true, 0o600);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
    for (const p of [this.opts.socketPath, this.opts.adminSocketPath]) removeStaleSocket(p);
  }

  private async listen(socketPath: string, admin: boolean, mode: number): Promise<void> {
    removeStaleSocket(socketPath);
    const server = net.createServer((socket) => this.serve(socket, admin));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    server.on('error', (err) => this.opts.onError(`socket ${socketPath}: ${err.message}`));
    // Named pipes take their access rules from Windows, not from file modes.
    if (!isNamedPipe(socketPath)) fs.chmodSync(socketPath, mode);
    this.servers.push(server);
  }

  private serve(socket: net.Socket, admin: boolean): void {
    this.sockets.add(socket);
    const closers: Array<() => void> = [];
    const send = (msg: IpcReply | IpcEvent): void => {
      if (!socket.destroyed && socket.writable) socket.write(`${JSON.stringify(msg)}\n`);
    };
    const peer: Peer = { admin, push: send, onClose: (fn) => closers.push(fn) };
    if (admin) {
      peer.uid = process.getuid?.() ?? 0;
      peer.user = this.opts.userName(peer.uid) ?? 'root';
    }
    let buffer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(REQUEST_IDLE_TIMEOUT_MS);
    socket.on('timeout', () => {
      // Only a half-sent request times out; an idle subscriber may wait for pushes as long as it likes.
      if (buffer.length > 0) {
        send({ id: null, error: { code: 'ipc-timeout', message: 'incomplete request: no newline within the time limit' } });
        socket.end();
      }
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim()) void this.handleLine(line, peer).then(send);
      }
      if (Buffer.byteLength(buffer) > MAX_REQUEST_BYTES) {
        send({ id: null, error: { code: 'ipc-too-large', message: `request larger than ${MAX_REQUEST_BYTES} bytes` } });
        buffer = '';
        socket.end();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      for (const fn of closers) fn();
    });
  }

  private async handleLine(line: string, peer: Peer): Promise<IpcReply> {
    if (Buffer.byteLength(line) > MAX_REQUEST_BYTES) {
      return { id: null, error: { code: 'ipc-too-large', message: `request larger than ${MAX_REQUEST_BYTES} bytes` } };
    }
    let req: unknown;
    try {
      req = JSON.parse(line);
    } catch {
      return { id: null, error: { code: 'ipc-bad-request', message: 'not JSON: send one JSON object per line' } };
    }
    const id = isRecord(req) && (typeof req.id === 'number' || typeof req.id === 'string') ? req.id : null;
    if (!isRecord(req) || typeof req.method !== 'string') {
      return { id, error: { code: 'ipc-bad-request', message: 'expected {"id": 1, "method": "status", "params": {}}' } };
    }
    if (req.params !== undefined && !isRecord(req.params)) {
      return { id, error: { code: 'ipc-bad-request', message: 'params must be an object' } };
    }
    const method = req.method;
    if (!isMethod(method)) {
      return { id, error: { code: 'ipc-unknown-method', message: `unknown method "${method.slice(0, 64)}"; known: ${METHODS.join(', ')}` } };
    }
    if (METHOD_SOCKET[method] === 'admin' && !peer.admin) {
      return { id, error: { code: 'forbidden', message: `"${method}" is served on the admin socket only` } };
    }
    try {
      const params = PARAMS[method](req.params ?? {});
      const result = method === 'hello' ? this.hello(params as IpcParams<'hello'>, peer) : await this.dispatch(method, params as IpcParams<ServedMethod>, peer);
      return { id, result };
    } catch (err) {
      const e = asCordonError(err);
      const code = ipcErrorCode(e.code);
      if (code === 'internal') this.opts.onError(`ipc ${method}: ${e.message}`);
      return { id, error: { code, message: e.message } };
    }
  }

  /** The table is typed per method; a correlated call over the union of methods needs this one widening. */
  private dispatch<M extends ServedMethod>(method: M, params: IpcParams<M>, peer: Peer): unknown {
    const handler = this.opts.handlers[method] as (params: IpcParams<M>, peer: Peer) => unknown;
    return handler(params, peer);
  }

  private hello(params: IpcParams<'hello'>, peer: Peer): HelloChallenge | HelloIdentity {
    if (params.nonce === undefined) {
      const nonce = crypto.randomBytes(16).toString('hex');
      this.nonces.set(nonce, Date.now());
      for (const [n, t] of this.nonces) if (Date.now() - t > 60_000) this.nonces.delete(n);
      return { nonce, proofDir: this.proofDir, ...(peer.user ? { user: peer.user } : {}) };
    }
    const nonce = params.nonce;
    if (!/^[0-9a-f]{32}$/.test(nonce) || !this.nonces.delete(nonce)) {
      throw new CordonError('forbidden', 'unknown or expired nonce: ask for a new one with hello {}');
    }
    const proof = path.join(this.proofDir, nonce);
    let fd: number | undefined;
    try {
      fd = fs.openSync(proof, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
      const st = fs.fstatSync(fd);
      // The size is checked before reading: a proof file of gigabytes (sparse, cheap to make) must cost nothing.
      if (!st.isFile() || st.size > MAX_PROOF_BYTES) throw new CordonError('forbidden', 'the proof file does not hold the nonce');
      const buf = Buffer.alloc(MAX_PROOF_BYTES);
      const content = buf
        .subarray(0, fs.readSync(fd, buf, 0, MAX_PROOF_BYTES, 0))
        .toString('utf8')
        .trim();
      if (content !== nonce) throw new CordonError('forbidden', 'the proof file does not hold the nonce');
      peer.uid = st.uid;
      peer.user = this.opts.userName(st.uid) ?? String(st.uid);
      return { user: peer.user, uid: peer.uid };
    } catch (err) {
      if (err instanceof CordonError) throw err;
      throw new CordonError('forbidden', `no proof file ${proof}: write the nonce there first`, {}, err);
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(proof, { force: true });
    }
  }
}

/** Removes a socket left by a previous run; refuses to remove anything that is not a socket. */
function removeStaleSocket(p: string): void {
  if (isNamedPipe(p)) return;
  const st = fs.lstatSync(p, { throwIfNoEntry: false });
  if (!st) return;
  if (!st.isSocket()) throw new CordonError('unsafe-path', 'not a socket; refusing to replace it', { where: p, fix: 'remove it or choose another socketPath' });
  fs.rmSync(p);
}
