// The clock tick: homes listed again, settings files rescanned and the time re-checked, so a phase that starts takes
// effect without an event and a user who signed in for the first time is covered without a restart.
import type { AgentState } from '../agentState.js';
import { periodicActor, type Actor } from './actor.js';

const SLOW_TICK_MS = 30_000;

export function clockTick(state: AgentState): Actor {
  return periodicActor('clock-tick', SLOW_TICK_MS, () =>
    state.serial(async () => {
      state.relistHomes();
      state.collector.scanFiles();
      await state.pass();
    }),
  );
}
