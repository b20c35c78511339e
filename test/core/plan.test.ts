// Enforcement planning: which step each open finding gets, from the finding and its target alone, and in which order.
import { describe, expect, it } from 'vitest';
import type { Observation, Target, TargetedFinding } from '../../agent/common/model.js';
import { planEnforcement } from '../../agent/core/enforce/plan.js';
import { targetOf } from '../../agent/core/enforce/target.js';
import { applyOutcomes } from '../../agent/daemon/enforcer.js';

const due = ['report', 'notify', 'kill', 'quarantine'] as const;

function finding(id: string, target: Target, over: Partial<TargetedFinding> = {}): TargetedFinding {
  const kind = target.kind === 'process' ? 'process' : target.kind === 'settings' ? 'config' : 'install';
  const path = 'path' in target ? { path: target.path } : {};
  return { id, tool: 'claude-code', policy: 'p', rule: 'r', kind, ...path, actions: [...due], state: 'open', detail: id, target, ...over };
}

const install = (path: string): Target => ({ kind: 'install', path, scanRoot: '/home/a', role: 'program' });

describe('planEnforcement', () => {
  it('kills processes, quarantines installs, and notifies only after every removal', () => {
    const findings = [finding('proc', { kind: 'process', pid: 7, startTime: '42' }), finding('inst', install('/home/a/.local/bin/claude'))];
    const steps = planEnforcement(findings);
    expect(steps.map((s) => `${s.action}:${s.finding.id}`)).toEqual(['kill:proc', 'quarantine:inst', 'notify:proc', 'notify:inst']);
    expect(steps[0]).toMatchObject({ target: { pid: 7, startTime: '42' } });
    expect(steps[1]).toMatchObject({ target: { path: '/home/a/.local/bin/claude', scanRoot: '/home/a', role: 'program' } });
  });

  it('moves a folder once: an install inside another quarantined install gets no step of its own', () => {
    const findings = [finding('outer', install('/home/a/.local/share/claude')), finding('inner', install('/home/a/.local/share/claude/versions/2.1.0'))];
    const steps = planEnforcement(findings);
    expect(steps.map((s) => `${s.action}:${s.finding.id}`)).toEqual(['quarantine:outer', 'notify:outer']);
  });

  it('quarantines one install of several parts part by part, each under the install’s root', () => {
    const parts = [
      { path: '/home/a/.local/bin/claude', role: 'program' as const },
      { path: '/home/a/.local/share/claude', role: 'program' as const },
    ];
    const findings = [
      finding('native', { ...(install('/home/a/.local/bin/claude') as Extract<Target, { kind: 'install' }>), parts }, { actions: ['report', 'quarantine'] }),
    ];
    const steps = planEnforcement(findings);
    expect(steps.map((s) => (s.action === 'quarantine' ? `${s.finding.id}:${s.target.path}:${s.target.scanRoot}` : s.action))).toEqual([
      'native:/home/a/.local/bin/claude:/home/a',
      'native:/home/a/.local/share/claude:/home/a',
    ]);
  });

  it('takes from an install’s parts what quarantine moves: programs and data, a version folder with its store, never evidence', () => {
    const obs: Observation = {
      tool: 'claude-code',
      kind: 'install',
      path: '/home/a/.local/bin/claude',
      signal: 'native installer',
      role: 'program',
      scanRoot: '/home/a',
      parts: [
        { path: '/home/a/.local/bin/claude', what: 'launcher', role: 'program', linkTarget: '/home/a/.local/share/claude/versions/2.1.0' },
        { path: '/home/a/.local/share/claude', what: 'version store', role: 'program' },
        { path: '/home/a/.local/share/claude/versions/2.1.0', what: 'version', role: 'program' },
        { path: '/etc/apt/sources.list.d/claude-code.list', what: 'source', role: 'evidence' },
      ],
    };
    expect(targetOf(obs)).toEqual({
      kind: 'install',
      path: '/home/a/.local/bin/claude',
      scanRoot: '/home/a',
      role: 'program',
      parts: [
        { path: '/home/a/.local/bin/claude', role: 'program' },
        { path: '/home/a/.local/share/claude', role: 'program' },
      ],
    });
  });

  it('counts an install of several parts as fixed only when every part was moved', () => {
    const parts = [
      { path: '/home/a/.local/bin/claude', role: 'program' as const },
      { path: '/home/a/.local/share/claude', role: 'program' as const },
    ];
    const f = finding('native', { ...(install('/home/a/.local/bin/claude') as Extract<Target, { kind: 'install' }>), parts });
    const [first, second] = planEnforcement([f]).filter((s) => s.action === 'quarantine');
    const moved = applyOutcomes(
      [f],
      [
        { step: first!, state: 'remediated', outcome: 'moved to quarantine as q1' },
        { step: second!, state: 'remediated', outcome: 'moved to quarantine as q2' },
      ],
    );
    expect(moved[0]).toMatchObject({
      state: 'remediated',
      outcome: '/home/a/.local/bin/claude: moved to quarantine as q1; /home/a/.local/share/claude: moved to quarantine as q2',
    });
    const half = applyOutcomes(
      [f],
      [
        { step: first!, state: 'remediated', outcome: 'moved to quarantine as q1' },
        { step: second!, state: 'failed', outcome: 'not quarantined: busy' },
      ],
    );
    expect(half[0]?.state).toBe('failed');
  });

  it("never edits the user's settings: a due config finding is left to the user with the line to remove", () => {
    const findings = [
      finding('cfg', { kind: 'settings', path: '/home/a/.bashrc' }, { detail: 'ANTHROPIC_API_KEY set in ~/.bashrc line 3', actions: ['report', 'quarantine'] }),
    ];
    const steps = planEnforcement(findings);
    expect(steps).toEqual([{ action: 'manual', finding: findings[0], reason: 'remove this setting yourself: ANTHROPIC_API_KEY set in ~/.bashrc line 3' }]);
  });

  it('does nothing for findings that are exempt, remediated, or only reported', () => {
    const findings = [
      finding('exempt', install('/home/a/x'), { state: 'exempt' }),
      finding('done', install('/home/a/y'), { state: 'remediated' }),
      finding('warn', install('/home/a/z'), { actions: ['report'] }),
    ];
    expect(planEnforcement(findings)).toEqual([]);
  });

  it('does not move an install it cannot place, and says why', () => {
    const findings = [
      finding(
        'inst',
        { kind: 'unplaced', reason: 'the agent cannot tell where this install was found, so it does not move it' },
        { path: '/somewhere/claude' },
      ),
    ];
    const steps = planEnforcement(findings);
    expect(steps.map((s) => s.action)).toEqual(['manual', 'notify']);
    expect(steps[0]).toMatchObject({ reason: expect.stringContaining('cannot tell where') });
  });

  it('kills only where a kill is due: a process under a quarantine-only rule is left running', () => {
    const findings = [finding('proc', { kind: 'process', pid: 7 }, { actions: ['report', 'quarantine'] })];
    expect(planEnforcement(findings)).toEqual([]);
  });
});
