// Keeps each tool's managed start hook in step with the policies: installed while some user is prevented or narrowed, gone after.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditLog } from '../adapters/auditLog.js';
import type { AgentConfig } from '../adapters/config.js';
import { readOrganisationLayers } from '../adapters/managedSettingsFiles.js';
import { installStartHook, precedingPolicySources, removeStartHook } from '../adapters/startHookFiles.js';
import { decisionFor, type GateDecisions } from '../core/gate/decisions.js';
import { firstRefusal, gateDecisions, gateNeeded, gateUserNames, hookMinimumVersion } from '../core/gate/decide.js';
import { mergeManagedLayers } from '../core/gate/managedSettings.js';
import { FRAGMENT_NAME, fragmentText, launcherScript, START_HOOK_TOOLS, startHookLayout, type StartHookLayout } from '../core/gate/startHook.js';
import type { LoadedPolicy } from '../core/policy/types.js';
import type { StartHookStatus } from '../common/model.js';
import type { UserDirectory } from '../ports/index.js';

/** The built hook entry beside this file's folder (dist/agent/cli/gate.js). */
const GATE_ENTRY = fileURLToPath(new URL('../cli/gate.js', import.meta.url));

export interface StartHookChange {
  tool: string;
  change: 'installed' | 'removed';
  files: string[];
}

export interface StartHookSync {
  statuses: StartHookStatus[];
  changes: StartHookChange[];
  /** The decisions per tool, for the daemon's `gate` answers. */
  decisions: Map<string, GateDecisions>;
}

export function auditStartHookChanges(audit: AuditLog, sync: StartHookSync): void {
  for (const c of sync.changes) {
    audit.write({ event: c.change === 'installed' ? 'start-hook-installed' : 'start-hook-removed', outcome: 'ok', tool: c.tool, detail: c.files.join(', ') });
  }
  for (const s of sync.statuses) for (const problem of s.problems) audit.write({ event: 'error', outcome: 'start-hook', tool: s.tool, detail: problem });
}

export function startHookLayoutFor(config: AgentConfig, tool: string): StartHookLayout {
  return startHookLayout(config.platform, tool, {
    ...(config.startHook.managedSettingsDir ? { managedDir: config.startHook.managedSettingsDir } : {}),
    ...(config.startHook.dir ? { gateDir: config.startHook.dir } : {}),
  });
}

export function startHookRecordFile(config: AgentConfig, tool: string): string {
  return path.join(config.stateDir, 'start-hooks', `${tool}.json`);
}

function failClosedFrom(config: AgentConfig, decisions: GateDecisions, now: Date): string | null {
  switch (config.startHook.failMode) {
    case 'open':
      return null;
    case 'closed':
      return new Date(0).toISOString();
    case 'auto':
      return firstRefusal(decisions, now);
  }
}

/** One step of a pass: compute each hooked tool's decisions, then install, update or remove its files. */
export function syncStartHooks(config: AgentConfig, policies: readonly LoadedPolicy[], users: UserDirectory, host: string, now: Date): StartHookSync {
  const sync: StartHookSync = { statuses: [], changes: [], decisions: new Map() };
  const names = gateUserNames(
    users.homes().map((h) => h.user),
    policies,
  );
  const gateUsers = names.map((name) => ({ name, groups: users.groupsOf(name) }));
  for (const [tool, { name: toolName }] of Object.entries(START_HOOK_TOOLS)) {
    const layout = startHookLayoutFor(config, tool);
    const record = startHookRecordFile(config, tool);
    const decisions = gateDecisions(tool, policies, gateUsers, host);
    sync.decisions.set(tool, decisions);
    const current = decisionFor(decisions, undefined, now);
    const status: StartHookStatus = {
      tool,
      toolName,
      installed: false,
      files: [],
      now: current.kind,
      ...(current.kind === 'narrow' ? { models: current.models } : {}),
      problems: [],
    };
    sync.statuses.push(status);
    const orgHelper = mergeManagedLayers(readOrganisationLayers(layout.managedDir, FRAGMENT_NAME).layers.map((l) => l.settings)).policyHelper;
    if (!gateNeeded(decisions, now) || orgHelper !== undefined) {
      if (orgHelper !== undefined && gateNeeded(decisions, now)) {
        status.problems.push(
          `your organisation's managed settings in ${layout.managedDir} already name a policyHelper, so Cordon does not install its own; ${toolName} is not prevented or narrowed by Cordon (kill and quarantine still apply)`,
        );
      }
      const removed = removeStartHook(layout, record);
      status.problems.push(...removed.problems);
      if (removed.changed.length > 0) sync.changes.push({ tool, change: 'removed', files: removed.changed });
      continue;
    }
    const launcher = launcherScript(layout, {
      node: process.execPath,
      entry: GATE_ENTRY,
      tool,
      socketPath: config.socketPath,
      failClosedFrom: failClosedFrom(config, decisions, now),
    });
    const installed = installStartHook(
      layout,
      { fragment: fragmentText(layout, hookMinimumVersion(tool, policies)), launcher, decisions: `${JSON.stringify(decisions, null, 2)}\n` },
      record,
    );
    status.problems.push(...installed.problems);
    status.installed = installed.problems.length === 0;
    status.files = [layout.fragmentPath, ...(launcher !== null ? [layout.launcherPath] : []), layout.decisionsPath];
    for (const source of precedingPolicySources(layout, config.systemRoot)) {
      status.problems.push(`${source}; Claude Code then ignores its managed files, including Cordon's start hook`);
    }
    if (installed.changed.length > 0) sync.changes.push({ tool, change: 'installed', files: installed.changed });
  }
  return sync;
}
