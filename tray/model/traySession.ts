// Keeps the tray's view of the daemon up to date and forwards the user's requests; shared by Electron and the dev bridge.
import { EventEmitter } from 'node:events';
import type { HistoryEntry } from '../../agent/common/ipc.js';
import type { Status } from '../../agent/common/model.js';
import { DaemonClient, type DaemonClientOptions } from './daemonClient.js';
import type { UiLocale } from './locale.js';
import type { TrayView } from './trayView.js';

export interface TraySessionEvents {
  view: [view: TrayView];
}

/** The daemon's default user socket per OS (the same defaults as the agent config); `CORDON_SOCKET` overrides it. */
export function defaultUserSocket(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  if (env.CORDON_SOCKET) return env.CORDON_SOCKET;
  if (platform === 'win32') return '\\\\.\\pipe\\cordon';
  if (platform === 'darwin') return '/var/run/cordon/cordon.sock';
  return '/run/cordon/cordon.sock';
}

/** `history` may answer with the entries or with `{ entries }`. */
function historyEntries(result: unknown): HistoryEntry[] {
  if (Array.isArray(result)) return result as HistoryEntry[];
  const entries = (result as { entries?: unknown } | null)?.entries;
  return Array.isArray(entries) ? (entries as HistoryEntry[]) : [];
}

export class TraySession extends EventEmitter<TraySessionEvents> {
  private current: TrayView;
  private readonly client: DaemonClient;

  constructor(options: DaemonClientOptions & { user: string; locale: UiLocale }) {
    super();
    this.current = { connection: 'connecting', status: null, user: options.user, locale: options.locale };
    this.client = new DaemonClient(options);
    this.client.on('connected', () => this.update({ connection: 'connected' }));
    this.client.on('identified', (user) => this.update({ user }));
    this.client.on('unreachable', () => this.update({ connection: 'unreachable' }));
    this.client.on('status', (status: Status) => this.update({ connection: 'connected', status }));
  }

  get view(): TrayView {
    return this.current;
  }

  start(): void {
    this.client.start();
  }

  stop(): void {
    this.client.stop();
  }

  setLocale(locale: UiLocale): void {
    this.update({ locale });
  }

  /** Asks the daemon to fix one of the user's own findings now; the daemon checks ownership and pushes the new status. */
  async remediate(findingId: string): Promise<unknown> {
    return this.client.request('remediate', { finding: findingId });
  }

  async scan(): Promise<void> {
    const status = await this.client.request('scan');
    if (typeof status === 'object' && status !== null && 'compliance' in status) this.update({ status: status as Status });
  }

  async history(): Promise<HistoryEntry[]> {
    return historyEntries(await this.client.request('history'));
  }

  /** The agent's own account of what it reads, runs and sends. */
  async explain(): Promise<unknown> {
    return this.client.request('explain');
  }

  private update(change: Partial<TrayView>): void {
    const next = { ...this.current, ...change };
    const same = (Object.keys(next) as (keyof TrayView)[]).every((k) => next[k] === this.current[k]);
    if (same) return;
    this.current = next;
    this.emit('view', next);
  }
}
