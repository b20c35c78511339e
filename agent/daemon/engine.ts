// The one detection-and-evaluation path shared by `scan`, `enforce` and the daemon, so a preview never lies.
import type { AgentConfig } from '../adapters/config.js';
import type { Catalog, ToolSignature } from '../core/catalog/types.js';
import type { DetectContext } from '../core/detect/index.js';
import type { ExplainInput } from '../core/explain.js';
import { matchProcesses, scanConfigs, scanInstalls } from '../core/detect/index.js';
import { evaluate, upcomingRules } from '../core/policy/evaluate.js';
import type { LoadedPolicy } from '../core/policy/types.js';
import { START_HOOK_TOOLS } from '../core/gate/startHook.js';
import { complianceOf, withDecisions } from '../core/status/compliance.js';
import type {
  Finding,
  InstallFormInfo,
  InventoryItem,
  Observation,
  PolicyError,
  ProcessInfo,
  StartHookStatus,
  Status,
  StatusError,
  TargetedFinding,
} from '../common/model.js';
import { AGENT_VERSION } from '../common/version.js';
import type { FileSystemPort, HomeDir } from '../ports/index.js';
import { startHookLayoutFor } from './startHooks.js';

export interface PolicyState {
  policies: LoadedPolicy[];
  errors: PolicyError[];
  /** Built-in catalog merged with the tools that policies define. */
  catalog: Catalog;
}

const namesByCatalog = new WeakMap<Catalog, ReadonlyMap<string, string>>();

/** Display names by tool id, built once per catalog (a catalog changes only when the policies do). */
export function toolNamesOf(catalog: Catalog): ReadonlyMap<string, string> {
  let names = namesByCatalog.get(catalog);
  if (!names) {
    names = new Map(catalog.tools.map((t) => [t.id, t.name]));
    namesByCatalog.set(catalog, names);
  }
  return names;
}

export function detectContextFor(config: AgentConfig, homes: HomeDir[], userName?: (uid: number) => string | undefined): DetectContext {
  return { platform: config.platform, systemRoot: config.systemRoot, homes, ...(userName ? { userName } : {}) };
}

/** Installs and configs: bounded reads of declared locations only. */
export function detectFiles(fs: FileSystemPort, catalog: Catalog, ctx: DetectContext, brokenLinks?: (link: string, why: string) => void): Observation[] {
  return [...scanInstalls(fs, catalog.tools, ctx, brokenLinks), ...scanConfigs(fs, catalog.tools, ctx)];
}

export function detectProcesses(procs: ProcessInfo[], catalog: Catalog, ctx: DetectContext): Observation[] {
  return matchProcesses(procs, catalog, ctx.platform);
}

function toInventory(obs: Observation, tools: ReadonlyMap<string, ToolSignature>): InventoryItem {
  const item: InventoryItem = { tool: obs.tool, kind: obs.kind };
  const tool = tools.get(obs.tool);
  if (tool) {
    item.toolName = tool.name;
    item.category = tool.category;
  }
  if (obs.riskFlags?.length) item.riskFlags = obs.riskFlags;
  if (obs.path !== undefined) item.path = obs.path;
  if (obs.pid !== undefined) item.pid = obs.pid;
  if (obs.user !== undefined) item.user = obs.user;
  item.detail = obs.detail ? `${obs.signal}: ${obs.detail}` : obs.signal;
  if (obs.parts && obs.parts.length > 1) item.parts = obs.parts;
  return item;
}

/**
 * Policies decide over tools and the user's settings; evidence files (package sources, signing keys) only
 * tell that a tool was installed, so they stay in the inventory and never become findings of their own.
 */
export function findFindings(
  observations: Observation[],
  policyState: PolicyState,
  ctx: { now: Date; host: string; groupsOf(user: string): string[] },
): TargetedFinding[] {
  return evaluate(
    observations.filter((o) => o.role !== 'evidence'),
    policyState.policies,
    ctx,
  );
}

/** A finding as clients see it: the tool's display name added, the enforcement target left out. */
function publicFinding({ target: _target, ...f }: TargetedFinding, names: ReadonlyMap<string, string>, forms: ReadonlyMap<string, InstallFormInfo>): Finding {
  const name = names.get(f.tool);
  const form = f.kind === 'install' && f.path !== undefined ? forms.get(`${f.tool}\0${f.path}`) : undefined;
  return { ...f, ...(name ? { toolName: name } : {}), ...(form ? { form } : {}) };
}

/** The install form (name and removal steps from the catalog) of each install observed as one, by tool and path. */
function installFormsOf(catalog: Catalog, observations: readonly Observation[]): Map<string, InstallFormInfo> {
  const forms = new Map<string, InstallFormInfo>();
  for (const o of observations) {
    if (o.kind !== 'install' || !o.form || o.path === undefined) continue;
    const form = catalog.tools.find((t) => t.id === o.tool)?.forms?.find((x) => x.id === o.form);
    if (form) forms.set(`${o.tool}\0${o.path}`, { id: form.id, name: form.name, steps: form.steps });
  }
  return forms;
}

export function buildStatus(input: {
  now: Date;
  host: string;
  policyState: PolicyState;
  observations: readonly Observation[];
  findings: readonly TargetedFinding[];
  warnings?: string[];
  pid?: number;
  startHooks?: StartHookStatus[];
  /** Detection sources that failed during this look. */
  detectionProblems?: StatusError[];
}): Status {
  const names = toolNamesOf(input.policyState.catalog);
  const forms = installFormsOf(input.policyState.catalog, input.observations);
  const tools = new Map(input.policyState.catalog.tools.map((t) => [t.id, t]));
  const errors: StatusError[] = [
    ...input.policyState.errors.map((e) => ({ source: 'policy' as const, code: e.code, message: `${e.file}: ${e.message}` })),
    ...(input.detectionProblems ?? []),
  ];
  return {
    evaluatedAt: input.now.toISOString(),
    host: input.host,
    compliance: complianceOf(input.findings, input.policyState.errors),
    policies: input.policyState.policies.map((p) => p.ref),
    policyErrors: input.policyState.errors,
    ...(errors.length ? { errors } : {}),
    inventory: input.observations.map((o) => toInventory(o, tools)),
    findings: input.findings.map((f) => withDecisions(publicFinding(f, names, forms))),
    upcoming: upcomingRules(input.observations, input.policyState.policies, input.now).map((u) => ({ ...u, toolNames: u.tools.map((t) => names.get(t) ?? t) })),
    ...(input.startHooks ? { startHooks: input.startHooks } : {}),
    agent: {
      version: AGENT_VERSION,
      ...(input.pid !== undefined ? { pid: input.pid } : {}),
      ...(input.warnings?.length ? { warnings: input.warnings } : {}),
    },
  };
}

/** What the transparency declaration needs from the config. */
export function explainInputFor(config: AgentConfig, catalog: Catalog): ExplainInput {
  return {
    platform: config.platform,
    systemRoot: config.systemRoot,
    homes: config.homes ?? 'every user home on this machine',
    policyDir: config.policyDir,
    stateDir: config.stateDir,
    quarantineDir: config.quarantineDir,
    socketPath: config.socketPath,
    pollIntervalMs: config.pollIntervalMs,
    processEvents: config.processEvents,
    report: config.report,
    catalog,
    startHooks: Object.entries(START_HOOK_TOOLS).map(([tool, { name }]) => {
      const layout = startHookLayoutFor(config, tool);
      return {
        toolName: name,
        managedDir: layout.managedDir,
        fragmentPath: layout.fragmentPath,
        launcherPath: layout.launcherPath,
        decisionsPath: layout.decisionsPath,
      };
    }),
  };
}
