import { describe, expect, it } from 'vitest';
import { hotFunctions, type CpuProfile } from '../../bench/profile.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

// Samples every 1000 µs: idle, readStat, readStat, readStat, idle, list.
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(idle)') },
    { id: 2, callFrame: frame('readStat', 'file:///app/dist/agent/adapters/processes/procReader.js', 70) },
    { id: 3, callFrame: frame('list', 'file:///app/dist/agent/adapters/processes/procReader.js', 30) },
  ],
  startTime: 10_000,
  samples: [1, 2, 2, 2, 1, 3],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
};

describe('folding a CPU profile into hot functions', () => {
  it('ranks functions by self time, with shares of the whole window and paths relative to the package', () => {
    expect(hotFunctions(profile, { root: '/app' })).toEqual([
      { where: 'readStat (dist/agent/adapters/processes/procReader.js:71)', selfMs: 3, pct: 50 },
      { where: '(idle)', selfMs: 2, pct: 33.3 },
      { where: 'list (dist/agent/adapters/processes/procReader.js:31)', selfMs: 1, pct: 16.7 },
    ]);
  });

  it('counts only samples inside the window', () => {
    expect(hotFunctions(profile, { fromUs: 14_500, top: 1 })).toEqual([{ where: '(idle)', selfMs: 1, pct: 50 }]);
    expect(hotFunctions(profile, { fromUs: 11_500, toUs: 13_500 })).toEqual([
      { where: 'readStat (/app/dist/agent/adapters/processes/procReader.js:71)', selfMs: 2, pct: 100 },
    ]);
  });
});
