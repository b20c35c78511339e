// Percentiles and CPU arithmetic for the benchmark, kept pure so a unit test can pin them down.

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every Linux build Node supports). */
export const USER_HZ = 100;

/**
 * Nearest-rank percentile: the smallest sample that at least p% of the samples are at or below.
 * Misses are passed as Infinity so that they count against the tail; the result is then Infinity too.
 */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1] ?? null;
}

export function median(samples: readonly number[]): number | null {
  return percentile(samples, 50);
}

export interface LatencySummary {
  n: number;
  misses: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

/** Summarizes latencies where null means the event never came; a p95 that lands on a miss is reported as null. */
export function summarizeLatencies(samples: readonly (number | null)[]): LatencySummary {
  const withMisses = samples.map((s) => (s === null ? Infinity : s));
  const finite = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : round(v, 1));
  const hits = samples.filter((s): s is number => s !== null);
  return {
    n: samples.length,
    misses: samples.length - hits.length,
    p50Ms: finite(percentile(withMisses, 50)),
    p95Ms: finite(percentile(withMisses, 95)),
    maxMs: finite(hits.length > 0 ? Math.max(...hits) : null),
  };
}

/** CPU ticks spent over a wall-clock window, as percent of one core. */
export function cpuPercentOfCore(ticks: number, windowMs: number): number {
  if (windowMs <= 0) throw new RangeError('window must be positive');
  return ((ticks / USER_HZ) * 1000 * 100) / windowMs;
}

/** CPU seconds per wall-clock minute: the unit (1% of a core = 0.6 s/min). */
export function cpuSecondsPerMinute(ticks: number, windowMs: number): number {
  return (ticks / USER_HZ) * (60_000 / windowMs);
}

export interface Ratio {
  value: number;
  /** True when Cordon used less than one tick: the ratio is then computed against one tick and is a lower bound. */
  lowerBound: boolean;
}

/** baseline CPU / Cordon CPU over the same window. */
export function cpuRatio(baselineTicks: number, cordonTicks: number): Ratio {
  if (cordonTicks <= 0) return { value: baselineTicks, lowerBound: true };
  return { value: baselineTicks / cordonTicks, lowerBound: false };
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
