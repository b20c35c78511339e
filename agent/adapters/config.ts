// Finds and validates the agent config (JSON); unknown keys are errors so a typo never weakens enforcement.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';
import { CordonError } from '../common/errors.js';
import { adminSocketFor, defaultSocketPath } from '../common/ipc.js';
import { formatSchemaProblem, schemaProblem } from '../core/schemaErrors.js';
import type { Platform } from '../common/model.js';
import { untrustedReason } from './fileTrust.js';
import { defaultConfigFile, defaultStateDir, hostPlatform } from './configDefaults.js';

export interface TrustedKey {
  id: string;
  /** PEM, SPKI. */
  publicKey: string;
}

export interface ReportConfig {
  url: string;
  intervalSeconds?: number;
  headers?: Record<string, string>;
}

/** A process session (Linux `setsid`): only its members are looked at; no process can join a session it did not start in. */
export interface ProcessScope {
  session: number;
}

/** How Cordon answers a tool's managed start hook (Claude Code's policyHelper). */
export interface StartHookConfig {
  /**
   * When the hook can read no decision (file and daemon both unavailable): `auto` refuses the start from the first
   * moment a `prevent` phase covers everyone, `closed` always refuses, `open` always lets the tool start.
   */
  failMode: 'auto' | 'closed' | 'open';
  /** Claude Code's managed settings folder; null: the OS location (/etc/claude-code on Linux). */
  managedSettingsDir: string | null;
  /** Cordon's folder for the launcher and decision file; null: the OS default (/usr/local/lib/cordon-gate on Linux). */
  dir: string | null;
}

export interface AgentConfig {
  /** The file this config came from, or null when built-in defaults apply. */
  file: string | null;
  policyDir: string;
  stateDir: string;
  quarantineDir: string;
  trustedKeys: TrustedKey[];
  allowUnsigned: boolean;
  /** null: every user's home on the machine. */
  homes: string[] | null;
  systemRoot: string;
  platform: Platform;
  pollIntervalMs: number;
  /** Use the OS's exec events where it has them (polling stays as the fallback and safety net). */
  processEvents: boolean;
  /** Testing and benchmarking only: the agent acts only on processes of this session (see the README). */
  processScope: ProcessScope | null;
  socketPath: string;
  adminSocketPath: string;
  report: ReportConfig | null;
  /** Format of audit.jsonl: `cordon` (default) or `ecs` (Elastic Common Schema). */
  auditFormat: 'cordon' | 'ecs';
  startHook: StartHookConfig;
}

/**
 * 200 ms keeps the p95 time from a banned process's start to its kill under 300 ms while an idle tick
 * (one readdir of /proc) costs well under a millisecond; `npm run bench` measures both.
 */
export const DEFAULT_POLL_INTERVAL_MS = 200;

const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    policyDir: { type: 'string', minLength: 1 },
    stateDir: { type: 'string', minLength: 1 },
    quarantineDir: { type: 'string', minLength: 1 },
    trustedKeys: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'publicKey'],
        properties: { id: { type: 'string', minLength: 1 }, publicKey: { type: 'string', minLength: 1 } },
      },
    },
    allowUnsigned: { type: 'boolean' },
    homes: { type: 'array', items: { type: 'string', minLength: 1 } },
    systemRoot: { type: 'string', minLength: 1 },
    platform: { enum: ['linux', 'darwin', 'win32'] },
    pollIntervalMs: { type: 'integer', minimum: 20, maximum: 600_000 },
    processEvents: { type: 'boolean' },
    processScope: {
      type: 'object',
      additionalProperties: false,
      required: ['session'],
      properties: { session: { type: 'integer', minimum: 1 } },
    },
    socketPath: { type: 'string', minLength: 1 },
    auditFormat: { enum: ['cordon', 'ecs'] },
    startHook: {
      type: 'object',
      additionalProperties: false,
      properties: {
        failMode: { enum: ['auto', 'closed', 'open'] },
        managedSettingsDir: { type: 'string', minLength: 1 },
        dir: { type: 'string', minLength: 1 },
      },
    },
    report: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { type: 'string', pattern: '^https?://' },
        intervalSeconds: { type: 'integer', minimum: 10 },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
  },
} as const;

/** Loaded and compiled on first use, so a command that reads no config (`--help`) does not pay for the schema compiler. */
let configValidator: ValidateFunction | undefined;
function configValidatorOnce(): ValidateFunction {
  if (!configValidator) {
    const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as { Ajv: typeof Ajv };
    // The schema is a constant of this file (its tests compile it): checking it against JSON Schema's meta-schema on every
    // command would double the compile time.
    configValidator = new AjvClass({ allErrors: true, verbose: true, validateSchema: false }).compile(CONFIG_SCHEMA);
  }
  return configValidator;
}

/** Finds the config: `--config FILE`, else `$CORDON_CONFIG`, else the OS default; none at all means defaults. */
export function loadAgentConfig(explicit?: string, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const platform = hostPlatform();
  const file = explicit ?? env.CORDON_CONFIG ?? defaultConfigFile(platform, env);
  let raw: string | null = null;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' || explicit !== undefined || env.CORDON_CONFIG !== undefined) {
      throw new CordonError(
        code === 'ENOENT' ? 'config-missing' : 'config-invalid',
        code === 'ENOENT' ? 'config file not found' : `config file cannot be read (${code ?? 'error'})`,
        { where: file, fix: 'pass an existing file with --config, or omit it to use built-in defaults' },
        err,
      );
    }
  }
  if (raw !== null) {
    // The config names the trusted keys, allowUnsigned and the policy folder: whoever can write it owns enforcement.
    const reason = untrustedReason(file);
    if (reason !== null) {
      throw new CordonError('config-invalid', `refused: another user could have written it (${reason})`, {
        where: file,
        fix:
          platform === 'win32'
            ? 'run scripts\\windows\\install-service.ps1, which gives the Cordon folder to SYSTEM and Administrators with inheritance removed'
            : 'make it and every folder above it owned by root and not writable by group or others (chown root; chmod go-w)',
      });
    }
  }
  return resolveConfig(raw === null ? {} : parseConfigText(raw, file), raw === null ? null : file, platform, env);
}

function parseConfigText(raw: string, file: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new CordonError('config-invalid', `not valid JSON (${(err as Error).message})`, { where: file, fix: 'fix the JSON syntax' }, err);
  }
}

/** Validates a parsed config document and fills in defaults; relative paths are taken from the config's folder. */
export function resolveConfig(doc: unknown, file: string | null, platform: Platform = hostPlatform(), env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const validate = configValidatorOnce();
  if (!validate(doc)) {
    throw new CordonError('config-invalid', formatSchemaProblem(schemaProblem(validate.errors, 'does not follow the config format')), {
      where: file ?? '(config)',
      fix: 'see the config keys in the README (policyDir, stateDir, quarantineDir, trustedKeys, allowUnsigned, homes, systemRoot, platform, pollIntervalMs, processEvents, processScope, socketPath, report, auditFormat, startHook)',
    });
  }
  const c = doc as Partial<Omit<AgentConfig, 'file' | 'startHook'>> & { $schema?: string; startHook?: Partial<StartHookConfig> };
  const base = file ? path.dirname(path.resolve(file)) : path.dirname(defaultConfigFile(platform, env));
  const abs = (p: string): string => path.resolve(base, p);
  const stateDir = c.stateDir ? abs(c.stateDir) : defaultStateDir(platform, env);
  const socketPath = c.socketPath ? abs(c.socketPath) : defaultSocketPath(platform);
  const targetPlatform = c.platform ?? platform;
  return {
    file: file ? path.resolve(file) : null,
    policyDir: c.policyDir ? abs(c.policyDir) : path.join(base, 'policies'),
    stateDir,
    quarantineDir: c.quarantineDir ? abs(c.quarantineDir) : path.join(stateDir, 'quarantine'),
    trustedKeys: c.trustedKeys ?? [],
    allowUnsigned: c.allowUnsigned ?? false,
    homes: c.homes ? c.homes.map(abs) : null,
    systemRoot: c.systemRoot ? abs(c.systemRoot) : targetPlatform === 'win32' && platform === 'win32' ? (env.SystemDrive ?? 'C:') + '\\' : '/',
    platform: targetPlatform,
    pollIntervalMs: c.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    processEvents: c.processEvents ?? true,
    processScope: c.processScope ?? null,
    socketPath,
    adminSocketPath: adminSocketFor(socketPath),
    report: c.report ?? null,
    auditFormat: c.auditFormat ?? 'cordon',
    startHook: {
      failMode: c.startHook?.failMode ?? 'auto',
      managedSettingsDir: c.startHook?.managedSettingsDir ? abs(c.startHook.managedSettingsDir) : null,
      dir: c.startHook?.dir ? abs(c.startHook.dir) : null,
    },
  };
}

/** What enforcement never touches of the agent's own: its state, its quarantine, its policies, and itself. */
export function agentOwnTargets(config: Pick<AgentConfig, 'stateDir' | 'quarantineDir' | 'policyDir' | 'platform'>): {
  protectedPids: number[];
  protectedTrees: string[];
  platform: Platform;
} {
  return { protectedPids: [process.pid, process.ppid], protectedTrees: [config.stateDir, config.quarantineDir, config.policyDir], platform: config.platform };
}
