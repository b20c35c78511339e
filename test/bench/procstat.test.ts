import { describe, expect, it } from 'vitest';
import { parseAuditChunk } from '../../bench/audit.js';
import { parseStatTicks, parseStatusMemory, readCpuTicks, readMemory } from '../../bench/procstat.js';

describe('reading an agent from /proc', () => {
  it('counts stat fields from the last parenthesis, so a command name with spaces cannot shift them', () => {
    const stat = '1234 (node (a) b) S 1 1234 1234 0 -1 4194560 500 0 0 0 17 5 40 2 20 0 11 0 100 0 0';
    expect(parseStatTicks(stat)).toEqual({ self: 22, children: 42 });
  });

  it('reads resident and peak memory from status', () => {
    const status = 'Name:\tnode\nVmPeak:\t  900000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   40960 kB\nRssAnon:\t   20480 kB\nRssFile:\t   20480 kB\n';
    expect(parseStatusMemory(status)).toEqual({ rssKb: 40960, anonKb: 20480, hwmKb: 51200 });
    expect(() => parseStatusMemory('Name:\tkthreadd\n')).toThrow(/VmRSS/);
  });

  it('reads this very process', () => {
    const mem = readMemory(process.pid);
    expect(mem.hwmKb).toBeGreaterThanOrEqual(mem.rssKb);
    expect(readCpuTicks(process.pid).self).toBeGreaterThanOrEqual(0);
  });

  it('keeps a half-written audit line for the next read', () => {
    const first = parseAuditChunk('{"time":"2026-01-01T00:00:00.000Z","event":"detected","pid":7}\n{"time":"2026-01-01T00:00:0');
    expect(first.events).toEqual([{ time: '2026-01-01T00:00:00.000Z', event: 'detected', pid: 7 }]);
    const second = parseAuditChunk(`${first.rest}1.000Z","event":"kill"}\n`);
    expect(second.events.map((e) => e.event)).toEqual(['kill']);
    expect(second.rest).toBe('');
  });
});
