// `cordon explain`: everything the agent reads, runs, writes and sends, in plain words (transparency).
import type { Command } from 'commander';
import { commandContext } from '../context.js';
import { runCommand } from '../output.js';

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('everything Cordon reads, runs, writes and sends, in plain words')
    .action((_opts, cmd: Command) =>
      runCommand(async () => {
        const { loadBuiltInCatalog } = await import('../../adapters/catalogFiles.js');
        const { explainAgent } = await import('../../core/explain.js');
        const { explainInputFor } = await import('../../daemon/engine.js');
        const ctx = commandContext(cmd);
        const e = explainAgent(explainInputFor(ctx.config(), loadBuiltInCatalog()));
        if (ctx.out.json) {
          ctx.out.data(e);
          return 0;
        }
        ctx.out.line(e.summary);
        ctx.out.line('\nIt reads:');
        for (const r of e.reads) {
          ctx.out.line(`- ${r.what}, ${r.why}:`);
          for (const w of r.where) ctx.out.line(`    ${w}`);
        }
        ctx.out.line('\nIt runs:');
        for (const r of e.runs) ctx.out.line(`- ${r.what}: ${r.why}`);
        ctx.out.line('\nIt writes:');
        for (const w of e.writes) ctx.out.line(`- ${w.what} in ${w.where}: ${w.why}`);
        ctx.out.line('\nIt sends:');
        if (e.sends.length === 0) ctx.out.line('- nothing: no report URL is configured');
        for (const s of e.sends) ctx.out.line(`- ${s.what} to ${s.to}: ${s.why}`);
        ctx.out.line('\nIt never:');
        for (const n of e.never) ctx.out.line(`- ${n}`);
        ctx.out.line('\nWhen several policies cover one thing:');
        for (const d of e.decides) ctx.out.line(`- when ${d.when}: ${d.then} (${d.reason})`);
        ctx.out.line(`\nIt knows ${e.tools.length} tools; \`cordon catalog\` lists the signals of each.`);
        return 0;
      }),
    );
}
