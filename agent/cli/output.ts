// How every command speaks: JSON alone on stdout with --json, human lines otherwise, one-line errors on stderr.
import { CordonError, EXIT, asCordonError, exitCodeFor } from '../common/errors.js';

export interface GlobalOptions {
  config?: string;
  json?: boolean;
}

export interface Output {
  json: boolean;
  /** Machine output: the whole value as one JSON document on stdout. */
  data(value: unknown): void;
  /** A human line on stdout (ignored in --json mode). */
  line(text?: string): void;
  /** A warning on stderr (both modes). */
  warn(text: string): void;
}

export function createOutput(json: boolean, stdout = process.stdout, stderr = process.stderr): Output {
  return {
    json,
    data: (value) => stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    line: (text = '') => {
      if (!json) stdout.write(`${text}\n`);
    },
    warn: (text) => stderr.write(`cordon: warning: ${text}\n`),
  };
}

/** Runs a command body and turns its result or error into the process exit code (set, never forced). */
export async function runCommand(body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (err) {
    const e = asCordonError(err);
    process.stderr.write(`cordon: ${e.oneLine()}\n`);
    if (e.code === 'internal' && process.env.CORDON_DEBUG) process.stderr.write(`${String((err as Error).stack)}\n`);
    process.exitCode = exitCodeFor(e.code);
  }
}

/** Runs a check of the command line's input; its refusal becomes a usage error (exit 64), said before anything is sent. */
export function checkedInput<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    const e = asCordonError(err);
    throw new CordonError('usage', e.message, e.details, err);
  }
}

export { EXIT };
