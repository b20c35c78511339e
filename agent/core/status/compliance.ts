// Compliance of a set of findings, exactly as the contract defines it, and what each finding means for its user.
import type { Action, Compliance, Finding, FindingNotice, PolicyError } from '../../common/model.js';

const REMOVAL_ACTIONS: readonly Action[] = ['kill', 'quarantine'];

/** True when a finding is due for kill or quarantine. */
export function isDueForRemoval(finding: Pick<Finding, 'actions'>): boolean {
  return finding.actions.some((a) => REMOVAL_ACTIONS.includes(a));
}

/** Past its deadline: a removal is due and the finding still open, or a removal failed. */
export function isDue(finding: Pick<Finding, 'state' | 'actions'>): boolean {
  return finding.state === 'failed' || (finding.state === 'open' && isDueForRemoval(finding));
}

/** The agent removes it now at its owner's request; settings files are the user's own and are never edited. */
export function isActionable(finding: Pick<Finding, 'state' | 'kind'>): boolean {
  return (finding.state === 'open' || finding.state === 'failed') && finding.kind !== 'config';
}

export function noticeFor(finding: Pick<Finding, 'state' | 'actions' | 'kind' | 'deadlineActions'>): FindingNotice | undefined {
  if (finding.state === 'failed') return 'removal-failed';
  if (finding.state !== 'open') return undefined;
  if (isDueForRemoval(finding)) return finding.kind === 'config' ? 'edit-due' : 'removal-due';
  return finding.deadlineActions?.some((a) => REMOVAL_ACTIONS.includes(a)) ? 'removal-at-deadline' : 'recorded';
}

/** The finding as the agent sends it: with its decisions spelled out, so no client has to restate these rules. */
export function withDecisions(finding: Finding): Finding {
  const notice = noticeFor(finding);
  return { ...finding, due: isDue(finding), actionable: isActionable(finding), ...(notice ? { notice } : {}) };
}

/**
 * compliant: no open or failed finding; warning: open findings, none yet due for kill/quarantine;
 * violation: a finding due for kill/quarantine that is still open, or a failed one.
 */
export function computeCompliance(findings: readonly Finding[]): Compliance {
  let warning = false;
  for (const f of findings) {
    if (isDue(f)) return 'violation';
    if (f.state === 'open') warning = true;
  }
  return warning ? 'warning' : 'compliant';
}

/** Policy errors that keep a machine from reading compliant even without a finding: its clock cannot be trusted. */
const NOT_COMPLIANT_ERRORS: readonly string[] = ['clock-suspect'];

/** Compliance of the findings, at least `warning` while an error says the evaluation itself cannot be trusted. */
export function complianceOf(findings: readonly Finding[], policyErrors: readonly PolicyError[]): Compliance {
  const c = computeCompliance(findings);
  return c === 'compliant' && policyErrors.some((e) => NOT_COMPLIANT_ERRORS.includes(e.code)) ? 'warning' : c;
}
