// The one client of the daemon's sockets, for the CLI and the tray: NDJSON framing, replies matched by id, timeouts,
// pushed status events and the `hello` proof of who is asking.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CordonError } from '../common/errors.js';
import {
  MAX_REPLY_BYTES,
  REPLY_TIMEOUT_MS,
  ipcErrorCode,
  type HelloChallenge,
  type HelloIdentity,
  type IpcParams,
  type IpcResult,
  type Method,
  type NotificationEvent,
} from '../common/ipc.js';
import type { Status } from '../common/model.js';

export interface DaemonClientOptions {
  /** How long to wait for the socket to accept the connection. */
  connectTimeoutMs?: number;
  /** Overrides the contract's REPLY_TIMEOUT_MS for every method (tests). */
  replyTimeoutMs?: number;
  /** Overrides the contract's MAX_REPLY_BYTES (tests). */
  maxReplyBytes?: number;
}

/** Methods whose params are all optional may be called without them. */
export type ParamsArg<M extends Method> = Record<string, never> extends IpcParams<M> ? [params?: IpcParams<M>] : [params: IpcParams<M>];

interface Pending {
  method: Method;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

const NONCE = /^[0-9a-f]{32}$/;

export class DaemonClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffer = '';
  private readonly statusListeners: ((status: Status) => void)[] = [];
  private readonly notificationListeners: ((note: NotificationEvent['result']) => void)[] = [];
  private readonly closeListeners: (() => void)[] = [];
  private isClosed = false;

  private constructor(
    private readonly socket: net.Socket,
    private readonly socketPath: string,
    private readonly options: DaemonClientOptions,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.handleClose());
  }

  /** Connects to a socket (or named pipe); rejects with `daemon-unavailable` when no agent listens there. */
  static connect(socketPath: string, options: DaemonClientOptions = {}): Promise<DaemonClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(socketPath);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new CordonError('daemon-unavailable', 'the agent did not accept the connection in time', { where: socketPath }));
      }, options.connectTimeoutMs ?? 3000);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new DaemonClient(socket, socketPath, options));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          new CordonError(
            'daemon-unavailable',
            `no agent is running (${err.code ?? err.message})`,
            { where: socketPath, fix: 'start it with `cordon run` or the system service' },
            err,
          ),
        );
      });
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Sends one request; the reply's error becomes a CordonError with the daemon's code. */
  request<M extends Method>(method: M, ...[params]: ParamsArg<M>): Promise<IpcResult<M>> {
    if (this.isClosed) return Promise.reject(this.unavailable('the connection to the agent is closed'));
    const id = this.nextId++;
    return new Promise<IpcResult<M>>((resolve, reject) => {
      const waitMs = this.options.replyTimeoutMs ?? REPLY_TIMEOUT_MS[method];
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(this.unavailable(`the agent did not answer ${method} within ${waitMs} ms`));
      }, waitMs);
      this.pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject, timer });
      this.socket.write(`${JSON.stringify({ id, method, params: params ?? {} })}\n`);
    });
  }

  /**
   * Proves which user this client runs as (needed to remediate one's own findings): the daemon names a fresh nonce,
   * we create a file of that name in its proof folder, and the file's owner tells the daemon who we are.
   */
  async hello(): Promise<HelloIdentity> {
    const challenge = (await this.request('hello')) as Partial<HelloChallenge & HelloIdentity>;
    // Through the Windows service host the agent already knows who is asking: no proof file is needed.
    if (challenge.nonce === undefined && typeof challenge.user === 'string')
      return { user: challenge.user, ...(typeof challenge.uid === 'number' ? { uid: challenge.uid } : {}) };
    if (typeof challenge.nonce !== 'string' || !NONCE.test(challenge.nonce) || typeof challenge.proofDir !== 'string') {
      throw new CordonError('internal', 'the agent answered hello without a usable nonce', { where: this.socketPath });
    }
    const proof = path.join(challenge.proofDir, challenge.nonce);
    try {
      fs.writeFileSync(proof, challenge.nonce, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Never through something already there: another user may have planted a link under the nonce's name.
      throw new CordonError('unsafe-path', `cannot create the proof file (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { where: proof }, err);
    }
    try {
      const identity = (await this.request('hello', { nonce: challenge.nonce })) as Partial<HelloIdentity>;
      if (typeof identity.user !== 'string' || (identity.uid !== undefined && typeof identity.uid !== 'number'))
        throw new CordonError('internal', 'the agent answered hello without a user', { where: this.socketPath });
      return { user: identity.user, ...(identity.uid !== undefined ? { uid: identity.uid } : {}) };
    } finally {
      fs.rmSync(proof, { force: true });
    }
  }

  /** Asks for every new status; `fn` hears each push until the connection closes. */
  /** Notifications the daemon asks this user's session to show (pushed to subscribed connections). */
  onNotification(fn: (note: NotificationEvent['result']) => void): void {
    this.notificationListeners.push(fn);
  }

  async subscribe(fn: (status: Status) => void): Promise<void> {
    this.statusListeners.push(fn);
    await this.request('subscribe');
  }

  onClose(fn: () => void): void {
    if (this.isClosed) fn();
    else this.closeListeners.push(fn);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (line.trim()) this.onMessage(line);
      newline = this.buffer.indexOf('\n');
    }
    const limit = this.options.maxReplyBytes ?? MAX_REPLY_BYTES;
    if (Buffer.byteLength(this.buffer) > limit) {
      this.failAll(new CordonError('ipc-too-large', `the agent sent a reply larger than ${limit} bytes`, { where: this.socketPath }));
      this.buffer = '';
      this.socket.destroy();
    }
  }

  private onMessage(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const m = message as { id?: unknown; event?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } };
    if (m.event === 'status') {
      if (typeof m.result === 'object' && m.result !== null) for (const fn of this.statusListeners) fn(m.result as Status);
      return;
    }
    if (m.event === 'notification') {
      const note = m.result as Partial<NotificationEvent['result']> | null;
      if (note && typeof note.title === 'string' && typeof note.message === 'string') {
        const shown = { title: note.title, message: note.message, ...(typeof note.finding === 'string' ? { finding: note.finding } : {}) };
        for (const fn of this.notificationListeners) fn(shown);
      }
      return;
    }
    const error = m.error
      ? new CordonError(ipcErrorCode(m.error.code), String(m.error.message ?? 'the agent refused the request'), { where: this.socketPath })
      : null;
    // An error without an id is about the connection itself (the agent closes it next): every request waiting on it fails.
    if (m.id === null && error) return this.failAll(error);
    const waiting = typeof m.id === 'number' ? this.pending.get(m.id) : undefined;
    if (!waiting) return;
    this.pending.delete(m.id as number);
    clearTimeout(waiting.timer);
    if (error) waiting.reject(error);
    else waiting.resolve(m.result);
  }

  private handleClose(): void {
    this.isClosed = true;
    this.failAll(this.unavailable('the agent closed the connection'));
    for (const fn of this.closeListeners.splice(0)) fn();
  }

  private failAll(err: CordonError): void {
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(err);
    }
    this.pending.clear();
  }

  private unavailable(message: string): CordonError {
    return new CordonError('daemon-unavailable', message, { where: this.socketPath });
  }
}
