// Keeps the tray's view of the daemon up to date and forwards the user's requests; shared by Electron and the dev bridge.
import { EventEmitter } from 'node:events';
import type { Explanation, HistoryEntry, NotificationEvent } from '../../agent/common/ipc.js';
import type { ExceptionAsk } from './bridge.js';
import type { ExceptionRequest, Finding, Status } from '../../agent/common/model.js';
import { AgentConnection, type AgentConnectionOptions } from './agentConnection.js';
import type { UiLocale } from './locale.js';
import type { TrayView } from './trayView.js';

export interface TraySessionEvents {
  view: [view: TrayView];
  /** A notification the agent asks this session to show (the policy's notify action). */
  notification: [note: NotificationEvent['result']];
}

export class TraySession extends EventEmitter<TraySessionEvents> {
  private current: TrayView;
  private readonly client: AgentConnection;

  constructor(options: AgentConnectionOptions & { user: string; locale: UiLocale }) {
    super();
    this.current = { connection: 'connecting', status: null, user: options.user, locale: options.locale };
    this.client = new AgentConnection(options);
    this.client.on('connected', () => this.update({ connection: 'connected' }));
    this.client.on('identified', (user) => this.update({ user }));
    this.client.on('unreachable', () => this.update({ connection: 'unreachable' }));
    this.client.on('status', (status: Status) => this.update({ connection: 'connected', status }));
    this.client.on('notification', (note) => this.emit('notification', note));
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
  async remediate(findingId: string): Promise<{ finding: Finding }> {
    return this.client.request('remediate', { finding: findingId });
  }

  /** Asks for an exception in the proved user's name; the daemon checks it and pushes the status that shows it pending. */
  async requestException({ tool, finding, ...rest }: ExceptionAsk): Promise<ExceptionRequest> {
    // The finding names its tool and lets the agent check it is this user's own; the tool alone is for the rest.
    return this.client.request('request-exception', finding !== undefined ? { finding, ...rest } : { tool, ...rest });
  }

  async scan(): Promise<void> {
    this.update({ status: await this.client.request('scan') });
  }

  async history(): Promise<HistoryEntry[]> {
    return this.client.request('history');
  }

  /** The agent's own account of what it reads, runs and sends. */
  async explain(locale: UiLocale = this.current.locale): Promise<Explanation> {
    return this.client.request('explain', { lang: locale });
  }

  private update(change: Partial<TrayView>): void {
    const next = { ...this.current, ...change };
    const same = (Object.keys(next) as (keyof TrayView)[]).every((k) => next[k] === this.current[k]);
    if (same) return;
    this.current = next;
    this.emit('view', next);
  }
}
