// Placeholder registration of `cordon quarantine`, replaced by its implementation.
import type { Command } from 'commander';

export function registerQuarantine(program: Command): void {
  program.command('quarantine').description('(in progress)');
}
