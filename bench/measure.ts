// The side-by-side measurements: kill and install latency per agent, and CPU/RSS of agents over a common window.
import { eventTimeMs, type AuditEvent } from './audit.js';
import type { FakeMachine, RunningAgent } from './agents.js';
import { totalTicks, type CpuTicks } from './procstat.js';
import { createInstall, hrMs, removeInstall, sleepMs, spawnFakeClaude } from './workload.js';

/** How long an event may take before it counts as a miss. */
const MISS_AFTER_MS = 5000;

/** Audit events that show the agent has found something; Cordon writes `detected` after acting, so the first of them counts. */
const FINDING_EVENTS = new Set(['detected', 'notify', 'kill', 'quarantine']);

/** Time of the earliest matching audit event once one has appeared (lines may land just after the effect is visible). */
async function firstTrace(agent: RunningAgent, match: (e: AuditEvent) => boolean, waitMs: number, from = 0): Promise<number | null> {
  const first = await agent.audit.waitFor(match, waitMs, from);
  if (!first) return null;
  await sleepMs(20);
  agent.audit.poll();
  return Math.min(...agent.audit.events.slice(from).filter(match).map(eventTimeMs));
}

export interface KillSamples {
  /** Spawn → the agent's first audit event about that pid (null: never reported). */
  detectMs: (number | null)[];
  /** Spawn → the child's exit (null: still alive after MISS_AFTER_MS; the bench then kills it). */
  killMs: (number | null)[];
}

/** Spawns a fake claude `trials` times, each at a random offset within the period, and times detection and death. */
export async function measureKills(agent: RunningAgent, m: FakeMachine, trials: number, periodMs: number): Promise<KillSamples> {
  const out: KillSamples = { detectMs: [], killMs: [] };
  for (let i = 0; i < trials; i++) {
    await sleepMs(Math.random() * periodMs);
    const fc = spawnFakeClaude(m);
    const timeout = sleepMs(MISS_AFTER_MS).then(() => null);
    const exitedAt = await Promise.race([fc.exited, timeout]);
    if (exitedAt === null) {
      fc.child.kill('SIGKILL');
      await fc.exited;
      out.killMs.push(null);
    } else {
      out.killMs.push(exitedAt - fc.startedHrMs);
    }
    const found = await firstTrace(agent, (e) => e.pid === fc.pid && FINDING_EVENTS.has(e.event), exitedAt === null ? 0 : 1000);
    out.detectMs.push(found === null ? null : Math.max(0, found - fc.startedWallMs));
  }
  return out;
}

export interface InstallSamples {
  /** Creation → the agent's first audit event about an install (detected, notify or quarantine). */
  detectMs: (number | null)[];
  /** Creation → `quarantine` audit event with outcome ok (Cordon only; the baseline never removes anything). */
  quarantineMs: (number | null)[];
}

const isInstallFinding = (e: AuditEvent): boolean => FINDING_EVENTS.has(e.event) && e.kind === 'install';
const isQuarantined = (e: AuditEvent): boolean => e.event === 'quarantine' && e.outcome === 'ok';

/** Creates a native-installer layout `trials` times at random offsets and times its detection (and quarantine). */
export async function measureInstalls(
  agent: RunningAgent,
  m: FakeMachine,
  trials: number,
  periodMs: number,
  expectQuarantine: boolean,
): Promise<InstallSamples> {
  const out: InstallSamples = { detectMs: [], quarantineMs: [] };
  for (let i = 0; i < trials; i++) {
    await sleepMs(Math.random() * periodMs);
    agent.audit.poll();
    const from = agent.audit.events.length;
    const t0 = Date.now();
    createInstall(m, `2.1.${i}`);
    const found = await firstTrace(agent, isInstallFinding, MISS_AFTER_MS, from);
    out.detectMs.push(found === null ? null : Math.max(0, found - t0));
    if (expectQuarantine) {
      const q = await agent.audit.waitFor(isQuarantined, found === null ? 0 : MISS_AFTER_MS, from);
      out.quarantineMs.push(q ? Math.max(0, eventTimeMs(q) - t0) : null);
    }
    removeInstall(m);
    // Let the agent see the removal (the baseline re-arms on absence) before the next trial starts.
    await sleepMs(2 * periodMs + 200);
  }
  return out;
}

export interface CpuWindow {
  windowMs: number;
  /** Ticks (1/100 s) of user+sys time, the agent's own plus its waited-for children. */
  ticks: number;
  selfTicks: number;
  childTicks: number;
  /** Resident memory at the end of the window, and the peak so far. */
  rssKb: number;
  anonKb: number;
  hwmKb: number;
}

/** Slices a CPU window is cut into when some agents are paused for others (see measureCpu). */
const CPU_SLICES = 4;
/** After a pause or a resume: the last `ps` a paused agent started has ended and its exec events are read. */
const SLICE_SETTLE_MS = 300;

/**
 * Every agent's CPU over `windowMs` of measured time. An agent that starts programs of its own (the baseline's
 * ps-list runs `ps` twice a poll, ten programs a second) is load on every agent that reads exec events, and that
 * load is not the scenario being measured. So the window alternates: slices in which those agents are paused
 * (SIGSTOP) while the others are measured, and slices in which they run and are measured themselves. Both halves
 * are spread over the same minutes of the same machine, and each agent is measured for `windowMs` in all.
 */
export async function measureCpu(agents: RunningAgent[], windowMs: number): Promise<Map<RunningAgent, CpuWindow>> {
  const starters = agents.filter((a) => a.startsPrograms);
  const watchers = agents.filter((a) => !a.startsPrograms);
  const totals = new Map<RunningAgent, { ticks: number; selfTicks: number; childTicks: number; windowMs: number }>(
    agents.map((a) => [a, { ticks: 0, selfTicks: 0, childTicks: 0, windowMs: 0 }]),
  );
  const measure = async (measured: RunningAgent[], ms: number): Promise<void> => {
    const before = new Map<RunningAgent, CpuTicks>(measured.map((a) => [a, a.cpu()]));
    const t0 = hrMs();
    await sleepMs(ms);
    const elapsed = hrMs() - t0;
    for (const [a, b] of before) {
      const after = a.cpu();
      const t = totals.get(a);
      if (!t) continue;
      t.ticks += totalTicks(after) - totalTicks(b);
      t.selfTicks += after.self - b.self;
      t.childTicks += after.children - b.children;
      t.windowMs += elapsed;
    }
  };
  if (starters.length === 0 || watchers.length === 0) await measure(agents, windowMs);
  else
    for (let i = 0; i < CPU_SLICES; i++) {
      starters.forEach((a) => a.pause());
      try {
        await sleepMs(SLICE_SETTLE_MS);
        await measure(watchers, windowMs / CPU_SLICES);
      } finally {
        starters.forEach((a) => a.resume());
      }
      await sleepMs(SLICE_SETTLE_MS);
      await measure(starters, windowMs / CPU_SLICES);
    }
  const out = new Map<RunningAgent, CpuWindow>();
  for (const [a, t] of totals) {
    const mem = a.memory();
    out.set(a, { ...t, rssKb: mem.rssKb, anonKb: mem.anonKb, hwmKb: mem.hwmKb });
  }
  return out;
}
