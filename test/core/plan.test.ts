// Enforcement planning: which step each open finding gets, and in which order.
import { describe, expect, it } from 'vitest';
import type { Finding, Observation } from '../../agent/common/model.js';
import { planEnforcement } from '../../agent/core/enforce/plan.js';

const due = ['report', 'notify', 'kill', 'quarantine'] as const;

function finding(id: string, over: Partial<Finding>): Finding {
  return { id, tool: 'claude-code', policy: 'p', rule: 'r', kind: 'install', actions: [...due], state: 'open', detail: id, ...over };
}

function obsFor(extra: Partial<Observation> = {}) {
  return (f: Finding): Observation => ({ tool: f.tool, kind: f.kind, path: f.path, pid: f.pid, signal: 's', scanRoot: '/home/a', role: 'program', startTime: '42', ...extra });
}

describe('planEnforcement', () => {
  it('kills processes, quarantines installs, and notifies only after every removal', () => {
    const findings = [finding('proc', { kind: 'process', pid: 7 }), finding('inst', { path: '/home/a/.local/bin/claude' })];
    const steps = planEnforcement({ findings, observationOf: obsFor() });
    expect(steps.map((s) => `${s.action}:${s.finding.id}`)).toEqual(['kill:proc', 'quarantine:inst', 'notify:proc', 'notify:inst']);
    expect(steps[0]).toMatchObject({ pid: 7, startTime: '42' });
    expect(steps[1]).toMatchObject({ path: '/home/a/.local/bin/claude', scanRoot: '/home/a', role: 'program' });
  });

  it('moves a folder once: an install inside another quarantined install gets no step of its own', () => {
    const findings = [finding('outer', { path: '/home/a/.local/share/claude' }), finding('inner', { path: '/home/a/.local/share/claude/versions/2.1.0' })];
    const steps = planEnforcement({ findings, observationOf: obsFor() });
    expect(steps.map((s) => `${s.action}:${s.finding.id}`)).toEqual(['quarantine:outer', 'notify:outer']);
  });

  it('never edits the user\'s settings: a due config finding is left to the user with the line to remove', () => {
    const findings = [finding('cfg', { kind: 'config', path: '/home/a/.bashrc', detail: 'ANTHROPIC_API_KEY set in ~/.bashrc line 3', actions: ['report', 'quarantine'] })];
    const steps = planEnforcement({ findings, observationOf: obsFor() });
    expect(steps).toEqual([{ action: 'manual', finding: findings[0], reason: 'remove this setting yourself: ANTHROPIC_API_KEY set in ~/.bashrc line 3' }]);
  });

  it('does nothing for findings that are exempt, remediated, or only reported', () => {
    const findings = [
      finding('exempt', { path: '/home/a/x', state: 'exempt' }),
      finding('done', { path: '/home/a/y', state: 'remediated' }),
      finding('warn', { path: '/home/a/z', actions: ['report'] }),
    ];
    expect(planEnforcement({ findings, observationOf: obsFor() })).toEqual([]);
  });

  it('does not move an install whose scan root is unknown', () => {
    const findings = [finding('inst', { path: '/somewhere/claude' })];
    const steps = planEnforcement({ findings, observationOf: () => undefined });
    expect(steps.map((s) => s.action)).toEqual(['manual', 'notify']);
  });
});
