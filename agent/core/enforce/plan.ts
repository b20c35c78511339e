// Turns findings into the concrete steps enforcement takes; pure, so `scan` previews exactly what `enforce` would do.
import type { Finding, Observation } from '../../common/model.js';

export type PlannedStep =
  | { action: 'kill'; finding: Finding; pid: number; startTime?: string }
  | { action: 'quarantine'; finding: Finding; path: string; scanRoot: string; role: 'program' | 'data' }
  | { action: 'notify'; finding: Finding }
  | { action: 'manual'; finding: Finding; reason: string };

export interface PlanInput {
  findings: readonly Finding[];
  /** The observation behind each finding, by finding id. */
  observationOf: (finding: Finding) => Observation | undefined;
}

function isInside(child: string, parent: string): boolean {
  return child !== parent && (child.startsWith(`${parent}/`) || child.startsWith(`${parent}\\`));
}

/**
 * One step per open finding and due action: processes are killed, program and data installs quarantined,
 * and settings in the user's own files are left to the user (the agent never edits them). Evidence files
 * (package sources, keys) never reach here: they are inventory, not findings.
 * An install inside another install quarantined in the same plan needs no step of its own.
 */
export function planEnforcement({ findings, observationOf }: PlanInput): PlannedStep[] {
  const steps: PlannedStep[] = [];
  // Notifications go last: telling the user must never delay stopping the tool.
  const notifications: PlannedStep[] = [];
  const open = findings.filter((f) => f.state === 'open');
  const quarantined = open
    .filter((f) => f.kind === 'install' && f.actions.includes('quarantine') && f.path)
    .map((f) => f.path as string);
  for (const finding of open) {
    const obs = observationOf(finding);
    const inside = finding.path !== undefined && quarantined.some((other) => isInside(finding.path as string, other));
    if (finding.kind === 'install' && inside) continue;
    if (finding.actions.includes('notify')) notifications.push({ action: 'notify', finding });
    if (finding.kind === 'process' && finding.actions.includes('kill') && finding.pid !== undefined) {
      steps.push({ action: 'kill', finding, pid: finding.pid, ...(obs?.startTime ? { startTime: obs.startTime } : {}) });
    } else if (finding.kind === 'install' && finding.actions.includes('quarantine') && finding.path) {
      const path = finding.path;
      if (obs?.scanRoot && obs.role !== 'evidence') {
        steps.push({ action: 'quarantine', finding, path, scanRoot: obs.scanRoot, role: obs.role ?? 'program' });
      } else {
        steps.push({ action: 'manual', finding, reason: 'the agent cannot tell where this install was found, so it does not move it' });
      }
    } else if (finding.kind === 'config' && (finding.actions.includes('quarantine') || finding.actions.includes('kill'))) {
      steps.push({ action: 'manual', finding, reason: `remove this setting yourself: ${finding.detail}` });
    }
  }
  return [...steps, ...notifications];
}
