// Names compare as each OS does: on macOS's default APFS and on NTFS a path spelled in other case is the same file, so
// it is matched, watched and protected like the canonical spelling; Windows account names ignore case too; Linux neither.
import { describe, expect, it } from 'vitest';
import { loadBuiltInCatalog } from '../../agent/adapters/catalogFiles.js';
import type { Observation, TargetedFinding } from '../../agent/common/model.js';
import { segmentMatcher } from '../../agent/core/detect/locations.js';
import { matchProcesses } from '../../agent/core/detect/matchProcesses.js';
import { planEnforcement } from '../../agent/core/enforce/plan.js';
import { pathWithin, sameUser } from '../../agent/core/nameCase.js';
import { exemptionFor } from '../../agent/core/policy/evaluate.js';
import { protectedPathReason } from '../../agent/core/protectedTargets.js';
import { policy, rule, T0, T1, T2, warn } from './policyValues.js';

const catalog = loadBuiltInCatalog();

describe('paths on case-insensitive disks', () => {
  it('finds the desktop app at a lower-case /applications path on macOS, but not on Linux', () => {
    const proc = { pid: 4100, comm: 'Claude', argv: ['/applications/claude.app/contents/macos/Claude'], exe: '/applications/claude.app/contents/macos/Claude' };
    expect(matchProcesses([proc], catalog, 'darwin').map((o) => o.tool)).toEqual(['claude-desktop']);
    expect(matchProcesses([proc], catalog, 'linux').map((o) => o.tool)).toEqual([]);
  });

  it('keeps program names exact on macOS: Claude (the desktop app) is not claude (Claude Code)', () => {
    const app = { pid: 4101, comm: 'Claude', argv: ['/opt/x/Claude'], exe: '/opt/x/Claude' };
    expect(matchProcesses([app], catalog, 'darwin').map((o) => o.tool)).not.toContain('claude-code');
    expect(matchProcesses([{ ...app, comm: 'claude', argv: ['/opt/x/claude'], exe: '/opt/x/claude' }], catalog, 'darwin').map((o) => o.tool)).toContain(
      'claude-code',
    );
  });

  it('matches a wildcard segment whatever the case on macOS and Windows, exactly on Linux', () => {
    expect(segmentMatcher('Claude*.app', 'darwin')('claude 2.APP')).toBe(true);
    expect(segmentMatcher('Claude_*', 'win32')('CLAUDE_1.0.3_x64__pzs8sxrjxfjjc')).toBe(true);
    expect(segmentMatcher('Claude*.app', 'linux')('claude.app')).toBe(false);
  });

  it('refuses to move anything from a user’s keychains spelled in other case on macOS', () => {
    const home = '/Users/alice';
    expect(protectedPathReason('/users/ALICE/library/keychains/claude', [home], '/', [], 'darwin')).toBe(
      '/users/ALICE/library/keychains/claude lies in /Users/alice/Library/Keychains, which Cordon never touches',
    );
    expect(protectedPathReason('/users/ALICE/library/keychains/claude', [home], '/', [], 'linux')).toBeNull();
    expect(protectedPathReason('c:\\users\\BOB', ['C:\\Users\\bob'], 'C:\\', [], 'win32')).toBe('c:\\users\\BOB is a folder Cordon never takes whole');
    expect(protectedPathReason('c:\\users\\BOB', ['C:\\Users\\bob'], 'C:\\', [], 'linux')).toBeNull();
  });

  it('plans no quarantine from the agent’s own folder spelled in other case', () => {
    const f = {
      id: 'f1',
      tool: 'claude-code',
      kind: 'install',
      path: 'c:\\programdata\\cordon\\STATE\\claude.exe',
      policy: 'p',
      rule: 'r',
      actions: ['quarantine'],
      state: 'open',
      target: { kind: 'install', path: 'c:\\programdata\\cordon\\STATE\\claude.exe', scanRoot: 'C:\\' },
    } as unknown as TargetedFinding;
    const guard = { protectedTrees: ['C:\\ProgramData\\Cordon\\state'], platform: 'win32' as const };
    expect(planEnforcement([f], guard).map((s) => s.action)).toEqual(['manual']);
    expect(planEnforcement([f], { ...guard, platform: 'linux' }).map((s) => s.action)).toEqual(['quarantine']);
  });

  it('tells inside from beside', () => {
    expect(pathWithin('darwin', '/Applications/Claude.app/Contents', '/applications/claude.app')).toBe(true);
    expect(pathWithin('darwin', '/Applications/Claude.apple', '/applications/claude.app')).toBe(false);
    expect(pathWithin('win32', 'C:\\Users\\Bob\\x', 'c:/users/bob')).toBe(true);
  });
});

describe('user names', () => {
  const install: Observation = { tool: 'claude-code', kind: 'install', path: 'C:\\Users\\alice\\.local\\bin\\claude.exe', user: 'Alice', signal: 's' };
  const r = rule('r', [[T0, warn]]);
  const exemptions = policy('p', [r], { exemptions: [{ users: ['alice'], until: T2, reason: 'pilot' }] }).policy.exemptions ?? [];
  const ctx = { now: new Date(T1), host: 'laptop-17', groupsOf: () => [] };

  it('exempts Alice by an exemption for alice on Windows and macOS (Directory Services looks names up without case), not on Linux', () => {
    expect(exemptionFor(exemptions, r, install, { ...ctx, platform: 'win32' }, Date.parse(T1))).not.toBeNull();
    expect(exemptionFor(exemptions, r, install, { ...ctx, platform: 'darwin' }, Date.parse(T1))).not.toBeNull();
    expect(exemptionFor(exemptions, r, install, { ...ctx, platform: 'linux' }, Date.parse(T1))).toBeNull();
  });

  it('matches a group exemption for Administrators to the group listed as administrators on Windows and macOS, not on Linux', () => {
    const byGroup = policy('g', [r], { exemptions: [{ groups: ['Administrators'], until: T2, reason: 'admins' }] }).policy.exemptions ?? [];
    const grouped = { ...ctx, groupsOf: (u: string) => (u === 'Alice' ? ['administrators'] : []) };
    expect(exemptionFor(byGroup, r, install, { ...grouped, platform: 'win32' }, Date.parse(T1))).not.toBeNull();
    expect(exemptionFor(byGroup, r, install, { ...grouped, platform: 'darwin' }, Date.parse(T1))).not.toBeNull();
    expect(exemptionFor(byGroup, r, install, { ...grouped, platform: 'linux' }, Date.parse(T1))).toBeNull();
  });

  it('takes composed and decomposed spellings of one name for the same user everywhere', () => {
    expect(sameUser('linux', 'zoe\u0308', 'zoë')).toBe(true);
    expect(sameUser('win32', 'ZOË', 'zoë')).toBe(true);
  });
});
