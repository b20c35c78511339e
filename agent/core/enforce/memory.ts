// What enforcement remembers between passes: who was told, which removal failed and when, what was removed.
import type { TargetedFinding } from '../../common/model.js';
import type { PlannedStep } from './plan.js';

/** A removal that failed is retried after this long, not on every pass. */
export const RETRY_FAILED_MS = 60_000;
/** A removal refused because the install changed under it (still being written) is tried again this soon, a few times. */
export const RETRY_CHANGING_MS = 1_000;
export const QUICK_RETRIES = 3;
/** Remediated findings stay visible (state `remediated`) this many at most. */
export const KEEP_REMEDIATED = 50;

/** The outcome of one carried-out step, as enforcement memory needs it. */
export interface RememberedOutcome {
  step: PlannedStep;
  state: 'remediated' | 'failed' | 'open';
  outcome: string;
  /** The target changed while it was being removed: worth a quick second look. */
  changing?: boolean;
}

function isRemoval(step: PlannedStep): boolean {
  return step.action === 'kill' || step.action === 'quarantine' || step.action === 'uninstall';
}

/**
 * One per enforcing run: the daemon keeps it for its lifetime, `cordon enforce` starts with an empty one. Times are
 * the pass's trusted time in milliseconds.
 */
export class EnforcementMemory {
  private readonly notified = new Set<string>();
  private readonly failed = new Map<string, { at: number; outcome: string; quick: number }>();
  private remediated: TargetedFinding[] = [];
  private known = new Set<string>();

  /** Notify once per finding; a removal unless it failed within the retry period; manual steps are the user's. */
  isDue(step: PlannedStep, nowMs: number): boolean {
    if (step.action === 'notify') return !this.notified.has(step.finding.id);
    if (step.action === 'manual') return false;
    const failed = this.failed.get(step.finding.id);
    if (failed === undefined) return true;
    const wait = failed.quick > 0 && failed.quick <= QUICK_RETRIES ? RETRY_CHANGING_MS : RETRY_FAILED_MS;
    return nowMs - failed.at >= wait;
  }

  remember(outcomes: readonly RememberedOutcome[], nowMs: number): void {
    for (const o of outcomes) {
      const { finding } = o.step;
      if (o.step.action === 'notify') this.notified.add(finding.id);
      if (o.state === 'failed') {
        const quick = o.changing ? (this.failed.get(finding.id)?.quick ?? 0) + 1 : 0;
        this.failed.set(finding.id, { at: nowMs, outcome: o.outcome, quick });
      }
      if (o.state === 'remediated') {
        this.failed.delete(finding.id);
        const done = { ...finding, state: o.state, outcome: o.outcome };
        this.remediated = [done, ...this.remediated.filter((r) => r.id !== finding.id)].slice(0, KEEP_REMEDIATED);
      }
    }
  }

  /**
   * The findings as they stand after a pass: a removal that failed (now or before, waiting for its retry) shows
   * as failed, and what was removed stays visible after it is gone.
   */
  shown(findings: readonly TargetedFinding[], plan: readonly PlannedStep[]): TargetedFinding[] {
    const removing = new Set(plan.filter(isRemoval).map((s) => s.finding.id));
    const live = findings.map((f) => {
      const failed = this.failed.get(f.id);
      return failed && removing.has(f.id) ? { ...f, state: 'failed' as const, outcome: failed.outcome } : f;
    });
    const present = new Set(live.map((f) => f.id));
    return [...live, ...this.remediated.filter((r) => !present.has(r.id))];
  }

  /**
   * Which findings are new since the last call and which are gone (for the audit log). A failure is forgotten with
   * its finding: an install that is removed and comes back (a reinstall) is a new thing to remove, not a retry.
   */
  changes(findings: readonly TargetedFinding[]): { detected: TargetedFinding[]; resolved: string[] } {
    const now = new Set(findings.map((f) => f.id));
    const detected = findings.filter((f) => !this.known.has(f.id));
    const resolved = [...this.known].filter((id) => !now.has(id));
    for (const id of resolved) this.failed.delete(id);
    this.known = now;
    return { detected, resolved };
  }
}
