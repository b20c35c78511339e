// Compliance of a set of findings, exactly as the contract defines each level.
import { describe, expect, it } from 'vitest';
import type { Action, Finding } from '../../agent/common/model.js';
import { computeCompliance, isDueForRemoval } from '../../agent/core/status/compliance.js';

function finding(state: Finding['state'], actions: Action[]): Finding {
  return { id: `${state}-${actions.join('+')}`, tool: 'claude-code', policy: 'p', rule: 'r', kind: 'install', actions, state, detail: '' };
}

describe('isDueForRemoval', () => {
  it.each<[Action[], boolean]>([
    [['report'], false],
    [['report', 'notify'], false],
    [['report', 'kill'], true],
    [['quarantine'], true],
    [[], false],
  ])('%j → %s', (actions, due) => {
    expect(isDueForRemoval({ actions })).toBe(due);
  });
});

describe('computeCompliance', () => {
  it('is compliant with no findings, or only remediated and exempt ones', () => {
    expect(computeCompliance([])).toBe('compliant');
    expect(computeCompliance([finding('remediated', ['kill']), finding('exempt', ['quarantine'])])).toBe('compliant');
  });

  it('warns while open findings are only reported or notified', () => {
    expect(computeCompliance([finding('open', ['report'])])).toBe('warning');
    expect(computeCompliance([finding('remediated', ['kill']), finding('open', ['report', 'notify'])])).toBe('warning');
  });

  it('is a violation when an open finding is due for kill or quarantine, wherever it stands in the list', () => {
    expect(computeCompliance([finding('open', ['report', 'kill'])])).toBe('violation');
    expect(computeCompliance([finding('open', ['notify']), finding('open', ['quarantine'])])).toBe('violation');
  });

  it('is a violation when a removal failed, even if the failed finding asks only for a report', () => {
    expect(computeCompliance([finding('failed', ['report'])])).toBe('violation');
    expect(computeCompliance([finding('open', ['notify']), finding('failed', ['kill'])])).toBe('violation');
  });
});
