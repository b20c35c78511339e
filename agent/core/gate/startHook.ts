// Where Claude Code looks for managed settings on each OS, and the exact files Cordon writes there to become its start hook.
import { CordonError } from '../../common/errors.js';
import type { Platform } from '../../common/model.js';

/** Tools that offer a managed start hook Cordon can answer, with the name the employee knows them by. */
export const START_HOOK_TOOLS: Readonly<Record<string, { name: string }>> = {
  'claude-code': { name: 'Claude Code' },
};

/** Cordon's own fragment; Claude Code merges `managed-settings.d/*.json` in name order. */
export const FRAGMENT_NAME = 'cordon-policy-helper.json';

/** Claude Code's own limit is 10 s by default; the hook gives up long before (see GATE_DEADLINE_MS in the hook). */
export const HELPER_TIMEOUT_MS = 10_000;
/** Re-run every 10 minutes in running sessions, so a narrowing that starts mid-session reaches them (0 or ≥ 60 000). */
export const HELPER_REFRESH_MS = 600_000;

export interface StartHookLayout {
  platform: Platform;
  /** Claude Code's managed settings folder (fixed by Claude Code per OS). */
  managedDir: string;
  fragmentPath: string;
  /** Cordon's folder for the launcher and the decision file: root-owned, readable by everyone. */
  gateDir: string;
  launcherPath: string;
  decisionsPath: string;
  /** Sources Claude Code reads before the files; when one holds a policy, the files (and so Cordon's hook) are ignored. */
  precedingSources: string[];
}

const MANAGED_DIRS: Record<Platform, string> = {
  linux: '/etc/claude-code',
  darwin: '/Library/Application Support/ClaudeCode',
  win32: 'C:\\Program Files\\ClaudeCode',
};

const GATE_DIRS: Record<Platform, string> = {
  linux: '/usr/local/lib/cordon-gate',
  darwin: '/Library/Application Support/Cordon/gate',
  win32: 'C:\\Program Files\\Cordon\\gate',
};

const PRECEDING_SOURCES: Record<Platform, string[]> = {
  linux: [],
  darwin: ['/Library/Managed Preferences/com.anthropic.claudecode.plist (configuration profile, domain com.anthropic.claudecode)'],
  win32: ['HKLM\\SOFTWARE\\Policies\\ClaudeCode, value Settings (registry policy)'],
};

function join(platform: Platform, ...parts: string[]): string {
  const sep = platform === 'win32' ? '\\' : '/';
  return parts.map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, '') : p.replace(/^[\\/]+|[\\/]+$/g, ''))).join(sep);
}

/** The files for one tool; `managedDir` and `gateDir` default to the OS locations (tests and images override them). */
export function startHookLayout(platform: Platform, tool: string, opts: { managedDir?: string; gateDir?: string } = {}): StartHookLayout {
  const managedDir = opts.managedDir ?? MANAGED_DIRS[platform];
  const gateDir = opts.gateDir ?? GATE_DIRS[platform];
  return {
    platform,
    managedDir,
    fragmentPath: join(platform, managedDir, 'managed-settings.d', FRAGMENT_NAME),
    gateDir,
    launcherPath: join(platform, gateDir, platform === 'win32' ? `${tool}-gate.exe` : `${tool}-gate`),
    decisionsPath: join(platform, gateDir, `${tool}.decisions.json`),
    precedingSources: PRECEDING_SOURCES[platform],
  };
}

/** Cordon's managed-settings fragment: run the launcher at every start; the minimum version also stops clients too old for the hook. */
export function fragmentText(layout: StartHookLayout, requiredMinimumVersion?: string): string {
  if (layout.platform === 'win32' && !layout.launcherPath.toLowerCase().endsWith('.exe')) {
    throw new CordonError('config-invalid', `the policy helper on Windows must be an .exe; ${layout.launcherPath} is not`, {
      where: layout.launcherPath,
      fix: 'use a launcher path that ends in .exe',
    });
  }
  const fragment = {
    policyHelper: { path: layout.launcherPath, timeoutMs: HELPER_TIMEOUT_MS, refreshIntervalMs: HELPER_REFRESH_MS },
    ...(requiredMinimumVersion ? { requiredMinimumVersion } : {}),
  };
  return `${JSON.stringify(fragment, null, 2)}\n`;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export interface LauncherTarget {
  /** Absolute path of the node executable the daemon itself runs on. */
  node: string;
  /** Absolute path of the built hook entry (dist/agent/cli/gate.js). */
  entry: string;
  tool: string;
  socketPath: string;
  /** From this instant on, an unreadable decision refuses the start (null: never; see the gate's fail mode). */
  failClosedFrom: string | null;
}

/**
 * The root-owned launcher Claude Code runs (POSIX shell). It starts node with an empty environment apart from the
 * language, so an employee's NODE_OPTIONS or NODE_PATH cannot load their own code into the hook. Windows needs an .exe
 * (installed by scripts/windows/install-service.ps1), so there is no script for it.
 */
export function launcherScript(layout: StartHookLayout, target: LauncherTarget): string | null {
  if (layout.platform === 'win32') return null;
  const args = [
    target.entry,
    target.tool,
    '--decisions',
    layout.decisionsPath,
    '--managed-dir',
    layout.managedDir,
    '--socket',
    target.socketPath,
    ...(target.failClosedFrom ? ['--fail-closed-from', target.failClosedFrom] : []),
  ];
  return [
    '#!/bin/sh',
    `# Cordon's start hook for ${START_HOOK_TOOLS[target.tool]?.name ?? target.tool} (its managed policyHelper). Written by the Cordon daemon, removed when no policy needs it.`,
    `exec /usr/bin/env -i LANG="$LANG" LC_ALL="$LC_ALL" LC_MESSAGES="$LC_MESSAGES" ${[target.node, ...args].map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}
