// Compliance of a set of findings, exactly as the contract defines it.
import type { Action, Compliance, Finding } from '../../common/model.js';

const REMOVAL_ACTIONS: readonly Action[] = ['kill', 'quarantine'];

/** True when a finding is due for kill or quarantine. */
export function isDueForRemoval(finding: Pick<Finding, 'actions'>): boolean {
  return finding.actions.some((a) => REMOVAL_ACTIONS.includes(a));
}

/**
 * compliant: no open or failed finding; warning: open findings, none yet due for kill/quarantine;
 * violation: a finding due for kill/quarantine that is still open, or a failed one.
 */
export function computeCompliance(findings: readonly Finding[]): Compliance {
  let warning = false;
  for (const f of findings) {
    if (f.state === 'failed') return 'violation';
    if (f.state === 'open') {
      if (isDueForRemoval(f)) return 'violation';
      warning = true;
    }
  }
  return warning ? 'warning' : 'compliant';
}
