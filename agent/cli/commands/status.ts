// Placeholder registration of `cordon status`, replaced by its implementation.
import type { Command } from 'commander';

export function registerStatus(program: Command): void {
  program.command('status').description('(in progress)');
}
