// Turns findings into the concrete steps enforcement takes; pure, so `scan` previews exactly what `enforce` would do.
import type { Target, TargetedFinding } from '../../common/model.js';

export type PlannedStep =
  | { action: 'kill'; finding: TargetedFinding; target: Extract<Target, { kind: 'process' }> }
  | { action: 'quarantine'; finding: TargetedFinding; target: Extract<Target, { kind: 'install' }> }
  | { action: 'notify'; finding: TargetedFinding }
  | { action: 'manual'; finding: TargetedFinding; reason: string };

function isInside(child: string, parent: string): boolean {
  return child !== parent && (child.startsWith(`${parent}/`) || child.startsWith(`${parent}\\`));
}

/** The removal a finding's target calls for, if one of its due actions asks for removal at all. */
function removalStep(finding: TargetedFinding): PlannedStep | null {
  const { target, actions } = finding;
  if (!actions.includes('kill') && !actions.includes('quarantine')) return null;
  switch (target.kind) {
    case 'process':
      return actions.includes('kill') ? { action: 'kill', finding, target } : null;
    case 'install':
      return actions.includes('quarantine') ? { action: 'quarantine', finding, target } : null;
    case 'settings':
      return { action: 'manual', finding, reason: `remove this setting yourself: ${finding.detail}` };
    case 'unplaced':
      return finding.kind === 'install' && !actions.includes('quarantine') ? null : { action: 'manual', finding, reason: target.reason };
  }
}

/** An install of several parts (launcher, version store) is quarantined part by part, each under the install's root. */
function partSteps(step: PlannedStep): PlannedStep[] {
  if (step.action !== 'quarantine' || !step.target.parts?.length) return [step];
  const { scanRoot } = step.target;
  return step.target.parts.map((p) => ({ ...step, target: { kind: 'install' as const, path: p.path, scanRoot, role: p.role } }));
}

/**
 * One step per open finding and due action, from the finding alone: processes are killed, program and data
 * installs quarantined, and settings in the user's own files are left to the user (the agent never edits them).
 * Evidence files (package sources, keys) never reach here: they are inventory, not findings.
 * An install inside another install quarantined in the same plan needs no step of its own; an install of several
 * parts gets one quarantine step per part.
 */
export function planEnforcement(findings: readonly TargetedFinding[]): PlannedStep[] {
  const steps: PlannedStep[] = [];
  // Notifications go last: telling the user must never delay stopping the tool.
  const notifications: PlannedStep[] = [];
  const open = findings.filter((f) => f.state === 'open');
  const quarantined = open.flatMap((f) =>
    f.target.kind === 'install' && f.actions.includes('quarantine') ? [f.target.path, ...(f.target.parts ?? []).map((p) => p.path)] : [],
  );
  for (const finding of open) {
    const { target } = finding;
    if (target.kind === 'install' && quarantined.some((other) => isInside(target.path, other))) continue;
    if (finding.actions.includes('notify')) notifications.push({ action: 'notify', finding });
    const removal = removalStep(finding);
    if (removal) steps.push(...partSteps(removal));
  }
  return [...steps, ...notifications];
}
