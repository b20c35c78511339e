// Quarantine work in a queue of its own: moving and hashing an install takes as long as the install is big, and a
// kill must never wait behind it. Nothing runs until the lane is opened, and what opens it runs first (the recovery
// of interrupted quarantines, once the sockets and process sources are up).
export class QuarantineLane {
  private chain: Promise<unknown>;
  private release: () => void = () => undefined;
  private opened = false;
  /** The job under way or waiting for each key (a finding: every part of one install): the same removal is queued once. */
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor() {
    this.chain = new Promise<void>((resolve) => (this.release = resolve));
  }

  /** Runs `first`, then lets the queued work start (also when `first` fails). */
  async open(first: () => Promise<void>): Promise<void> {
    if (this.opened) return;
    this.opened = true;
    try {
      await first();
    } finally {
      this.release();
    }
  }

  /** Runs `fn` after everything queued before it; while the same key waits or runs, its job is returned instead. */
  run<T>(key: string | null, fn: () => Promise<T>): Promise<T> {
    const known = key === null ? undefined : this.pending.get(key);
    if (known) return known as Promise<T>;
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    if (key !== null) {
      this.pending.set(key, next);
      void next.then(
        () => this.pending.delete(key),
        () => this.pending.delete(key),
      );
    }
    return next;
  }

  /** Resolves when everything queued so far has finished (at once if the lane was never opened). */
  async drained(): Promise<void> {
    if (this.opened) await this.chain;
  }
}
