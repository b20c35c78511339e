// Placeholder registration of `cordon explain`, replaced by its implementation.
import type { Command } from 'commander';

export function registerExplain(program: Command): void {
  program.command('explain').description('(in progress)');
}
