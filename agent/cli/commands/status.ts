// `cordon status`: asks the running agent; exit 69 when none answers.
import type { Command } from 'commander';
import { loadBuiltInCatalog } from '../../adapters/catalogFiles.js';
import { DaemonClient } from '../../client/daemonClient.js';
import { EXIT } from '../../common/errors.js';
import { languageFromEnv } from '../../common/localize.js';
import { commandContext } from '../context.js';
import { runCommand } from '../output.js';
import { renderStatus } from '../render.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description("show the running agent's current status")
    .action((_opts, cmd: Command) =>
      runCommand(async () => {
        const ctx = commandContext(cmd);
        const client = await DaemonClient.connect(ctx.config().socketPath);
        try {
          // Proved, the agent also shows this user's own exception requests; without a proof the status is the same otherwise.
          await client.hello().catch(() => undefined);
          const status = await client.request('status');
          if (ctx.out.json) ctx.out.data(status);
          else ctx.out.line(renderStatus(status, loadBuiltInCatalog(), languageFromEnv(process.env)));
          return EXIT[status.compliance];
        } finally {
          client.close();
        }
      }),
    );
}
