// Hands each new status to everyone who shows it: status.json, subscribed clients, and the next IPC `status`.
import { writeStatusFile } from '../adapters/statusFile.js';
import { CordonError } from '../common/errors.js';
import type { ActorState, AgentFacts, Platform, ProcessSourceState, Status } from '../common/model.js';
import { requestsVisibleTo } from '../core/exceptions/requests.js';
import { sameUser, userKey } from '../core/nameCase.js';
import type { NotificationEvent, StatusEvent } from '../common/ipc.js';
import type { Peer } from './ipcServer.js';

/** Also told of every pass and every new status: the fleet state (cordon.db), whose liveness facts the shown status carries. */
export interface StatusSink {
  passed(status: Status): void;
  changed(status: Status): void;
  /** Heartbeat and the like: they move without the status changing, so they are added when a status is shown. */
  liveness(): Partial<AgentFacts>;
}

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
    private readonly sink: StatusSink | null = null,
    /** Whose findings are whose is decided by this OS's rules for user names. */
    private readonly platform: Platform = process.platform as Platform,
  ) {}

  /** The status; for a peer, what it may see (a user their own findings and requests, an admin all). */
  current(peer?: Peer): Status {
    if (!this.status) throw new CordonError('internal', 'the agent is still starting');
    const status = this.withLiveness(this.status);
    return peer ? statusFor(status, peer, this.platform) : status;
  }

  private withLiveness(status: Status): Status {
    return this.sink ? { ...status, agent: { ...status.agent, version: status.agent?.version ?? '', ...this.sink.liveness() } } : status;
  }

  /** Writes and pushes only when something other than the evaluation time changed. */
  publish(status: Status): void {
    const shown: Status = {
      ...status,
      agent: {
        ...status.agent,
        version: status.agent?.version ?? '',
        actors: this.actors(),
        ...(this.processSource ? { processSource: this.processSource() } : {}),
      },
    };
    const { evaluatedAt: _at, ...rest } = shown;
    const json = JSON.stringify(rest);
    this.status = shown;
    this.sink?.passed(shown);
    if (json === this.statusJson) return;
    this.statusJson = json;
    this.sink?.changed(shown);
    const out = this.withLiveness(shown);
    try {
      writeStatusFile(this.stateDir, out);
    } catch (err) {
      this.onError((err as Error).message);
    }
    // One view per kind of viewer, shared by its subscribers: serialised once, held once however many wait for it.
    const views = new Map<string, StatusEvent>();
    for (const peer of this.subscribers) {
      const key = peer.admin || peer.uid === 0 ? '' : `u:${userKey(this.platform)(peer.user ?? '')}`;
      let event = views.get(key);
      if (!event) views.set(key, (event = { event: 'status', result: statusFor(out, peer, this.platform) }));
      peer.push(event);
    }
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
    if (this.status) setImmediate(() => peer.push({ event: 'status', result: this.current(peer) }));
    return { subscribed: true };
  }

  /**
   * Pushes a notification to the subscribed user connections (the tray runs on one in each session) of `user`, or of
   * every user for a finding that belongs to none; resolves how many got it. Admin connections show no notifications.
   */
  notifyUsers(user: string | undefined, note: NotificationEvent['result'], sameUser: (a: string, b: string) => boolean): number {
    const event: NotificationEvent = { event: 'notification', result: note };
    let reached = 0;
    for (const peer of this.subscribers) {
      if (peer.admin || peer.user === undefined || (user !== undefined && !sameUser(peer.user, user))) continue;
      peer.push(event);
      reached++;
    }
    return reached;
  }

  unsubscribe(peer: Peer): { subscribed: false } {
    this.subscribers.delete(peer);
    return { subscribed: false };
  }
}

/**
 * Whether a peer may see what belongs to `user` (undefined: to no one): an admin (the admin socket, root) everything,
 * a proved user their own as the OS compares names (ALICE is alice on Windows and macOS), anyone else the unowned only.
 */
export function mayView(peer: Pick<Peer, 'admin' | 'uid' | 'user'>, user: string | undefined, platform: Platform): boolean {
  return peer.admin || peer.uid === 0 || user === undefined || (peer.user !== undefined && sameUser(platform, user, peer.user));
}

/**
 * A status as one peer may see it: an admin (the admin socket, root) all of it; a user their own findings, inventory
 * and exception requests and what belongs to no one; a connection that has not proven who it is only the latter.
 * Whose is whose follows the OS's rules for names (ALICE is alice on Windows and macOS), and a user's own items carry
 * the name as the connection was told it, so a client that compares names as they are (the tray) finds its own.
 */
export function statusFor(status: Status, peer: Pick<Peer, 'admin' | 'uid' | 'user'>, platform: Platform): Status {
  if (peer.admin || peer.uid === 0) return status;
  const viewer = { admin: false, ...(peer.user !== undefined ? { user: peer.user } : {}) };
  const asTold = <T extends { user?: string }>(item: T): T => (item.user === undefined || item.user === peer.user ? item : { ...item, user: peer.user });
  // A user sees their own findings and what belongs to no one; another user's are theirs alone.
  const mine = <T extends { user?: string }>(items: readonly T[]): T[] => items.filter((i) => mayView(peer, i.user, platform)).map(asTold);
  // The compliance stays the machine's: fleet facts read over this socket, and it names no one.
  return {
    ...status,
    findings: mine(status.findings),
    inventory: mine(status.inventory),
    ...(status.exceptions ? { exceptions: requestsVisibleTo(status.exceptions, viewer, platform).map(asTold) } : {}),
  };
}
