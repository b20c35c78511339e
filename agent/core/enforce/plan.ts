// Turns findings into the concrete steps enforcement takes; pure, so `scan` previews exactly what `enforce` would do.
import type { Platform, Target, TargetedFinding } from '../../common/model.js';
import { isProtectedProcessName, protectedPathReason } from '../protectedTargets.js';
import { osPackageOf, type OsPackage } from './packagedApps.js';

export type PlannedStep =
  | { action: 'kill'; finding: TargetedFinding; target: Extract<Target, { kind: 'process' }> }
  | { action: 'quarantine'; finding: TargetedFinding; target: Extract<Target, { kind: 'install' }> }
  /** A package the OS manages, removed through its own remover (not restorable from quarantine: reinstalled from its source). */
  | { action: 'uninstall'; finding: TargetedFinding; target: Extract<Target, { kind: 'install' }>; package: OsPackage }
  | { action: 'notify'; finding: TargetedFinding }
  | { action: 'manual'; finding: TargetedFinding; reason: string };

function isInside(child: string, parent: string): boolean {
  return child !== parent && (child.startsWith(`${parent}/`) || child.startsWith(`${parent}\\`));
}

/** What no plan acts on besides the built-in protected list: the agent itself and its own folders. */
export interface PlanGuard {
  /** Processes never to kill besides pid 1: the agent itself and its parent. */
  protectedPids?: readonly number[];
  /** Folders never to quarantine from (the agent's state, policies and quarantine). */
  protectedTrees?: readonly string[];
  /** The OS whose disk the paths are on: macOS and Windows compare names without case. */
  platform?: Platform;
}

/** Why a process must not be killed whatever the policy says, or null. */
function protectedProcess(finding: TargetedFinding, pid: number, guard: PlanGuard): string | null {
  if (pid <= 1 || (guard.protectedPids ?? []).includes(pid)) return `not killed: process ${pid} is the system's or the agent's own`;
  const name = finding.path?.split(/[\\/]/).pop();
  if (name && isProtectedProcessName(name)) return `not killed: ${name} is a system program, a shell or an interpreter`;
  return null;
}

/** The removal a finding's target calls for, if one of its due actions asks for removal at all. */
function removalStep(finding: TargetedFinding, guard: PlanGuard): PlannedStep | null {
  const { target, actions } = finding;
  if (!actions.includes('kill') && !actions.includes('quarantine')) return null;
  switch (target.kind) {
    case 'process': {
      if (!actions.includes('kill')) return null;
      const refused = protectedProcess(finding, target.pid, guard);
      return refused ? { action: 'manual', finding, reason: refused } : { action: 'kill', finding, target };
    }
    case 'install': {
      if (!actions.includes('quarantine')) return null;
      const refused = protectedPathReason(target.path, [target.scanRoot], target.scanRoot, guard.protectedTrees, guard.platform);
      if (refused) return { action: 'manual', finding, reason: `not moved: ${refused}` };
      const pkg = osPackageOf(target.path);
      return pkg ? { action: 'uninstall', finding, target, package: pkg } : { action: 'quarantine', finding, target };
    }
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
export function planEnforcement(findings: readonly TargetedFinding[], guard: PlanGuard = {}): PlannedStep[] {
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
    const removal = removalStep(finding, guard);
    if (removal) steps.push(...partSteps(removal));
  }
  return [...steps, ...notifications];
}
