// Placeholder registration of `cordon catalog`, replaced by its implementation.
import type { Command } from 'commander';

export function registerCatalog(program: Command): void {
  program.command('catalog').description('(in progress)');
}
