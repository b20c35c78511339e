// Hands each new status to everyone who shows it: status.json, subscribed clients, and the next IPC `status`.
import { writeStatusFile } from '../adapters/statusFile.js';
import { CordonError } from '../common/errors.js';
import type { ActorState, ProcessSourceState, Status } from '../common/model.js';
import type { Peer } from './ipcServer.js';

export class StatusPublisher {
  private status: Status | null = null;
  private statusJson = '';
  private readonly subscribers = new Set<Peer>();

  constructor(
    private readonly stateDir: string,
    /** The daemon's actors and whether each runs, shown in status.agent.actors. */
    private readonly actors: () => ActorState[],
    private readonly onError: (message: string) => void,
    /** Which process source is live, shown in status.agent.processSource. */
    private readonly processSource?: () => ProcessSourceState,
  ) {}

  current(): Status {
    if (!this.status) throw new CordonError('internal', 'the agent is still starting');
    return this.status;
  }

  /** Writes and pushes only when something other than the evaluation time changed. */
  publish(status: Status): void {
    const shown: Status = {
      ...status,
      agent: { ...status.agent, version: status.agent?.version ?? '', actors: this.actors(), ...(this.processSource ? { processSource: this.processSource() } : {}) },
    };
    const { evaluatedAt: _at, ...rest } = shown;
    const json = JSON.stringify(rest);
    this.status = shown;
    if (json === this.statusJson) return;
    this.statusJson = json;
    try {
      writeStatusFile(this.stateDir, shown);
    } catch (err) {
      this.onError((err as Error).message);
    }
    for (const peer of this.subscribers) peer.push({ event: 'status', result: shown });
  }

  /** Publishes the last status again (the actors started or stopped since). */
  republish(): void {
    if (this.status) this.publish(this.status);
  }

  subscribe(peer: Peer): { subscribed: true } {
    if (!this.subscribers.has(peer)) {
      this.subscribers.add(peer);
      peer.onClose(() => this.subscribers.delete(peer));
    }
    const status = this.status;
    if (status) setImmediate(() => peer.push({ event: 'status', result: status }));
    return { subscribed: true };
  }

  unsubscribe(peer: Peer): { subscribed: false } {
    this.subscribers.delete(peer);
    return { subscribed: false };
  }
}
