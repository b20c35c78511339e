// One process identity, on captured outputs: /proc stat lines (comm with spaces and parentheses) and ps-list records.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcStat, psListStartMarker } from '../../agent/adapters/processes/identity.js';
import { repoRoot } from '../support/paths.js';

const fixtures = path.join(repoRoot, 'test/fixtures/process-identity');
const statLines = fs.readFileSync(path.join(fixtures, 'proc-stat.txt'), 'utf8').trim().split('\n');
const psRecords = (JSON.parse(fs.readFileSync(path.join(fixtures, 'ps-list.json'), 'utf8')) as { pid: number; startTime: string }[]).map((r) => ({
  ...r,
  startTime: new Date(r.startTime),
}));

describe('parseProcStat on captured /proc/<pid>/stat lines', () => {
  it.each([
    [0, { comm: 'process_api', state: 'S', ppid: 0, startTime: '24' }],
    [1, { comm: 'claude', state: 'S', ppid: 4422, startTime: '492972' }],
    [2, { comm: 'a) b', state: 'S', ppid: 4422, startTime: '492972' }],
    [3, { comm: '(sd-pam)', state: 'S', ppid: 4495, startTime: '493295' }],
  ])('line %i', (i, expected) => {
    expect(parseProcStat(statLines[i] as string)).toEqual(expected);
  });

  it('reads a zombie as state Z', () => {
    expect(parseProcStat((statLines[1] as string).replace(') S ', ') Z '))?.state).toBe('Z');
  });

  it('refuses a truncated or garbled line instead of guessing a start marker', () => {
    expect(parseProcStat('4430 (claude) S 4422')).toBeNull();
    expect(parseProcStat('no parentheses here')).toBeNull();
    expect(parseProcStat('')).toBeNull();
  });
});

describe('psListStartMarker on captured ps-list records', () => {
  it('is epoch milliseconds of ps lstart, whole seconds', () => {
    expect(psRecords.map((r) => [r.pid, psListStartMarker(r.startTime)])).toEqual([
      [1, String(Date.UTC(2026, 11, 1, 1, 46, 44))],
      [4429, String(Date.UTC(2026, 11, 1, 3, 8, 53))],
      [4430, String(Date.UTC(2026, 11, 1, 3, 8, 53))],
    ]);
  });

  it('is absent when ps-list has no start time (Windows) or an unparsable one', () => {
    expect(psListStartMarker(undefined)).toBeUndefined();
    expect(psListStartMarker(new Date('not a date'))).toBeUndefined();
  });
});
