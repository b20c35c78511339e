// `cordon fleet-facts`: what Jamf, Intune and osquery scripts ask, read from cordon.db (or the daemon's socket), on a lean import path.
import { locateAgentFiles } from '../adapters/configDefaults.js';
import { readFleet } from '../adapters/fleetDb.js';
import { DaemonClient } from '../client/daemonClient.js';
import { CordonError } from '../common/errors.js';
import { FACT_FIELDS, bareValue, fleetFacts, fleetReadFromStatus, intuneSettings, jamfResult, type FactField, type FleetRead } from '../core/fleet/facts.js';
import { STALE_AFTER_SECONDS } from '../core/fleet/liveness.js';

export const FACT_FORMATS = ['json', 'jamf', 'intune', 'value'] as const;
export type FactFormat = (typeof FACT_FORMATS)[number];

export interface FleetFactsArgs {
  config?: string;
  format: FactFormat;
  field?: FactField;
}

/**
 * The command line of the fast path: `cordon [--config F] [--json] fleet-facts [--format F] [--field X]`.
 * null when the command is not fleet-facts or help is asked for (commander handles those).
 */
export function fleetFactsArgv(argv: readonly string[]): FleetFactsArgs | null {
  const rest = [...argv];
  let config: string | undefined;
  let format: string | undefined;
  let field: string | undefined;
  let command: string | undefined;
  while (rest.length) {
    const arg = rest.shift() as string;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? rest.shift();
      if (v === undefined) throw new CordonError('usage', `${name} needs a value`, { fix: 'see cordon fleet-facts --help' });
      return v;
    };
    if (name === '--help' || name === '-h') return null;
    else if (name === '--config') config = value();
    else if (name === '--json') format ??= 'json';
    else if (name === '--format' && command) format = value();
    else if (name === '--field' && command) field = value();
    else if (!command && !name.startsWith('-')) {
      if (name !== 'fleet-facts') return null;
      command = name;
    } else if (!command) return null;
    else
      throw new CordonError('usage', `unknown argument ${name}`, {
        fix: 'usage: cordon fleet-facts [--format json|jamf|intune|value] [--field compliance|days-to-deadline|last-check|policies]',
      });
  }
  if (!command) return null;
  const fmt = format ?? 'json';
  if (!(FACT_FORMATS as readonly string[]).includes(fmt))
    throw new CordonError('usage', `unknown format "${fmt}"`, { fix: `use one of ${FACT_FORMATS.join(', ')}` });
  if (field !== undefined && !(FACT_FIELDS as readonly string[]).includes(field))
    throw new CordonError('usage', `unknown field "${field}"`, { fix: `use one of ${FACT_FIELDS.join(', ')}` });
  if ((fmt === 'jamf' || fmt === 'value') && field === undefined)
    throw new CordonError('usage', `--format ${fmt} prints one value: name it with --field`, { fix: `use one of ${FACT_FIELDS.join(', ')}` });
  return { ...(config !== undefined ? { config } : {}), format: fmt as FactFormat, ...(field !== undefined ? { field: field as FactField } : {}) };
}

/** cordon.db when this user may read it; else the daemon's answer over the user socket; else nothing (unknown). */
async function readState(stateDir: string, socketPath: string): Promise<FleetRead | null> {
  try {
    const read = readFleet(stateDir);
    if (read) return read;
  } catch {
    // Not readable by this user (the state folder is root's): the daemon's socket is open to every user.
  }
  try {
    const client = await DaemonClient.connect(socketPath, { connectTimeoutMs: 1500 });
    try {
      return fleetReadFromStatus(await client.request('status'), STALE_AFTER_SECONDS);
    } finally {
      client.close();
    }
  } catch {
    return null;
  }
}

export function formatFacts(read: FleetRead | null, args: FleetFactsArgs, now: Date): string {
  const facts = fleetFacts(read, now);
  switch (args.format) {
    case 'json':
      return JSON.stringify(args.field ? { [args.field]: bareValue(facts, args.field) } : facts);
    case 'jamf':
      return jamfResult(facts, args.field as FactField);
    case 'value':
      return bareValue(facts, args.field as FactField);
    case 'intune':
      return JSON.stringify(intuneSettings(facts));
  }
}

export async function runFleetFacts(args: FleetFactsArgs): Promise<number> {
  const { stateDir, socketPath } = locateAgentFiles(args.config);
  process.stdout.write(`${formatFacts(await readState(stateDir, socketPath), args, new Date())}\n`);
  return 0;
}
