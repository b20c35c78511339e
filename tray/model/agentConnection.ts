// Keeps the tray connected to the daemon's user socket: the shared client, reconnected with backoff while the agent is unreachable.
import { EventEmitter } from 'node:events';
import { DaemonClient, type ParamsArg } from '../../agent/client/daemonClient.js';
import { CordonError } from '../../agent/common/errors.js';
import type { IpcResult, NotificationEvent, UserMethod } from '../../agent/common/ipc.js';
import type { Status } from '../../agent/common/model.js';

export interface AgentConnectionOptions {
  socketPath: string;
  /** First reconnect delay; doubles after each failed attempt up to maxRetryMs, and resets after a success. */
  initialRetryMs?: number;
  maxRetryMs?: number;
}

export interface AgentConnectionEvents {
  connected: [];
  /** The daemon confirmed which user this tray runs as (the `hello` proof). */
  identified: [user: string];
  unreachable: [reason: string];
  status: [status: Status];
  /** A notification the agent asks this session to show. */
  notification: [note: NotificationEvent['result']];
}

export class AgentConnection extends EventEmitter<AgentConnectionEvents> {
  private client: DaemonClient | null = null;
  private stopped = true;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly initialRetryMs: number;
  private readonly maxRetryMs: number;

  constructor(private readonly options: AgentConnectionOptions) {
    super();
    this.initialRetryMs = options.initialRetryMs ?? 500;
    this.maxRetryMs = options.maxRetryMs ?? 15_000;
    this.retryMs = this.initialRetryMs;
  }

  /** Connects and keeps reconnecting until stop(); every (re)connection proves the user, subscribes and fetches the status. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.client?.close();
    this.client = null;
  }

  request<M extends UserMethod>(method: M, ...params: ParamsArg<M>): Promise<IpcResult<M>> {
    const client = this.client;
    if (!client || client.closed) {
      return Promise.reject(new CordonError('daemon-unavailable', 'the Cordon agent is not reachable', { where: this.options.socketPath }));
    }
    return client.request(method, ...params);
  }

  private async connect(): Promise<void> {
    let client: DaemonClient;
    try {
      client = await DaemonClient.connect(this.options.socketPath);
    } catch {
      this.retry('cannot connect');
      return;
    }
    if (this.stopped) return client.close();
    this.client = client;
    this.retryMs = this.initialRetryMs;
    client.onClose(() => {
      if (this.client !== client) return;
      this.client = null;
      this.retry('connection closed');
    });
    this.emit('connected');
    try {
      const identity = await client.hello().catch(() => null);
      if (identity) this.emit('identified', identity.user);
      client.onNotification((note) => this.emit('notification', note));
      await client.subscribe((status) => this.emit('status', status));
      this.emit('status', await client.request('status'));
    } catch {
      client.close();
    }
  }

  private retry(reason: string): void {
    this.emit('unreachable', reason);
    if (this.stopped) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.maxRetryMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) void this.connect();
    }, delay);
  }
}
