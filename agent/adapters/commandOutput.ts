// Runs a system program that answers at once (dscl, id, reg) and gives its standard output, or null when it failed.
import { execFileSync } from 'node:child_process';

export type ReadCommand = (file: string, args: readonly string[]) => string | null;

export const readCommand: ReadCommand = (file, args) => {
  try {
    return execFileSync(file, [...args], {
      encoding: 'utf8',
      timeout: 15_000,
      windowsHide: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch {
    return null;
  }
};
