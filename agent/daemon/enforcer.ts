// Carries out planned steps: kill (after re-checking the pid), quarantine, notify; every step is audited.
import type { Quarantine } from '../adapters/quarantine/index.js';
import type { AuditLog, AuditRecord } from '../adapters/auditLog.js';
import type { PlannedStep } from '../core/enforce/plan.js';
import { CordonError } from '../common/errors.js';
import { localize } from '../common/localize.js';
import type { Finding, Target } from '../common/model.js';
import type { Notifier, NotifyResult, PackageRemover, ProcessKiller } from '../ports/index.js';

export interface EnforcerDeps {
  killer: ProcessKiller;
  quarantine: Pick<Quarantine, 'quarantine'>;
  /** Where the OS manages packages (Windows MSIX); absent elsewhere, and an uninstall step then fails saying so. */
  packages?: PackageRemover;
  notifier: Notifier;
  audit: Pick<AuditLog, 'write'>;
  /** Language of notifications. */
  lang: string;
  sleep(ms: number): Promise<void>;
  /** How long a process gets to exit after SIGTERM before SIGKILL. */
  graceMs?: number;
}

export interface StepOutcome {
  step: PlannedStep;
  state: 'remediated' | 'failed' | 'open';
  outcome: string;
  /** The install changed while it was being taken (a refusal whose details say `changing`). */
  changing?: boolean;
}

/** The finding's identity as audit-log fields. */
export function auditFields(f: Finding): Omit<AuditRecord, 'event' | 'outcome'> {
  return {
    tool: f.tool,
    kind: f.kind,
    policy: f.policy,
    rule: f.rule,
    finding: f.id,
    ...(f.path !== undefined ? { path: f.path } : {}),
    ...(f.pid !== undefined ? { pid: f.pid } : {}),
    ...(f.user !== undefined ? { user: f.user } : {}),
  };
}

async function waitForExit(deps: EnforcerDeps, pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (!(await deps.killer.alive(pid))) return true;
    if (Date.now() >= until) return false;
    await deps.sleep(10);
  }
}

/**
 * Graceful, then forced, where the OS has a graceful request (POSIX); forced at once where it has none (Windows). Never
 * stops a pid that now belongs to another process; the outcome names what was really sent.
 */
export async function killProcess(deps: EnforcerDeps, { pid, startTime }: Extract<Target, { kind: 'process' }>): Promise<{ ok: boolean; outcome: string }> {
  const sameProcess = async (): Promise<boolean | null> => {
    const now = await deps.killer.identity(pid);
    if (now === null) return null;
    return startTime === undefined || now === startTime;
  };
  try {
    const first = await sameProcess();
    if (first === null || first === false) return { ok: true, outcome: 'the process had already exited' };
    if (deps.killer.graceful) {
      const asked = await deps.killer.stop(pid, 'terminate');
      if (await waitForExit(deps, pid, deps.graceMs ?? 3000)) return { ok: true, outcome: `stopped (${asked})` };
      if ((await sameProcess()) !== true) return { ok: true, outcome: `stopped (${asked})` };
    }
    const forced = await deps.killer.stop(pid, 'kill');
    if (await waitForExit(deps, pid, 2000))
      return { ok: true, outcome: deps.killer.graceful ? `stopped (${forced} after the grace period)` : `stopped (${forced})` };
    return { ok: false, outcome: `the process did not exit after ${forced}` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return { ok: true, outcome: 'the process had already exited' };
    return {
      ok: false,
      outcome: code === 'EPERM' ? "not permitted: the agent must run as root (SYSTEM on Windows) to stop other users' processes" : (err as Error).message,
    };
  }
}

/** How long a file stays busy after the program holding it was stopped (Windows closes its handles as it tears down). */
const BUSY_RETRY_MS = 1000;

/** Error codes of a move refused because a file is open or running (Windows: sharing violation, access denied). */
function isBusy(err: unknown): boolean {
  const code = ((err as { cause?: NodeJS.ErrnoException }).cause ?? (err as NodeJS.ErrnoException)).code;
  return code === 'EBUSY' || code === 'EPERM' || code === 'EACCES';
}

/** Quarantines; a move refused as busy is tried once more after a pause, since the plan stopped the tool's processes first. */
async function quarantineRetryingBusy(deps: EnforcerDeps, req: Parameters<EnforcerDeps['quarantine']['quarantine']>[0]) {
  try {
    return await deps.quarantine.quarantine(req);
  } catch (err) {
    if (!isBusy(err)) throw err;
    await deps.sleep(BUSY_RETRY_MS);
    return deps.quarantine.quarantine(req);
  }
}

/** A managed package goes through the OS's remover, never a folder move; it cannot be restored from quarantine. */
async function removePackage(deps: EnforcerDeps, pkg: { manager: 'msix'; name: string }): Promise<{ ok: boolean; outcome: string }> {
  if (!deps.packages) return { ok: false, outcome: `not removed: ${pkg.name} is an MSIX package, which only Windows can remove` };
  try {
    return { ok: true, outcome: `removed through ${await deps.packages.remove(pkg)} (not restorable from quarantine: reinstall from its source)` };
  } catch (err) {
    return { ok: false, outcome: `not removed: ${(err as Error).message}` };
  }
}

/** The audit's words for the path that showed a notification. */
function deliveredBy(shown: NotifyResult, user: string | undefined): string {
  const whose = user === undefined ? 'the signed-in user' : user;
  if (shown.via === null) return `not shown: no tray of ${whose} was connected and the agent has no notification service (${shown.error})`;
  return shown.via === 'tray' ? `shown by the tray in the session of ${whose}` : `shown by the agent's own notification: no tray of ${whose} was connected`;
}

export function notificationText(lang: string, name: string, f: Finding): { title: string; message: string } {
  const zh = lang.toLowerCase().startsWith('zh');
  const what =
    f.kind === 'process' ? (zh ? '正在运行' : 'is running') : f.kind === 'install' ? (zh ? '已安装' : 'is installed') : zh ? '已配置' : 'is configured';
  const due = f.deadline ? (zh ? `截止时间 ${f.deadline}` : `Deadline ${f.deadline}`) : '';
  const title = zh ? `Cordon：${name} ${what}` : `Cordon: ${name} ${what}`;
  const message = [localize(f.message, lang), due].filter(Boolean).join(' — ');
  return { title, message: message || f.detail };
}

/** Carries out the steps in order; `toolNames` gives notifications the tools' display names. */
export async function carryOut(deps: EnforcerDeps, steps: readonly PlannedStep[], toolNames: ReadonlyMap<string, string>): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  for (const step of steps) {
    const f = step.finding;
    switch (step.action) {
      case 'notify': {
        const { title, message } = notificationText(deps.lang, toolNames.get(f.tool) ?? f.tool, f);
        const shown = await deps.notifier.notify({ title, message, lang: deps.lang, finding: f.id, ...(f.user ? { user: f.user } : {}) });
        deps.audit.write({
          event: 'notify',
          outcome: shown.via === null ? 'unavailable' : 'ok',
          ...auditFields(f),
          detail: `${title}: ${message} (${deliveredBy(shown, f.user)})`,
        });
        outcomes.push({ step, state: 'open', outcome: shown.via === null ? 'notification logged' : 'notified' });
        break;
      }
      case 'kill': {
        const r = await killProcess(deps, step.target);
        deps.audit.write({ event: 'kill', outcome: r.ok ? 'ok' : 'failed', ...auditFields(f), detail: r.outcome });
        outcomes.push({ step, state: r.ok ? 'remediated' : 'failed', outcome: r.outcome });
        break;
      }
      case 'quarantine': {
        try {
          const item = await quarantineRetryingBusy(deps, {
            path: step.target.path,
            scanRoot: step.target.scanRoot,
            tool: f.tool,
            policy: f.policy,
            rule: f.rule,
            role: step.target.role,
            ...(f.user ? { user: f.user } : {}),
          });
          const outcome = `moved to quarantine as ${item.id}`;
          deps.audit.write({ event: 'quarantine', outcome: 'ok', ...auditFields(f), path: step.target.path, detail: outcome });
          outcomes.push({ step, state: 'remediated', outcome });
        } catch (err) {
          const outcome = `not quarantined: ${(err as Error).message}`;
          deps.audit.write({ event: 'quarantine', outcome: 'failed', ...auditFields(f), path: step.target.path, detail: outcome });
          outcomes.push({ step, state: 'failed', outcome, ...(err instanceof CordonError && err.details.changing === true ? { changing: true } : {}) });
        }
        break;
      }
      case 'uninstall': {
        const r = await removePackage(deps, step.package);
        deps.audit.write({ event: 'uninstall', outcome: r.ok ? 'ok' : 'failed', ...auditFields(f), path: step.target.path, detail: r.outcome });
        outcomes.push({ step, state: r.ok ? 'remediated' : 'failed', outcome: r.outcome });
        break;
      }
      case 'manual':
        outcomes.push({ step, state: 'open', outcome: step.reason });
        break;
    }
  }
  return outcomes;
}

/** Findings with the outcome of their removal steps applied (notify alone leaves a finding open); an install with
 * several parts is remediated only when every part was, and its outcome names each part. */
export function applyOutcomes<F extends Finding>(findings: readonly F[], outcomes: readonly StepOutcome[]): F[] {
  const byId = new Map<string, StepOutcome[]>();
  for (const o of outcomes) {
    if (o.step.action === 'notify') continue;
    byId.set(o.step.finding.id, [...(byId.get(o.step.finding.id) ?? []), o]);
  }
  return findings.map((f) => {
    const list = byId.get(f.id);
    if (!list) return f;
    const state = list.some((o) => o.state === 'failed') ? 'failed' : list.some((o) => o.state === 'open') ? 'open' : 'remediated';
    const outcome =
      list.length === 1
        ? (list[0] as StepOutcome).outcome
        : list.map((o) => `${o.step.action === 'quarantine' ? `${o.step.target.path}: ` : ''}${o.outcome}`).join('; ');
    return { ...f, state, outcome };
  });
}
