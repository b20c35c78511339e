// Placeholder registration of `cordon scan`, replaced by its implementation.
import type { Command } from 'commander';

export function registerScan(program: Command): void {
  program.command('scan').description('(in progress)');
}
