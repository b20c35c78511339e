// The shape of every long-running part of the daemon: a name that shutdown and status show, start and stop.
export interface Actor {
  readonly name: string;
  readonly running: boolean;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

/** An actor whose start and stop return at once (callers need not await them). */
export interface TimerActor extends Actor {
  start(): void;
  stop(): void;
}

/** An actor that runs `tick` every `ms`; a tick still running when the next is due is not started twice. */
export function periodicActor(name: string, ms: number, tick: () => Promise<unknown>): TimerActor {
  let timer: NodeJS.Timeout | null = null;
  let busy = false;
  return {
    name,
    get running() {
      return timer !== null;
    },
    start() {
      timer = setInterval(() => {
        if (busy) return;
        busy = true;
        void tick().finally(() => (busy = false));
      }, ms);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
