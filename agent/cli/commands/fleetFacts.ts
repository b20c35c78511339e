// `cordon fleet-facts` in the full command line, for its help; the command itself runs on the lean path in main.ts.
import type { Command } from 'commander';
import { FACT_FIELDS } from '../../core/fleet/facts.js';
import { FACT_FORMATS, fleetFactsArgv, runFleetFacts } from '../fleetFacts.js';
import { runCommand } from '../output.js';

export function registerFleetFacts(program: Command): void {
  program
    .command('fleet-facts')
    .description('compliance, agent liveness, next deadline and policies for Jamf, Intune and osquery scripts (reads cordon.db; works without the daemon)')
    .option('--format <format>', `output format: ${FACT_FORMATS.join(', ')}`, 'json')
    .option('--field <field>', `one fact (jamf and value formats): ${FACT_FIELDS.join(', ')}`)
    .action((opts: { format: string; field?: string }, cmd: Command) =>
      runCommand(async () => {
        const globals = cmd.optsWithGlobals<{ config?: string }>();
        const argv = [
          ...(globals.config ? ['--config', globals.config] : []),
          'fleet-facts',
          '--format',
          opts.format,
          ...(opts.field ? ['--field', opts.field] : []),
        ];
        return runFleetFacts(fleetFactsArgv(argv) ?? { format: 'json' });
      }),
    );
}
