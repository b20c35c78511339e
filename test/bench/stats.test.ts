import { describe, expect, it } from 'vitest';
import { cpuPercentOfCore, cpuRatio, cpuSecondsPerMinute, percentile, summarizeLatencies } from '../../bench/stats.js';

describe('bench percentiles', () => {
  it('takes the nearest rank, whatever the order of the samples', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 95)).toBe(10);
    expect(percentile(samples, 90)).toBe(9);
    expect(percentile([42], 95)).toBe(42);
  });

  it('lands p95 on the 95th of 100 samples, not the largest', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(samples, 95)).toBe(95);
    expect(percentile(samples, 50)).toBe(50);
  });

  it('has no percentile of nothing and rejects a percent out of range', () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('counts a missed event against the tail instead of dropping it', () => {
    const fast = Array.from({ length: 19 }, () => 10);
    expect(summarizeLatencies([...fast, null])).toEqual({ n: 20, misses: 1, p50Ms: 10, p95Ms: 10, maxMs: 10 });
    expect(summarizeLatencies([...fast.slice(0, 18), null, null])).toMatchObject({ misses: 2, p50Ms: 10, p95Ms: null });
  });
});

describe('bench CPU arithmetic', () => {
  it('turns clock ticks over a window into percent of a core and seconds per minute', () => {
    expect(cpuPercentOfCore(30, 60_000)).toBeCloseTo(0.5);
    expect(cpuSecondsPerMinute(30, 60_000)).toBeCloseTo(0.3);
    expect(cpuSecondsPerMinute(30, 30_000)).toBeCloseTo(0.6);
  });

  it('divides the baseline by Cordon and marks a ratio against zero ticks as a lower bound', () => {
    expect(cpuRatio(300, 20)).toEqual({ value: 15, lowerBound: false });
    expect(cpuRatio(300, 0)).toEqual({ value: 300, lowerBound: true });
  });
});
