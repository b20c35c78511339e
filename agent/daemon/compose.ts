// The composition root: the one place that wires the real adapters into the engine and the daemon.
import type { AgentConfig } from '../adapters/config.js';
import { loadBuiltInCatalog } from '../adapters/catalogFiles.js';
import { nodeFileSystem } from '../adapters/fileSystem.js';
import { nodeProcessKiller } from '../adapters/killer.js';
import { osPackageRemover } from '../adapters/packages.js';
import { desktopNotifier } from '../adapters/notifier.js';
import { loadPolicySet } from '../adapters/policyStore.js';
import { createExeMarkReader, createProcessEventSource, createProcessSource } from '../adapters/processes/index.js';
import { inProcessScope } from '../adapters/processes/scope.js';
import { Quarantine } from '../adapters/quarantine/index.js';
import { Reporter } from '../adapters/reporter.js';
import { createUserDirectory } from '../adapters/users.js';
import { languageFromEnv } from '../common/localize.js';
import type { Catalog } from '../core/catalog/types.js';
import type { Clock } from '../ports/index.js';
import type { DaemonDeps } from './daemon.js';
import type { PolicyState } from './engine.js';

export const systemClock: Clock = { now: () => new Date() };

export interface PolicyLoadOptions {
  /** `--at`: evaluate as of another time, bypassing (and never moving) the clock guard. Stores last-known-good copies unless `readOnly`. */
  at?: Date;
  /** `--policy FILE` drafts: added as-is, unsigned, for a preview. */
  drafts?: string[];
  /** Read-only runs (scan) never write last-known-good copies or the clock mark. */
  readOnly?: boolean;
}

export function loadPolicyState(config: AgentConfig, catalog: Catalog, opts: PolicyLoadOptions = {}): PolicyState & { now: Date } {
  return loadPolicySet({
    policyDir: config.policyDir,
    stateDir: config.stateDir,
    trustedKeys: config.trustedKeys,
    allowUnsigned: config.allowUnsigned,
    catalog,
    now: opts.at ?? systemClock.now(),
    ...(opts.at ? { preview: true } : {}),
    ...(opts.drafts?.length ? { extraUnsignedFiles: opts.drafts } : {}),
    ...(opts.readOnly ? { readOnly: true } : {}),
  });
}

export function createDaemonDeps(config: AgentConfig): DaemonDeps {
  const catalog = loadBuiltInCatalog();
  return {
    config,
    fs: nodeFileSystem,
    users: createUserDirectory(config.homes ? { homes: config.homes } : {}),
    clock: systemClock,
    processes: createProcessSource({ incremental: true }),
    exeMarks: createExeMarkReader(),
    processEvents: config.processEvents ? createProcessEventSource() : null,
    inProcessScope: inProcessScope(config.processScope),
    killer: nodeProcessKiller,
    notifier: desktopNotifier,
    ...(osPackageRemover ? { packages: osPackageRemover } : {}),
    quarantine: new Quarantine({ dir: config.quarantineDir, stateDir: config.stateDir }),
    loadPolicies: (now) =>
      loadPolicySet({
        policyDir: config.policyDir,
        stateDir: config.stateDir,
        trustedKeys: config.trustedKeys,
        allowUnsigned: config.allowUnsigned,
        catalog,
        now,
      }),
    lang: languageFromEnv(process.env),
    reporter: config.report ? new Reporter(config.report, config.stateDir) : null,
  };
}
