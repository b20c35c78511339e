// Placeholder registration of `cordon run`, replaced by its implementation.
import type { Command } from 'commander';

export function registerRun(program: Command): void {
  program.command('run').description('(in progress)');
}
