// Enforcement planning: which step each open finding gets, from the finding and its target alone, and in which order.
import { describe, expect, it } from 'vitest';
import type { Target, TargetedFinding } from '../../agent/common/model.js';
import { planEnforcement } from '../../agent/core/enforce/plan.js';

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

  it('never edits the user\'s settings: a due config finding is left to the user with the line to remove', () => {
    const findings = [finding('cfg', { kind: 'settings', path: '/home/a/.bashrc' }, { detail: 'ANTHROPIC_API_KEY set in ~/.bashrc line 3', actions: ['report', 'quarantine'] })];
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
    const findings = [finding('inst', { kind: 'unplaced', reason: 'the agent cannot tell where this install was found, so it does not move it' }, { path: '/somewhere/claude' })];
    const steps = planEnforcement(findings);
    expect(steps.map((s) => s.action)).toEqual(['manual', 'notify']);
    expect(steps[0]).toMatchObject({ reason: expect.stringContaining('cannot tell where') });
  });

  it('kills only where a kill is due: a process under a quarantine-only rule is left running', () => {
    const findings = [finding('proc', { kind: 'process', pid: 7 }, { actions: ['report', 'quarantine'] })];
    expect(planEnforcement(findings)).toEqual([]);
  });
});
