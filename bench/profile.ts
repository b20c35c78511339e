// Where the daemon's CPU goes: a V8 CPU profile (`node --cpu-prof`) of one window, folded into top functions by self time.
import fs from 'node:fs';
import path from 'node:path';

/** The parts of a .cpuprofile file this reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  /** `name (file:line)`, file relative to the package when it is inside it. */
  where: string;
  selfMs: number;
  /** Share of the sampled time in the window, idle samples included. */
  pct: number;
}

/**
 * Self time per function over samples taken from `fromUs` to `toUs` (V8 monotonic microseconds, the clock of
 * process.hrtime on Linux), heaviest first. `(idle)` and `(program)` stay in, so the shares add up to the window.
 */
export function hotFunctions(profile: CpuProfile, opts: { fromUs?: number; toUs?: number; top?: number; root?: string } = {}): HotFunction[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const selfUs = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (opts.fromUs !== undefined && t < opts.fromUs) return;
    if (opts.toUs !== undefined && t > opts.toUs) return;
    const frame = byId.get(id);
    if (!frame) return;
    const file = frame.url.replace(/^file:\/\//, '');
    const shown = opts.root && file.startsWith(opts.root) ? path.relative(opts.root, file) : file;
    const key = shown ? `${frame.functionName || '(anonymous)'} (${shown}:${frame.lineNumber + 1})` : frame.functionName;
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
    total += delta;
  });
  return [...selfUs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, opts.top ?? 12)
    .map(([where, us]) => ({ where, selfMs: Math.round(us / 100) / 10, pct: total > 0 ? Math.round((us / total) * 1000) / 10 : 0 }));
}

/** The newest .cpuprofile a `node --cpu-prof --cpu-prof-dir=DIR` run left in DIR. */
export function readNewestProfile(dir: string): CpuProfile | null {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const newest = files.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  return newest ? (JSON.parse(fs.readFileSync(newest, 'utf8')) as CpuProfile) : null;
}
