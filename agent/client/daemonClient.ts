// A client of the daemon's sockets for the CLI and the tray: requests, pushed status events, and the hello proof.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CordonError } from '../common/errors.js';
import type { Method, StatusEvent } from '../common/ipc.js';

type Pending = { resolve(v: unknown): void; reject(e: Error): void };

export class DaemonClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffer = '';
  private statusListeners: Array<(e: StatusEvent) => void> = [];
  private closeListeners: Array<() => void> = [];

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new CordonError('daemon-unavailable', 'the agent closed the connection'));
      this.pending.clear();
      for (const fn of this.closeListeners) fn();
    });
    socket.on('error', () => socket.destroy());
  }

  static connect(socketPath: string, timeoutMs = 3000): Promise<DaemonClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(socketPath);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new CordonError('daemon-unavailable', 'the agent did not answer in time', { where: socketPath }));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new DaemonClient(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(
          new CordonError('daemon-unavailable', `no agent is running (${(err as NodeJS.ErrnoException).code ?? err.message})`, {
            where: socketPath,
            fix: 'start it with `cordon run` or the system service',
          }, err),
        );
      });
    });
  }

  request<T = unknown>(method: Method, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  /** Proves to the daemon which user this client runs as (needed to remediate one's own findings). */
  async authenticate(): Promise<{ user: string; uid: number }> {
    const { nonce, proofDir } = await this.request<{ nonce: string; proofDir: string }>('hello');
    const proof = path.join(proofDir, nonce);
    fs.writeFileSync(proof, nonce, { mode: 0o600, flag: 'wx' });
    try {
      return await this.request<{ user: string; uid: number }>('hello', { nonce });
    } finally {
      fs.rmSync(proof, { force: true });
    }
  }

  onStatus(fn: (e: StatusEvent) => void): void {
    this.statusListeners.push(fn);
  }

  onClose(fn: () => void): void {
    this.closeListeners.push(fn);
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      let msg: { id?: number; result?: unknown; error?: { code: string; message: string }; event?: string };
      try {
        msg = JSON.parse(line);
      } catch {
        continue;
      }
      if (msg.event === 'status') {
        for (const fn of this.statusListeners) fn(msg as StatusEvent);
        continue;
      }
      const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
      if (!p || msg.id === undefined) continue;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new CordonError(msg.error.code as never, msg.error.message));
      else p.resolve(msg.result);
    }
  }
}
