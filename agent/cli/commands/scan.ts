// `cordon scan`: detect and evaluate, take no action; `--at` previews a deadline, `--policy` adds a draft.
import type { Command } from 'commander';
import { exitCodeOfStatus, STRICT_OPTION } from '../../common/errors.js';
import { languageFromEnv } from '../../common/localize.js';
import { commandContext } from '../context.js';
import { runCommand } from '../output.js';
import { renderStatus } from '../render.js';

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('detect restricted AI tools and evaluate the policies; changes nothing')
    .option('--at <iso>', 'evaluate as of another time (preview a deadline)')
    .option('--policy <file...>', 'add a draft policy file as-is, unsigned, for a preview')
    .option(...STRICT_OPTION)
    .action((_opts, cmd: Command) =>
      runCommand(async () => {
        const { parseAt, runOnePass } = await import('../onePass.js');
        const ctx = commandContext(cmd);
        const at = parseAt(ctx.options.at as string | undefined);
        const drafts = (ctx.options.policy as string[] | undefined) ?? [];
        const { status, catalog, plan } = await runOnePass(ctx.config(), { ...(at ? { at } : {}), drafts, enforce: false });
        if (ctx.out.json) ctx.out.data(status);
        else {
          ctx.out.line(renderStatus(status, catalog, languageFromEnv(process.env)));
          const removal = plan.flatMap((s) =>
            s.action === 'kill' ? [`stop process ${s.target.pid}`] : s.action === 'quarantine' ? [`quarantine ${s.target.path}`] : [],
          );
          if (removal.length) ctx.out.line(`\n\`cordon enforce\` would now: ${removal.join('; ')}.`);
        }
        return exitCodeOfStatus(status, Boolean(ctx.options.strict));
      }),
    );
}
