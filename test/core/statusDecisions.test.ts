// What each finding means for its user is decided once in the core and sent with the status: due, Fix now, the words.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../agent/common/model.js';
import { computeCompliance, withDecisions } from '../../agent/core/status/compliance.js';

const base: Finding = {
  id: 'f1',
  tool: 'claude-code',
  policy: 'anthropic-ban',
  rule: 'claude-code',
  kind: 'install',
  path: '/home/alice/.local/bin/claude',
  user: 'alice',
  actions: ['report', 'notify'],
  state: 'open',
  detail: 'installed',
};
const REMOVAL = ['report', 'notify', 'kill', 'quarantine'] as Finding['actions'];

describe('decisions sent with each finding', () => {
  it.each<[string, Partial<Finding>, Pick<Finding, 'due' | 'actionable' | 'notice'>]>([
    ['reported only, no later phase', { actions: ['report'] }, { due: false, actionable: true, notice: 'recorded' }],
    ['told now, reported later too', { deadline: '2026-07-10T00:00:00Z', deadlineActions: ['notify'] }, { due: false, actionable: true, notice: 'recorded' }],
    [
      'removed at the deadline',
      { deadline: '2026-07-10T00:00:00Z', deadlineActions: ['kill', 'quarantine'] },
      { due: false, actionable: true, notice: 'removal-at-deadline' },
    ],
    ['past the deadline, still there', { actions: REMOVAL }, { due: true, actionable: true, notice: 'removal-due' }],
    ['a setting past the deadline: only its user edits it', { kind: 'config', actions: REMOVAL }, { due: true, actionable: false, notice: 'edit-due' }],
    ['a setting before the deadline', { kind: 'config', deadlineActions: ['quarantine'] }, { due: false, actionable: false, notice: 'removal-at-deadline' }],
    ['a removal that failed', { state: 'failed', actions: REMOVAL }, { due: true, actionable: true, notice: 'removal-failed' }],
    ['removed', { state: 'remediated', actions: REMOVAL }, { due: false, actionable: false, notice: undefined }],
    ['exempt, even with removal actions', { state: 'exempt', actions: REMOVAL }, { due: false, actionable: false, notice: undefined }],
  ])('%s', (_label, over, expected) => {
    const decided = withDecisions({ ...base, ...over });
    expect({ due: decided.due, actionable: decided.actionable, notice: decided.notice }).toEqual(expected);
  });

  it('counts as a violation exactly the findings it marks due', () => {
    const findings = [{ ...base }, { ...base, id: 'f2', actions: REMOVAL }, { ...base, id: 'f3', state: 'failed' as const }].map(withDecisions);
    expect(findings.map((f) => f.due)).toEqual([false, true, true]);
    expect(computeCompliance(findings)).toBe('violation');
    expect(computeCompliance(findings.filter((f) => !f.due))).toBe('warning');
  });
});
