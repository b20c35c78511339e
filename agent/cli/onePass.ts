// One pass of detection and evaluation for `scan` (stops at the plan) and `enforce` (carries it out).
import { AuditLog } from '../adapters/auditLog.js';
import type { AgentConfig } from '../adapters/config.js';
import { loadBuiltInCatalog } from '../adapters/catalogFiles.js';
import { nodeFileSystem } from '../adapters/fileSystem.js';
import { nodeProcessKiller } from '../adapters/killer.js';
import { desktopNotifier } from '../adapters/notifier.js';
import { createProcessSource } from '../adapters/processes/index.js';
import { Quarantine } from '../adapters/quarantine/index.js';
import { ensureStateDir, writeStatusFile } from '../adapters/statusFile.js';
import { createUserDirectory } from '../adapters/users.js';
import type { Catalog } from '../core/catalog/types.js';
import { planEnforcement, type PlannedStep } from '../core/enforce/plan.js';
import { languageFromEnv } from '../core/status/localize.js';
import { CordonError } from '../common/errors.js';
import type { Finding, Observation, Status } from '../common/model.js';
import { loadPolicyState } from '../daemon/compose.js';
import { applyOutcomes, auditFields, carryOut } from '../daemon/enforcer.js';
import { buildStatus, detectContextFor, detectFiles, detectProcesses, findFindings, observationFinder } from '../daemon/engine.js';

export interface PassResult {
  status: Status;
  catalog: Catalog;
  plan: PlannedStep[];
}

export function parseAt(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) {
    throw new CordonError('usage', `--at "${value}" is not an ISO 8601 time`, { fix: 'write it like 2026-07-10T00:00:00+08:00' });
  }
  return at;
}

export async function runPass(config: AgentConfig, opts: { at?: Date; drafts?: string[]; enforce: boolean }): Promise<PassResult> {
  const builtIn = loadBuiltInCatalog();
  const policyState = loadPolicyState(config, builtIn, {
    ...(opts.at ? { at: opts.at } : {}),
    ...(opts.drafts ? { drafts: opts.drafts } : {}),
    readOnly: !opts.enforce,
  });
  const draftErrors = policyState.errors.filter((e) => opts.drafts?.includes(e.file));
  if (draftErrors[0]) {
    throw new CordonError(draftErrors[0].code as never, draftErrors[0].message, { where: draftErrors[0].file, fix: 'check it with `cordon policy validate FILE`' });
  }
  const users = createUserDirectory(config.homes ? { homes: config.homes } : {});
  const ctx = detectContextFor(config, users.homes(), (uid) => users.userName(uid));
  const catalog = policyState.catalog;
  let observations: Observation[] = [
    ...detectFiles(nodeFileSystem, catalog, ctx),
    ...detectProcesses(await createProcessSource({ incremental: false }).list(), catalog, ctx),
  ];
  const host = users.hostName();
  const now = policyState.now;
  let findings: Finding[] = findFindings(observations, policyState, { now, host, groupsOf: (u) => users.groupsOf(u) });
  const plan = planEnforcement({ findings, observationOf: observationFinder(observations) });
  if (opts.enforce) {
    ensureStateDir(config.stateDir);
    const audit = new AuditLog(config.stateDir, host);
    const quarantine = new Quarantine({ dir: config.quarantineDir, stateDir: config.stateDir });
    await quarantine.recover();
    const names = new Map(catalog.tools.map((t) => [t.id, t.name]));
    for (const f of findings) audit.write({ event: 'detected', outcome: f.state, ...auditFields(f), detail: f.detail });
    const outcomes = await carryOut(
      {
        killer: nodeProcessKiller,
        quarantine,
        notifier: desktopNotifier,
        audit,
        lang: languageFromEnv(process.env),
        toolName: (id) => names.get(id) ?? id,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      },
      plan,
    );
    // Look again: what was removed is gone, and what sat inside a quarantined folder went with it.
    const killed = new Set(outcomes.filter((o) => o.step.action === 'kill' && o.state === 'remediated').map((o) => o.step.finding.pid));
    observations = [
      ...detectFiles(nodeFileSystem, catalog, ctx),
      ...observations.filter((o) => o.kind === 'process' && !killed.has(o.pid)),
    ];
    const after = applyOutcomes(findFindings(observations, policyState, { now, host, groupsOf: (u) => users.groupsOf(u) }), outcomes);
    const present = new Set(after.map((f) => f.id));
    findings = [...after, ...applyOutcomes(findings, outcomes).filter((f) => f.state === 'remediated' && !present.has(f.id))];
  }
  const status = buildStatus({
    now,
    host,
    policyState,
    observations,
    findings,
    warnings: config.allowUnsigned ? ['allowUnsigned is on: unsigned policies are accepted (development only)'] : [],
  });
  if (opts.enforce) writeStatusFile(config.stateDir, status);
  return { status, catalog, plan };
}
