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

/** Samples every agent's CPU at the start and end of one common window. */
export async function measureCpu(agents: RunningAgent[], windowMs: number): Promise<Map<RunningAgent, CpuWindow>> {
  const before = new Map<RunningAgent, CpuTicks>(agents.map((a) => [a, a.cpu()]));
  const t0 = hrMs();
  await sleepMs(windowMs);
  const elapsed = hrMs() - t0;
  const out = new Map<RunningAgent, CpuWindow>();
  for (const a of agents) {
    const b = before.get(a);
    if (!b) continue;
    const after = a.cpu();
    const mem = a.memory();
    out.set(a, {
      rssKb: mem.rssKb,
      anonKb: mem.anonKb,
      hwmKb: mem.hwmKb,
      windowMs: elapsed,
      ticks: totalTicks(after) - totalTicks(b),
      selfTicks: after.self - b.self,
      childTicks: after.children - b.children,
    });
  }
  return out;
}
