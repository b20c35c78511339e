// `cordon enforce`: one pass that detects, evaluates and takes the due actions, then prints the status.
// While the agent runs, the pass is its own (one enforcer, one memory: nobody is notified twice).
import type { Command } from 'commander';
import { exitCodeOfStatus, STRICT_OPTION } from '../../common/errors.js';
import { languageFromEnv } from '../../common/localize.js';
import { commandContext } from '../context.js';
import { askRunningAgent } from '../runningAgent.js';
import { runCommand } from '../output.js';
import { renderStatus } from '../render.js';

export function registerEnforce(program: Command): void {
  program
    .command('enforce')
    .description('one pass: detect, evaluate and take the due actions (kill, quarantine, notify)')
    .option('--at <iso>', 'act as of another time (rehearsal)')
    .option(...STRICT_OPTION)
    .action((_opts, cmd: Command) =>
      runCommand(async () => {
        const { loadBuiltInCatalog } = await import('../../adapters/catalogFiles.js');
        const { parseAt, runOnePass } = await import('../onePass.js');
        const ctx = commandContext(cmd);
        const at = parseAt(ctx.options.at as string | undefined);
        const config = ctx.config();
        const byAgent = at ? null : await askRunningAgent(config, (client) => client.request('enforce'));
        const { status, catalog } = byAgent
          ? { status: byAgent, catalog: loadBuiltInCatalog() }
          : await runOnePass(config, { ...(at ? { at } : {}), enforce: true });
        if (ctx.out.json) ctx.out.data(status);
        else ctx.out.line(renderStatus(status, catalog, languageFromEnv(process.env)));
        return exitCodeOfStatus(status, Boolean(ctx.options.strict));
      }),
    );
}
