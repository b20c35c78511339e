// The tray's connection to the daemon's user socket: requests, live status pushes, and reconnection with backoff.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CordonError, type ErrorCode } from '../../agent/common/errors.js';
import type { IpcReply, UserMethod } from '../../agent/common/ipc.js';
import type { Status } from '../../agent/common/model.js';

export interface DaemonClientOptions {
  socketPath: string;
  /** First reconnect delay; doubles after each failed attempt up to maxRetryMs, and resets after a success. */
  initialRetryMs?: number;
  maxRetryMs?: number;
  requestTimeoutMs?: number;
}

export interface DaemonClientEvents {
  connected: [];
  /** The daemon confirmed which user this client runs as (the `hello` proof). */
  identified: [user: string];
  unreachable: [reason: string];
  status: [status: Status];
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const KNOWN_CODES = new Set<string>(['forbidden', 'not-found', 'ipc-bad-request', 'ipc-too-large', 'ipc-unknown-method', 'daemon-unavailable', 'quarantine-failed', 'kill-failed']);

export class DaemonClient extends EventEmitter<DaemonClientEvents> {
  private socket: net.Socket | null = null;
  private connected = false;
  private stopped = true;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<number, Pending>();
  private readonly initialRetryMs: number;
  private readonly maxRetryMs: number;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: DaemonClientOptions) {
    super();
    this.initialRetryMs = options.initialRetryMs ?? 500;
    this.maxRetryMs = options.maxRetryMs ?? 15_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.retryMs = this.initialRetryMs;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Connects and keeps reconnecting until stop(); every (re)connection subscribes and fetches the status. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.destroy();
    this.socket = null;
  }

  request(method: UserMethod, params: Record<string, unknown> = {}): Promise<unknown> {
    const socket = this.socket;
    if (!socket || !this.connected) {
      return Promise.reject(new CordonError('daemon-unavailable', 'the Cordon agent is not reachable', { where: this.options.socketPath }));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new CordonError('daemon-unavailable', `no answer to ${method} within ${this.requestTimeoutMs} ms`, { where: this.options.socketPath }));
      }, this.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      socket.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  private connect(): void {
    const socket = net.createConnection(this.options.socketPath);
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      this.connected = true;
      this.retryMs = this.initialRetryMs;
      this.emit('connected');
      this.handshake().catch(() => socket.destroy());
    });
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.onClose(socket));
  }

  /** Proves the user (when the daemon asks for it), subscribes to pushes, then fetches the current status. */
  private async handshake(): Promise<void> {
    const user = await this.identify().catch(() => null);
    if (user) this.emit('identified', user);
    await this.request('subscribe');
    this.emit('status', (await this.request('status')) as Status);
  }

  /** The daemon's `hello`: write its nonce into a file in its proof folder, whose owner tells the daemon who we are. */
  private async identify(): Promise<string> {
    const { nonce, proofDir } = (await this.request('hello')) as { nonce?: unknown; proofDir?: unknown };
    if (typeof nonce !== 'string' || !/^[0-9a-f]{32}$/.test(nonce) || typeof proofDir !== 'string') throw new Error('unexpected hello reply');
    const proof = path.join(proofDir, nonce);
    fs.writeFileSync(proof, nonce, { mode: 0o600, flag: 'wx' });
    try {
      return String(((await this.request('hello', { nonce })) as { user?: unknown }).user);
    } finally {
      fs.rmSync(proof, { force: true });
    }
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line) this.onMessage(line);
      newline = this.buffer.indexOf('\n');
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
    const m = message as { event?: unknown; result?: unknown } & Partial<IpcReply>;
    if (m.event === 'status' && typeof m.result === 'object' && m.result !== null) {
      this.emit('status', m.result as Status);
      return;
    }
    if (typeof m.id !== 'number') return;
    const waiting = this.pending.get(m.id);
    if (!waiting) return;
    this.pending.delete(m.id);
    clearTimeout(waiting.timer);
    if ('error' in m && m.error) {
      const code = (KNOWN_CODES.has(m.error.code) ? m.error.code : 'internal') as ErrorCode;
      waiting.reject(new CordonError(code, m.error.message, { where: this.options.socketPath }));
    } else {
      waiting.resolve((m as { result?: unknown }).result);
    }
  }

  private onClose(socket: net.Socket): void {
    if (this.socket !== socket) return;
    const wasConnected = this.connected;
    this.connected = false;
    this.socket = null;
    this.buffer = '';
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new CordonError('daemon-unavailable', 'the connection to the Cordon agent closed', { where: this.options.socketPath }));
      this.pending.delete(id);
    }
    this.emit('unreachable', wasConnected ? 'connection closed' : 'cannot connect');
    if (this.stopped) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.maxRetryMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }
}
