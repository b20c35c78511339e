// The full `cordon` command line: parses it and hands each command to its own file.
import { Command, CommanderError } from 'commander';
import { EXIT } from '../common/errors.js';
import { AGENT_VERSION } from '../common/version.js';
import { registerCatalog } from './commands/catalog.js';
import { registerEnforce } from './commands/enforce.js';
import { registerException } from './commands/exception.js';
import { registerExplain } from './commands/explain.js';
import { registerFleetFacts } from './commands/fleetFacts.js';
import { registerPolicy } from './commands/policy.js';
import { registerQuarantine } from './commands/quarantine.js';
import { registerRun } from './commands/run.js';
import { registerScan } from './commands/scan.js';
import { registerStartHook } from './commands/startHook.js';
import { registerStatus } from './commands/status.js';

function buildProgram(): Command {
  const program = new Command('cordon')
    .description("Cordon: detects banned AI tools on this machine and applies your organisation's signed policy, openly.")
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
    registerException,
    registerQuarantine,
    registerCatalog,
    registerExplain,
    registerFleetFacts,
    registerStartHook,
  ]) {
    register(program);
  }
  program.commands.forEach(function applyOverrides(cmd: Command): void {
    cmd.exitOverride().showHelpAfterError();
    cmd.commands.forEach(applyOverrides);
  });
  return program;
}

export async function runProgram(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
      process.exitCode = ok ? 0 : EXIT.usage;
    } else {
      process.stderr.write(`cordon: ${(err as Error).message}\n`);
      process.exitCode = EXIT.software;
    }
  }
}
