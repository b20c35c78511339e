// Placeholder registration of `cordon policy`, replaced by its implementation.
import type { Command } from 'commander';

export function registerPolicy(program: Command): void {
  program.command('policy').description('(in progress)');
}
