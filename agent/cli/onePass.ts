// `scan` and `enforce` as one pass of the shared path: collect everything once, then run the pass the daemon runs.
import { AuditLog } from '../adapters/auditLog.js';
import { agentOwnTargets, type AgentConfig } from '../adapters/config.js';
import { loadBuiltInCatalog } from '../adapters/catalogFiles.js';
import { nodeFileSystem } from '../adapters/fileSystem.js';
import { nodeProcessKiller } from '../adapters/killer.js';
import { osPackageRemover } from '../adapters/packages.js';
import { desktopNotifier } from '../adapters/notifier.js';
import { createProcessSource } from '../adapters/processes/index.js';
import { Quarantine } from '../adapters/quarantine/index.js';
import { ensureStateDir, writeStatusFile } from '../adapters/statusFile.js';
import { createUserDirectory } from '../adapters/users.js';
import type { Catalog } from '../core/catalog/types.js';
import { EnforcementMemory } from '../core/enforce/memory.js';
import { languageFromEnv } from '../common/localize.js';
import { CordonError } from '../common/errors.js';
import type { PassResult } from '../daemon/pass.js';
import { runPass } from '../daemon/pass.js';
import { Collector } from '../daemon/collector.js';
import { loadPolicyState } from '../daemon/compose.js';
import { detectContextFor } from '../daemon/engine.js';
import { auditStartHookChanges, syncStartHooks } from '../daemon/startHooks.js';
import type { StartHookStatus } from '../common/model.js';

export function parseAt(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) {
    throw new CordonError('usage', `--at "${value}" is not an ISO 8601 time`, { fix: 'write it like 2026-07-10T00:00:00+08:00' });
  }
  return at;
}

/**
 * `scan` (enforce: false) stops after the plan and writes nothing. `enforce` carries the plan out, stores the policies
 * it accepted as last-known-good and writes status.json; with `at` it is a rehearsal as of that time, which never
 * moves the trusted-time mark.
 */
export async function runOnePass(config: AgentConfig, opts: { at?: Date; drafts?: string[]; enforce: boolean }): Promise<PassResult & { catalog: Catalog }> {
  const policyState = loadPolicyState(config, loadBuiltInCatalog(), {
    ...(opts.at ? { at: opts.at } : {}),
    ...(opts.drafts ? { drafts: opts.drafts } : {}),
    readOnly: !opts.enforce,
  });
  const draftErrors = policyState.errors.filter((e) => opts.drafts?.includes(e.file));
  if (draftErrors[0]) {
    throw new CordonError(draftErrors[0].code as never, draftErrors[0].message, {
      where: draftErrors[0].file,
      fix: 'check it with `cordon policy validate FILE`',
    });
  }
  const users = createUserDirectory(config.homes ? { homes: config.homes } : {});
  const ctx = detectContextFor(config, users.homes(), (uid) => users.userName(uid));
  const collector = new Collector(nodeFileSystem, createProcessSource({ incremental: false }), ctx, policyState.catalog);
  await collector.rescanAll();
  const host = users.hostName();
  let enforcer = null;
  let startHooks: StartHookStatus[] | undefined;
  if (opts.enforce) {
    ensureStateDir(config.stateDir);
    const quarantine = new Quarantine({ dir: config.quarantineDir, stateDir: config.stateDir });
    await quarantine.recover();
    const audit = new AuditLog(config.stateDir, host, undefined, config.auditFormat);
    const hooks = syncStartHooks(config, policyState.policies, users, host, policyState.now);
    auditStartHookChanges(audit, hooks);
    startHooks = hooks.statuses;
    enforcer = {
      killer: nodeProcessKiller,
      quarantine,
      ...(osPackageRemover ? { packages: osPackageRemover } : {}),
      notifier: desktopNotifier,
      audit,
      lang: languageFromEnv(process.env),
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    };
  }
  const result = await runPass(
    {
      collection: collector,
      policyState,
      now: policyState.now,
      memory: new EnforcementMemory(),
      warnings: config.allowUnsigned ? ['allowUnsigned is on: unsigned policies are accepted (development only)'] : [],
      ...(startHooks ? { startHooks } : {}),
    },
    { enforcer, host, groupsOf: (u) => users.groupsOf(u), guard: agentOwnTargets(config) },
  );
  if (opts.enforce) writeStatusFile(config.stateDir, result.status);
  return { ...result, catalog: policyState.catalog };
}
