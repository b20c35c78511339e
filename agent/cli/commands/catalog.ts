// `cordon catalog`: the tools the agent knows and the signals it checks for each.
import type { Command } from 'commander';
import { commandContext } from '../context.js';
import { runCommand } from '../output.js';

export function registerCatalog(program: Command): void {
  program
    .command('catalog')
    .description('list the known tools and the signals checked for each')
    .option('--ids', 'only the tool ids and names, one per line (the ids policy rules use)')
    .action((opts: { ids?: boolean }, cmd: Command) =>
      runCommand(async () => {
        const { loadBuiltInCatalog } = await import('../../adapters/catalogFiles.js');
        const ctx = commandContext(cmd);
        const catalog = loadBuiltInCatalog();
        if (opts.ids && ctx.out.json) {
          ctx.out.data(catalog.tools.map((t) => ({ id: t.id, name: t.name })));
          return 0;
        }
        if (opts.ids) {
          for (const t of catalog.tools) ctx.out.line(`${t.id}\t${t.name}`);
          return 0;
        }
        if (ctx.out.json) {
          ctx.out.data(catalog);
          return 0;
        }
        const platform = ctx.config().platform;
        ctx.out.line(`${catalog.tools.length} tools (signals shown for ${platform}):`);
        for (const t of catalog.tools) {
          const installs = (t.installs ?? []).filter((s) => s.platforms.includes(platform));
          const configs = (t.configs ?? []).filter((s) => s.platforms.includes(platform));
          const procs = (t.processes ?? []).filter((s) => !s.platforms || s.platforms.includes(platform));
          ctx.out.line('');
          ctx.out.line(`${t.id}: ${t.name} (${t.vendor}, ${t.category})`);
          ctx.out.line(`  ${t.description}`);
          const names = [...new Set(procs.flatMap((p) => p.names ?? []))];
          const frags = [...new Set(procs.flatMap((p) => p.pathFragments ?? []))];
          if (names.length || frags.length) ctx.out.line(`  processes: ${[...names, ...frags.map((f) => `…${f}…`)].join(', ')}`);
          for (const s of installs) ctx.out.line(`  install: ${s.path} (${s.what}${s.role === 'program' ? '' : `; ${s.role}`})`);
          for (const s of configs) ctx.out.line(`  config: ${s.path}: ${s.matchers.map((m) => m.what).join('; ')}`);
        }
        return 0;
      }),
    );
}
