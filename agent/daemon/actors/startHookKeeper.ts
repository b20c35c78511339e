// The start hook keeper: re-checks each tool's start hook files every minute (a phase that comes within reach, a file
// someone removed, a user who was added); policy changes re-check them at once.
import type { AgentState } from '../agentState.js';
import { periodicActor, type Actor } from './actor.js';

const KEEP_MS = 60_000;

export function startHookKeeper(state: AgentState): Actor {
  return periodicActor('start-hook-keeper', KEEP_MS, () => state.serial(() => state.syncStartHooks()));
}
