// The one error type of Cordon: a code that maps once to an exit code and an IPC error, plus where and how to fix.

export type ErrorCode =
  | 'usage'
  | 'config-invalid'
  | 'config-missing'
  | 'policy-invalid'
  | 'policy-parse'
  | 'signature-missing'
  | 'signature-invalid'
  | 'signature-untrusted'
  | 'policy-rollback'
  | 'catalog-invalid'
  | 'input-invalid'
  | 'daemon-unavailable'
  | 'ipc-bad-request'
  | 'ipc-too-large'
  | 'ipc-timeout'
  | 'ipc-busy'
  | 'ipc-unknown-method'
  | 'forbidden'
  | 'not-found'
  | 'unsafe-path'
  | 'quarantine-failed'
  | 'restore-failed'
  | 'kill-failed'
  | 'internal';

export interface ErrorDetails {
  /** File, field path or socket the error is about. */
  where?: string;
  /** One short sentence on how to fix it. */
  fix?: string;
  [key: string]: unknown;
}

export class CordonError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'CordonError';
    this.code = code;
    this.details = details;
  }

  /** One line for stderr: what, where, how to fix. */
  oneLine(): string {
    const parts = [this.details.where ? `${this.details.where}: ${this.message}` : this.message];
    if (this.details.fix) parts.push(this.details.fix);
    return parts.join('. ').replace(/\.\./g, '.');
  }
}

/** Exit codes of the contract: 64 usage, 65 bad input file, 69 daemon unavailable, 70 internal, 78 bad config. */
export const EXIT = {
  compliant: 0,
  warning: 1,
  violation: 2,
  /** `scan`, `enforce`, `status`: no finding to fix, but the evaluation was not complete (status `errors`). */
  compliantWithErrors: 3,
  usage: 64,
  dataErr: 65,
  unavailable: 69,
  software: 70,
  config: 78,
} as const;

/**
 * The exit code of a status: 0, 1, 2 by compliance. With `--strict`, 3 for compliant while something kept the
 * evaluation from being complete; without it 0 keeps the meaning scripts already rely on.
 */
export function exitCodeOfStatus(status: { compliance: 'compliant' | 'warning' | 'violation'; errors?: readonly unknown[] }, strict = false): number {
  return strict && status.compliance === 'compliant' && status.errors?.length ? EXIT.compliantWithErrors : EXIT[status.compliance];
}

/** The `--strict` option of `scan`, `enforce` and `status`. */
export const STRICT_OPTION = ['--strict', 'exit 3 instead of 0 when nothing needs to change but part of the check could not run (status `errors`)'] as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'usage':
      return EXIT.usage;
    case 'config-invalid':
    case 'config-missing':
      return EXIT.config;
    case 'policy-invalid':
    case 'policy-parse':
    case 'signature-missing':
    case 'signature-invalid':
    case 'signature-untrusted':
    case 'policy-rollback':
    case 'catalog-invalid':
    case 'input-invalid':
    case 'not-found':
    case 'unsafe-path':
      return EXIT.dataErr;
    case 'daemon-unavailable':
    case 'ipc-busy':
      return EXIT.unavailable;
    case 'ipc-bad-request':
    case 'ipc-too-large':
    case 'ipc-timeout':
    case 'ipc-unknown-method':
    case 'forbidden':
    case 'quarantine-failed':
    case 'restore-failed':
    case 'kill-failed':
    case 'internal':
      return EXIT.software;
  }
}

export function asCordonError(err: unknown): CordonError {
  if (err instanceof CordonError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new CordonError('internal', message, {}, err);
}
