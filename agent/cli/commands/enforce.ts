// Placeholder registration of `cordon enforce`, replaced by its implementation.
import type { Command } from 'commander';

export function registerEnforce(program: Command): void {
  program.command('enforce').description('(in progress)');
}
