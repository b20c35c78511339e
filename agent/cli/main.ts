#!/usr/bin/env node
// The `cordon` command: `fleet-facts` (run by MDM and osquery scripts on every inventory) takes a lean path; the rest loads the full command line.
import { asCordonError, exitCodeFor } from '../common/errors.js';
import { fleetFactsArgv, runFleetFacts } from './fleetFacts.js';

/** A reader that stops early (`cordon catalog | head`) closes the pipe: that ends the output, it is not an error. */
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

try {
  const fast = fleetFactsArgv(process.argv.slice(2));
  if (fast) process.exitCode = await runFleetFacts(fast);
  else await (await import('./program.js')).runProgram(process.argv);
} catch (err) {
  const e = asCordonError(err);
  process.stderr.write(`cordon: ${e.oneLine()}\n`);
  process.exitCode = exitCodeFor(e.code);
}
