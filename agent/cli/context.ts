// What every command needs from the command line: its global options, its output and the agent config.
import type { Command } from 'commander';
import { loadAgentConfig, type AgentConfig } from '../adapters/config.js';
import { createOutput, type GlobalOptions, type Output } from './output.js';

export interface CommandContext {
  options: GlobalOptions & Record<string, unknown>;
  out: Output;
  config(): AgentConfig;
}

export function commandContext(cmd: Command): CommandContext {
  const options = cmd.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
  let cached: AgentConfig | undefined;
  return {
    options,
    out: createOutput(Boolean(options.json)),
    config: () => (cached ??= loadAgentConfig(options.config)),
  };
}
