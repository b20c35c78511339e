// Where the agent's files are by default on each OS, apart from config validation so that fast commands (fleet-facts) need no schema compiler.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CordonError } from '../common/errors.js';
import { defaultSocketPath } from '../common/ipc.js';
import type { Platform } from '../common/model.js';

export function defaultConfigFile(platform: Platform, env: NodeJS.ProcessEnv): string {
  switch (platform) {
    case 'darwin':
      return '/Library/Application Support/Cordon/agent.json';
    case 'win32':
      return path.win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Cordon', 'agent.json');
    case 'linux':
      return '/etc/cordon/agent.json';
  }
}

export function defaultStateDir(platform: Platform, env: NodeJS.ProcessEnv): string {
  switch (platform) {
    case 'darwin':
      return '/Library/Application Support/Cordon/state';
    case 'win32':
      return path.win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Cordon', 'state');
    case 'linux':
      if (process.getuid?.() === 0) return '/var/lib/cordon';
      return path.join(env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state'), 'cordon');
  }
}

export function hostPlatform(): Platform {
  const p = process.platform;
  return p === 'darwin' || p === 'win32' ? p : 'linux';
}

/**
 * The state folder and socket of the config that `loadAgentConfig` would find, read without validating the rest:
 * for commands that must start fast and only read what the daemon wrote (`cordon fleet-facts`).
 */
export function locateAgentFiles(explicit?: string, env: NodeJS.ProcessEnv = process.env): { stateDir: string; socketPath: string } {
  const platform = hostPlatform();
  const file = explicit ?? env.CORDON_CONFIG ?? defaultConfigFile(platform, env);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const named = explicit !== undefined || env.CORDON_CONFIG !== undefined;
    if (code === 'ENOENT' && !named) return { stateDir: defaultStateDir(platform, env), socketPath: defaultSocketPath(platform) };
    if (code === 'ENOENT')
      throw new CordonError(
        'config-missing',
        'config file not found',
        { where: file, fix: 'pass an existing file with --config, or omit it to use built-in defaults' },
        err,
      );
    throw new CordonError(
      'config-invalid',
      code ? `config file cannot be read (${code})` : `not valid JSON (${(err as Error).message})`,
      { where: file, fix: 'fix the config file' },
      err,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CordonError('config-invalid', 'the config must be a JSON object', { where: file, fix: 'fix the config file' });
  }
  const doc = parsed as Record<string, unknown>;
  const base = path.dirname(path.resolve(file));
  for (const key of ['stateDir', 'socketPath'] as const) {
    if (doc[key] !== undefined && (typeof doc[key] !== 'string' || doc[key] === '')) {
      throw new CordonError('config-invalid', `${key}: must be a non-empty string`, { where: file, fix: 'see the config keys in the README' });
    }
  }
  return {
    stateDir: typeof doc.stateDir === 'string' ? path.resolve(base, doc.stateDir) : defaultStateDir(platform, env),
    socketPath: typeof doc.socketPath === 'string' ? path.resolve(base, doc.socketPath) : defaultSocketPath(platform),
  };
}
