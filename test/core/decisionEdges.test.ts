// Edges of the decision core that a wrong comparison would slip past: guards in the plan, upcoming rules, deadline actions, compliance with a suspect clock.
import { describe, expect, it } from 'vitest';
import type { Action, Finding, Observation, Target, TargetedFinding } from '../../agent/common/model.js';
import { planEnforcement } from '../../agent/core/enforce/plan.js';
import { evaluate, exemptionFor, upcomingRules, type EvaluationContext } from '../../agent/core/policy/evaluate.js';
import { COMBINATION_RULES } from '../../agent/core/policy/precedence.js';
import { complianceOf, noticeFor } from '../../agent/core/status/compliance.js';
import { policy, remove, rule, T0, T1, T2, warn } from './policyValues.js';

const ctx = (iso: string, over: Partial<EvaluationContext> = {}): EvaluationContext => ({ now: new Date(iso), host: 'laptop-17', groupsOf: () => [], ...over });
const install: Observation = {
  tool: 'claude-code',
  kind: 'install',
  path: '/home/bob/.local/bin/claude',
  user: 'bob',
  signal: 's',
  role: 'program',
  scanRoot: '/home/bob',
};

function finding(id: string, target: Target, over: Partial<TargetedFinding> = {}): TargetedFinding {
  const kind = target.kind === 'process' ? 'process' : target.kind === 'settings' ? 'config' : 'install';
  return { id, tool: 'claude-code', policy: 'p', rule: 'r', kind, actions: [...remove], state: 'open', detail: id, target, ...over };
}
const steps = (fs: TargetedFinding[], guard = {}) =>
  planEnforcement(fs, guard).map((s) => (s.action === 'manual' ? `manual:${s.finding.id}:${s.reason}` : `${s.action}:${s.finding.id}`));

describe('the plan never acts on what is protected', () => {
  it("refuses to kill pid 1 or the agent's own processes, and kills any other", () => {
    expect(steps([finding('init', { kind: 'process', pid: 1 }, { actions: ['kill'] })])).toEqual([
      "manual:init:not killed: process 1 is the system's or the agent's own",
    ]);
    expect(steps([finding('self', { kind: 'process', pid: 42 }, { actions: ['kill'] })], { protectedPids: [42] })).toEqual([
      "manual:self:not killed: process 42 is the system's or the agent's own",
    ]);
    expect(steps([finding('other', { kind: 'process', pid: 2 }, { actions: ['kill'] })], { protectedPids: [42] })).toEqual(['kill:other']);
  });

  it('refuses to kill a system program, a shell or an interpreter by its name', () => {
    expect(steps([finding('sshd', { kind: 'process', pid: 300 }, { actions: ['kill'], path: '/usr/sbin/sshd' })])).toEqual([
      'manual:sshd:not killed: sshd is a system program, a shell or an interpreter',
    ]);
    expect(steps([finding('claude', { kind: 'process', pid: 301 }, { actions: ['kill'], path: '/usr/local/bin/claude' })])).toEqual(['kill:claude']);
  });

  it("refuses to quarantine inside the agent's own folders", () => {
    const t: Target = { kind: 'install', path: '/var/lib/cordon/claude', scanRoot: '/var/lib/cordon', role: 'program' };
    const [step] = planEnforcement([finding('own', t, { actions: ['quarantine'] })], { protectedTrees: ['/var/lib/cordon'] });
    expect(step).toMatchObject({ action: 'manual', reason: expect.stringMatching(/^not moved: \/var\/lib\/cordon\/claude lies in /) });
  });

  it('takes no step for a report-only finding, and none for a process due only for quarantine', () => {
    expect(steps([finding('r', { kind: 'process', pid: 9 }, { actions: ['report'] })])).toEqual([]);
    expect(steps([finding('q', { kind: 'process', pid: 9 }, { actions: ['report', 'quarantine'] })])).toEqual([]);
    expect(steps([finding('k', { kind: 'install', path: '/home/a/x', scanRoot: '/home/a', role: 'program' }, { actions: ['report', 'kill'] })])).toEqual([]);
  });

  it('leaves an unplaced finding to a person, unless it is an install not due for quarantine', () => {
    expect(steps([finding('u', { kind: 'unplaced', reason: 'no folder to move' }, { kind: 'process', actions: ['kill'] })])).toEqual([
      'manual:u:no folder to move',
    ]);
    expect(steps([finding('v', { kind: 'unplaced', reason: 'no folder to move' }, { kind: 'install', actions: ['report', 'kill'] })])).toEqual([]);
    expect(steps([finding('w', { kind: 'unplaced', reason: 'no folder to move' }, { kind: 'install', actions: ['quarantine'] })])).toEqual([
      'manual:w:no folder to move',
    ]);
  });

  it('skips an install that lies inside a part of another install being quarantined, Windows paths too', () => {
    const parted: Target = {
      kind: 'install',
      path: '/home/a/.local/bin/claude',
      scanRoot: '/home/a',
      role: 'program',
      parts: [{ path: '/home/a/.local/share/claude', role: 'program' }],
    };
    const inner: Target = { kind: 'install', path: '/home/a/.local/share/claude/versions/2.1.0', scanRoot: '/home/a', role: 'program' };
    expect(steps([finding('p', parted, { actions: ['quarantine'] }), finding('i', inner, { actions: ['quarantine'] })])).toEqual(['quarantine:p']);
    const win: Target = { kind: 'install', path: 'C:\\Users\\a\\claude', scanRoot: 'C:\\Users\\a', role: 'program' };
    const winInner: Target = { kind: 'install', path: 'C:\\Users\\a\\claude\\v1', scanRoot: 'C:\\Users\\a', role: 'program' };
    expect(steps([finding('w', win, { actions: ['quarantine'] }), finding('wi', winInner, { actions: ['quarantine'] })])).toEqual(['quarantine:w']);
    const sibling: Target = { kind: 'install', path: '/home/a/.local/bin/claude-extra', scanRoot: '/home/a', role: 'program' };
    expect(steps([finding('p', parted, { actions: ['quarantine'] }), finding('s', sibling, { actions: ['quarantine'] })])).toEqual([
      'quarantine:p',
      'quarantine:s',
    ]);
    const reported: Target = { kind: 'install', path: '/home/a/.local/share/claude', scanRoot: '/home/a', role: 'program' };
    expect(steps([finding('r', reported, { actions: ['report'] }), finding('i', inner, { actions: ['quarantine'] })])).toEqual(['quarantine:i']);
  });
});

describe('upcoming rules', () => {
  const future = policy('soon', [rule('later', [[T2, warn]]), rule('sooner', [[T1, remove]], { tools: ['codex-cli'] })]);

  it('lists the rules not started yet, soonest first, saying whether their tool is on the machine', () => {
    expect(upcomingRules([install], [future], new Date(T0))).toEqual([
      { policy: 'soon', rule: 'sooner', tools: ['codex-cli'], from: T1, actions: remove, found: false },
      { policy: 'soon', rule: 'later', tools: ['claude-code'], from: T2, actions: warn, found: true },
    ]);
  });

  it('drops a rule once its first phase starts, and one that starts only when its policy has expired', () => {
    expect(upcomingRules([install], [future], new Date(T1)).map((u) => u.rule)).toEqual(['later']);
    expect(upcomingRules([install], [policy('p', [rule('r', [[T2, warn]])], { expiresAt: T2 })], new Date(T0))).toEqual([]);
    expect(upcomingRules([install], [policy('p', [rule('r', [[T1, warn]])], { expiresAt: T2 })], new Date(T0)).map((u) => u.rule)).toEqual(['r']);
    expect(upcomingRules([install], [policy('p', [rule('r', [[T2, warn]])], { expiresAt: T1 })], new Date(T1))).toEqual([]);
  });
});

describe('evaluate: what the finding carries', () => {
  it('names the actions the deadline adds, from the phase at the deadline only', () => {
    const a = policy('a', [
      rule('r', [
        [T0, warn],
        [T1, ['report', 'notify', 'kill']],
      ]),
    ]);
    const b = policy('b', [
      rule('r', [
        [T0, warn],
        [T2, ['report', 'notify', 'quarantine']],
      ]),
    ]);
    expect(evaluate([install], [a, b], ctx(T0))[0]).toMatchObject({ deadline: T1, deadlineActions: ['kill'] });
  });

  it('looks only at phases after the one in force for the deadline', () => {
    const odd = policy('p', [
      rule('r', [
        [T0, ['report', 'quarantine']],
        [T1, warn],
      ]),
    ]);
    expect(evaluate([install], [odd], ctx(T1))[0]).not.toHaveProperty('deadline');
  });

  it('carries the parts of an install of several parts, and the pid of a process', () => {
    const p = policy('p', [rule('r', [[T0, warn]])]);
    const parts = [
      { path: '/home/bob/.local/bin/claude', what: 'launcher', role: 'program' as const },
      { path: '/home/bob/.local/share/claude', what: 'versions', role: 'program' as const },
    ];
    expect(evaluate([{ ...install, parts }], [p], ctx(T1))[0]?.parts).toEqual(parts);
    expect(evaluate([{ ...install, parts: parts.slice(0, 1) }], [p], ctx(T1))[0]).not.toHaveProperty('parts');
    expect(evaluate([{ tool: 'claude-code', kind: 'process', pid: 77, signal: 's' }], [p], ctx(T1))[0]?.pid).toBe(77);
  });

  it('matches an exemption naming several hosts or groups when any one of them fits, and keeps the first of two equal ones', () => {
    const r = rule('r', [[T0, warn]]);
    const hosts = { hosts: ['build-1', 'LAPTOP-17'], until: T2, reason: 'h' };
    const groups = { groups: ['staff', 'red-team'], until: T2, reason: 'g' };
    const at = Date.parse(T1);
    expect(exemptionFor(policy('p', [r], { exemptions: [hosts] }).policy.exemptions ?? [], r, install, ctx(T1), at)).toBe(hosts);
    expect(exemptionFor(policy('p', [r], { exemptions: [groups] }).policy.exemptions ?? [], r, install, ctx(T1, { groupsOf: () => ['red-team'] }), at)).toBe(
      groups,
    );
    expect(
      exemptionFor(policy('p', [r], { exemptions: [groups] }).policy.exemptions ?? [], r, install, ctx(T1, { groupsOf: () => ['Stryker was here'] }), at),
    ).toBeNull();
    const first = { users: ['bob'], until: T2, reason: 'first' };
    const second = { users: ['bob'], until: T2, reason: 'second' };
    expect(exemptionFor(policy('p', [r], { exemptions: [first, second] }).policy.exemptions ?? [], r, install, ctx(T1), at)).toBe(first);
  });
});

describe('how rules combine, written down', () => {
  it('says for each case when it applies, what follows and why', () => {
    expect(COMBINATION_RULES.length).toBeGreaterThanOrEqual(6);
    for (const c of COMBINATION_RULES) for (const text of [c.when, c.then, c.reason]) expect(text.length).toBeGreaterThan(10);
  });
});

describe('compliance with policy errors', () => {
  const open = { id: 'f', tool: 'claude-code', policy: 'p', rule: 'r', kind: 'install', state: 'open', detail: '' } as const;
  const f = (actions: Action[], state: Finding['state'] = 'open'): Finding => ({ ...open, actions, state });

  it('reads a clean machine as a warning while its clock is suspect, and never lowers a worse verdict', () => {
    expect(complianceOf([], [])).toBe('compliant');
    expect(complianceOf([], [{ file: 'clock', code: 'clock-suspect', message: 'm' }])).toBe('warning');
    expect(complianceOf([], [{ file: 'x.yaml', code: 'signature-invalid', message: 'm' }])).toBe('compliant');
    expect(complianceOf([f(['report', 'kill'])], [{ file: 'clock', code: 'clock-suspect', message: 'm' }])).toBe('violation');
  });

  it('tells a finding whether removal waits for the deadline or nothing will be removed', () => {
    expect(noticeFor({ ...f(warn), deadlineActions: ['notify', 'kill'] })).toBe('removal-at-deadline');
    expect(noticeFor({ ...f(warn), deadlineActions: ['notify'] })).toBe('recorded');
    expect(noticeFor(f(warn))).toBe('recorded');
  });
});
