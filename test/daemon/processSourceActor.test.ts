// The process source actor asks the OS for exit events only while a matched process runs, and lists once when it widens.
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessSourceActor, type ProcessSourceDeps } from '../../agent/daemon/actors/processSource.js';
import type { ProcessInfo } from '../../agent/common/model.js';
import type { ProcessEventHandlers, ProcessEventSource } from '../../agent/ports/index.js';

/** An event source driven by the test: it records what the actor asked of it. */
function scriptedSource(): ProcessEventSource & { handlers: ProcessEventHandlers | null; asked: boolean[] } {
  const src = {
    name: 'scripted',
    handlers: null as ProcessEventHandlers | null,
    asked: [] as boolean[],
    start(h: ProcessEventHandlers) {
      src.handlers = h;
      return Promise.resolve({ live: true as const });
    },
    stop() {
      src.handlers = null;
    },
    followExits(on: boolean) {
      src.asked.push(on);
    },
  };
  return src;
}

const claude: ProcessInfo = { pid: 4242, ppid: 1, comm: 'claude', argv: ['claude'], startTime: '99' };
const bash: ProcessInfo = { pid: 4243, ppid: 1, comm: 'bash', argv: ['bash'], startTime: '100' };

function actorWith(src: ProcessEventSource) {
  const running = new Set<number>();
  const polls: boolean[] = [];
  const deps: ProcessSourceDeps = {
    events: src,
    pollIntervalMs: 200,
    wants: () => true,
    poll: (recheck) => {
      polls.push(recheck);
      return Promise.resolve();
    },
    exec: (p) => {
      if (p.comm !== 'claude') return false;
      running.add(p.pid);
      return true;
    },
    exit: (pid) => running.delete(pid),
    audit: () => undefined,
    changed: () => undefined,
    tracking: () => running.size > 0,
  };
  return { actor: new ProcessSourceActor(deps), polls };
}

const actors: ProcessSourceActor[] = [];
afterEach(() => {
  for (const a of actors.splice(0)) a.stop();
});

describe('exit events follow the matched processes', () => {
  it('asks for exits when a claude starts, lists once to catch one that already ended, and stops asking when it exits', async () => {
    const src = scriptedSource();
    const { actor, polls } = actorWith(src);
    actors.push(actor);
    await actor.start();
    await new Promise((r) => setImmediate(r));
    expect(src.asked).toEqual([]);
    polls.length = 0;

    src.handlers!.exec(bash);
    expect(src.asked).toEqual([]);
    src.handlers!.exec(claude);
    expect(src.asked).toEqual([true]);
    expect(polls).toEqual([false]);

    src.handlers!.exit(bash.pid);
    expect(src.asked).toEqual([true]);
    src.handlers!.exit(claude.pid);
    expect(src.asked).toEqual([true, false]);
  });
});
