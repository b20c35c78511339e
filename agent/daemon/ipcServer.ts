// The daemon's local sockets: newline-delimited JSON, size limits and timeouts, and a proof of who is asking.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
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
  relaySocketFor,
  type HelloChallenge,
  type HelloIdentity,
  type IpcEvent,
  type IpcHandlers,
  type IpcParams,
  type IpcReply,
  type Method,
} from '../common/ipc.js';
import type { UnixPeerUid } from '../adapters/linux/unixPeer.js';
import type { ProofOwner } from '../adapters/proofOwner.js';
import { parseRelayHeader } from '../adapters/win32/proofOwner.js';
import { CordonError, asCordonError } from '../common/errors.js';
import { userKey } from '../core/nameCase.js';

export interface Peer {
  admin: boolean;
  /** Set after the `hello` proof: the user that owns the proof file (no uid on Windows, where users have none). */
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
  /** Who owns a proof file (agent/adapters/proofOwner.ts); by default its uid, named by `userName`. */
  proofOwner?: ProofOwner;
  /**
   * Windows: users reach the agent through the service host, which owns the user pipe and relays each connection to
   * `relaySocketFor(socketPath)`, opening it with a line that says who the client is (only SYSTEM and Administrators
   * can write to a pipe the agent creates). Such a connection is proven from its first line.
   */
  relayed?: boolean;
  /** Linux: the uid behind a connection, from the kernel (agent/adapters/linux/unixPeer.ts); null where it cannot say. */
  peerUid?: (UnixPeerUid & { close(): void }) | null;
  onError(message: string): void;
  /** Connections refused for the limits below since the last call (called once a minute at most while it happens). */
  onBusy?(refused: number): void;
  /** Bounds on the user socket (the admin socket is root's and always served). */
  limits?: Partial<ConnectionLimits>;
}

/** How much of the daemon the user socket may take: a user holding connections must never starve enforcement. */
export interface ConnectionLimits {
  /** All user-socket connections together (see agent/adapters/descriptors.ts for the share of descriptors). */
  total: number;
  /** Connections of one proven user. */
  perUser: number;
  /** Connections that have not proven who they are yet (every connection starts so). */
  unproven: number;
  /** A connection that has not proven who it is is closed after this long, whatever it does. */
  unprovenLifetimeMs: number;
  /** A proven connection with nothing in flight and no subscription is closed after this long. */
  idleMs: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = { total: 512, perUser: 32, unproven: 64, unprovenLifetimeMs: 30_000, idleMs: 60_000 };

/** Requests of one connection handled at once; further lines wait, and past MAX_WAITING_LINES reading pauses. */
const MAX_IN_FLIGHT = 8;
const MAX_WAITING_LINES = 64;

/** A proof holds a 32-character nonce and maybe a newline. */
const MAX_PROOF_BYTES = 64;
/**
 * Windows: the folder install-service.ps1 makes for proofs, where Users may create files but not list the folder or
 * read another's file. A folder made by anyone else lacks that grant, so hellos then fail closed.
 */
const WINDOWS_PROOF_DIR = path.win32.join(process.env.ProgramData ?? 'C:\\ProgramData', 'Cordon', 'proof');
/** A nonce not proven within this long is void. */
const NONCE_LIFETIME_MS = 60_000;

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
  /** The nonce each connection was given: it proves only that connection, so a proof seen by anyone else is worth nothing to them. */
  private readonly challenges = new WeakMap<Peer, { nonce: string; at: number }>();
  /** Peers the service host named (relayed connections): `hello {}` answers with who they are. */
  private readonly introduced = new WeakSet<Peer>();
  private readonly proofOwner: ProofOwner;
  /** Open user-socket connections per owner: a uid, or 'unproven'. */
  private readonly owners = new Map<string, number>();
  private userConnections = 0;
  private readonly limits: ConnectionLimits;
  /** Refusals since the last audit line about them: one line per minute at most, however hard a user pushes. */
  private refused = 0;
  private refusedNotedAt = 0;
  /** One serialisation per pushed status, shared by every subscriber that gets the same view. */
  private readonly pushText = new WeakMap<object, string>();
  readonly proofDir: string;
  /** Where users connect: the user socket, or on Windows the service host's relay pipe. */
  private readonly userSocketPath: string;

  constructor(private readonly opts: IpcServerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.userSocketPath = opts.relayed ? relaySocketFor(opts.socketPath) : opts.socketPath;
    this.proofOwner = opts.proofOwner ?? ((_file, st) => Promise.resolve({ uid: st.uid, user: opts.userName(st.uid) ?? String(st.uid) }));
    this.proofDir = opts.proofDir ?? (isNamedPipe(opts.socketPath) ? WINDOWS_PROOF_DIR : path.join(path.dirname(opts.socketPath), 'cordon-proof'));
  }

  async start(): Promise<void> {
    if (!isNamedPipe(this.opts.socketPath)) fs.mkdirSync(path.dirname(this.opts.socketPath), { recursive: true, mode: 0o755 });
    fs.mkdirSync(this.proofDir, { recursive: true });
    fs.chmodSync(this.proofDir, 0o1733);
    await this.listen(this.userSocketPath, false, 0o666);
    await this.listen(this.opts.adminSocketPath, true, 0o600);
  }

  async stop(): Promise<void> {
    this.opts.peerUid?.close();
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
    for (const p of [this.userSocketPath, this.opts.adminSocketPath]) removeStaleSocket(p);
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
    if (!admin && !this.admit('unproven')) {
      this.refuse(socket, 'the agent serves no more connections now: close some and try again');
      return;
    }
    this.sockets.add(socket);
    let owner = admin ? null : 'unproven';
    const closers: Array<() => void> = [];
    const reply = (msg: IpcReply | IpcEvent): void => {
      if (!socket.destroyed && socket.writable) socket.write(`${JSON.stringify(msg)}\n`);
    };
    // A subscriber that does not read gets only the latest status once its socket backs up: memory stays one status.
    let latest: string | null = null;
    const flushLatest = (): void => {
      const text = latest;
      latest = null;
      if (text !== null && !socket.destroyed && socket.writable) socket.write(text);
    };
    const push = (msg: IpcEvent): void => {
      const text = this.textOf(msg);
      // Only statuses collapse into the latest: each notification is its own, and they are few.
      if (socket.writableNeedDrain && msg.event === 'status') {
        if (latest === null) socket.once('drain', flushLatest);
        latest = text;
        return;
      }
      if (!socket.destroyed && socket.writable) socket.write(text);
    };
    const peer: Peer = { admin, push, onClose: (fn) => closers.push(fn) };
    if (admin) {
      peer.uid = process.getuid?.() ?? 0;
      peer.user = this.opts.userName(peer.uid) ?? 'root';
    } else if (this.opts.peerUid) {
      // Known from the kernel at once, a connection counts against its user's share before it says anything, so no user
      // can fill the pool of unnamed connections that everyone's trays need to get in. Acting for a user, and the time
      // limits of a connection that has not said hello, still wait for the hello proof.
      void this.opts.peerUid(socket).then((uid) => {
        if (uid === null || socket.destroyed || owner !== 'unproven') return;
        owner = this.settleOwner(socket, `uid:${uid}`, this.opts.userName(uid) ?? String(uid));
      });
    }
    let subscribed = false;
    let inFlight = 0;
    let lastActive = Date.now();
    const waiting: string[] = [];
    const lifetime = admin
      ? null
      : setTimeout(() => {
          if (peer.user === undefined) this.close(socket, 'ipc-timeout', 'say hello within the time limit: a connection of no known user does not stay open');
        }, this.limits.unprovenLifetimeMs);
    lifetime?.unref();

    const pump = (): void => {
      while (waiting.length > 0 && inFlight < MAX_IN_FLIGHT && !socket.writableNeedDrain) {
        const line = waiting.shift() as string;
        inFlight++;
        void this.handleLine(line, peer).then((msg) => {
          inFlight--;
          lastActive = Date.now();
          if (owner === 'unproven' && peer.user !== undefined) owner = this.settleOwner(socket, ownerKey(peer), peer.user);
          if ('result' in msg && isRecord(msg.result) && typeof msg.result.subscribed === 'boolean') subscribed = msg.result.subscribed;
          reply(msg);
          pump();
        });
      }
      if (waiting.length > MAX_WAITING_LINES) socket.pause();
      else if (socket.isPaused() && !socket.destroyed) socket.resume();
    };
    socket.on('drain', pump);

    let buffer = '';
    const tick = Math.min(REQUEST_IDLE_TIMEOUT_MS, this.limits.idleMs);
    socket.setEncoding('utf8');
    socket.setTimeout(tick);
    socket.on('timeout', () => {
      if (buffer.length > 0) return this.close(socket, 'ipc-timeout', 'incomplete request: no newline within the time limit');
      // A subscriber may wait for pushes as long as it likes; any other user connection is closed once idle.
      const idle = Date.now() - lastActive;
      const limit = peer.user === undefined ? tick : this.limits.idleMs;
      if (!admin && !subscribed && inFlight === 0 && waiting.length === 0 && idle >= limit) this.close(socket, 'ipc-timeout', 'idle connection closed');
      // The timer fires once per quiet spell: armed again so a long idle limit is still checked.
      else socket.setTimeout(tick);
    });
    socket.on('data', (chunk: string) => {
      lastActive = Date.now();
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (this.opts.relayed && !admin && owner === 'unproven' && !this.introduced.has(peer)) {
          const who = parseRelayHeader(line);
          if (!who) return this.close(socket, 'forbidden', "a relayed connection must begin with the service host's line naming its user");
          this.introduced.add(peer);
          if (who.uid !== undefined) peer.uid = who.uid;
          peer.user = who.user;
          owner = this.settleOwner(socket, ownerKey(peer), who.user);
          if (owner === null) return;
          continue;
        }
        if (line.trim()) waiting.push(line);
      }
      if (Buffer.byteLength(buffer) > MAX_REQUEST_BYTES) {
        buffer = '';
        return this.close(socket, 'ipc-too-large', `request larger than ${MAX_REQUEST_BYTES} bytes`);
      }
      pump();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (lifetime) clearTimeout(lifetime);
      this.sockets.delete(socket);
      if (owner !== null) this.release(owner);
      for (const fn of closers) fn();
    });
  }

  /** Once its user is known the connection counts for that user (`mine`, see ownerKey): closed if they hold too many. */
  private settleOwner(socket: net.Socket, mine: string, who: string): string | null {
    this.release('unproven');
    if (this.admit(mine)) return mine;
    this.noteRefusal();
    setImmediate(() => this.close(socket, 'ipc-busy', `user ${who} holds too many connections to the agent: close some`));
    return null;
  }

  private admit(owner: string): boolean {
    const held = this.owners.get(owner) ?? 0;
    const cap = owner === 'unproven' ? this.limits.unproven : this.limits.perUser;
    if (held >= cap || this.userConnections >= this.limits.total) return false;
    this.owners.set(owner, held + 1);
    this.userConnections++;
    return true;
  }

  private release(owner: string): void {
    const held = (this.owners.get(owner) ?? 1) - 1;
    if (held > 0) this.owners.set(owner, held);
    else this.owners.delete(owner);
    this.userConnections--;
  }

  private refuse(socket: net.Socket, message: string): void {
    this.noteRefusal();
    socket.on('error', () => socket.destroy());
    socket.end(`${JSON.stringify({ id: null, error: { code: 'ipc-busy', message } })}\n`, () => socket.destroy());
  }

  private close(socket: net.Socket, code: 'ipc-busy' | 'ipc-timeout' | 'ipc-too-large' | 'forbidden', message: string): void {
    if (socket.destroyed) return;
    // A peer that does not read never lets the goodbye through: the descriptor is freed regardless.
    socket.end(`${JSON.stringify({ id: null, error: { code, message } })}\n`, () => socket.destroy());
    setTimeout(() => socket.destroy(), 1000).unref();
  }

  private noteRefusal(): void {
    this.refused++;
    const now = Date.now();
    if (now - this.refusedNotedAt < 60_000) return;
    this.opts.onBusy?.(this.refused);
    this.refused = 0;
    this.refusedNotedAt = now;
  }

  private textOf(msg: IpcEvent): string {
    let text = this.pushText.get(msg);
    if (text === undefined) this.pushText.set(msg, (text = `${JSON.stringify(msg)}\n`));
    return text;
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
      const result =
        method === 'hello' ? await this.hello(params as IpcParams<'hello'>, peer) : await this.dispatch(method, params as IpcParams<ServedMethod>, peer);
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

  private async hello(params: IpcParams<'hello'>, peer: Peer): Promise<HelloChallenge | HelloIdentity> {
    if (params.nonce === undefined && this.introduced.has(peer) && peer.user !== undefined)
      return { user: peer.user, ...(peer.uid !== undefined ? { uid: peer.uid } : {}) };
    if (params.nonce === undefined) {
      const nonce = crypto.randomBytes(16).toString('hex');
      this.challenges.set(peer, { nonce, at: Date.now() });
      return { nonce, proofDir: this.proofDir, ...(peer.user ? { user: peer.user } : {}) };
    }
    const nonce = params.nonce;
    const challenge = this.challenges.get(peer);
    if (!/^[0-9a-f]{32}$/.test(nonce) || challenge?.nonce !== nonce || Date.now() - challenge.at > NONCE_LIFETIME_MS) {
      throw new CordonError('forbidden', 'unknown or expired nonce: ask this connection for a new one with hello {}');
    }
    this.challenges.delete(peer);
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
      const who = await this.proofOwner(proof, st);
      if (!who) throw new CordonError('forbidden', 'the proof file belongs to no user the agent knows');
      if (who.uid !== undefined) peer.uid = who.uid;
      peer.user = who.user;
      return { user: who.user, ...(who.uid !== undefined ? { uid: who.uid } : {}) };
    } catch (err) {
      if (err instanceof CordonError) throw err;
      throw new CordonError('forbidden', `no proof file ${proof}: write the nonce there first`, {}, err);
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(proof, { force: true });
    }
  }
}

/** The key a proven peer's connections are counted under: its uid, or on Windows (no uids) its name, compared without case. */
function ownerKey(peer: Peer): string {
  return peer.uid !== undefined ? `uid:${peer.uid}` : `user:${userKey('win32')(peer.user ?? '')}`;
}

/** Removes a socket left by a previous run; refuses to remove anything that is not a socket. */
function removeStaleSocket(p: string): void {
  if (isNamedPipe(p)) return;
  const st = fs.lstatSync(p, { throwIfNoEntry: false });
  if (!st) return;
  if (!st.isSocket()) throw new CordonError('unsafe-path', 'not a socket; refusing to replace it', { where: p, fix: 'remove it or choose another socketPath' });
  fs.rmSync(p);
}
