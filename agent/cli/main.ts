#!/usr/bin/env node
// The `cordon` command: parses the command line and hands each command to its own file.
import { Command, CommanderError } from 'commander';
import { EXIT } from '../common/errors.js';
import { AGENT_VERSION } from '../common/version.js';
import { registerCatalog } from './commands/catalog.js';
import { registerEnforce } from './commands/enforce.js';
import { registerExplain } from './commands/explain.js';
import { registerPolicy } from './commands/policy.js';
import { registerQuarantine } from './commands/quarantine.js';
import { registerRun } from './commands/run.js';
import { registerScan } from './commands/scan.js';
import { registerStatus } from './commands/status.js';

/** A reader that stops early (`cordon catalog | head`) closes the pipe: that ends the output, it is not an error. */
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

function buildProgram(): Command {
  const program = new Command('cordon')
    .description('Cordon: detects banned AI tools on this machine and applies your organisation\'s signed policy, openly.')
    .version(AGENT_VERSION)
    .option('--config <file>', 'agent config file (default: $CORDON_CONFIG, else the OS default)')
    .option('--json', 'machine-readable output on stdout')
    .showHelpAfterError()
    .exitOverride();
  for (const register of [
    registerScan,
    registerEnforce,
    registerRun,
    registerStatus,
    registerPolicy,
    registerQuarantine,
    registerCatalog,
    registerExplain,
  ]) {
    register(program);
  }
  program.commands.forEach(function applyOverrides(cmd: Command): void {
    cmd.exitOverride().showHelpAfterError();
    cmd.commands.forEach(applyOverrides);
  });
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
    process.exitCode = ok ? 0 : EXIT.usage;
  } else {
    process.stderr.write(`cordon: ${(err as Error).message}\n`);
    process.exitCode = EXIT.software;
  }
}
