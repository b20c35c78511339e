// `cordon status`: asks the running agent (root on the admin socket, a user on the user socket); exit 69 when none answers.
import type { Command } from 'commander';
import type { AgentConfig } from '../../adapters/config.js';
import type { Status } from '../../common/model.js';
import type { Catalog } from '../../core/catalog/types.js';
import { DaemonClient } from '../../client/daemonClient.js';
import { exitCodeOfStatus, STRICT_OPTION } from '../../common/errors.js';
import { languageFromEnv } from '../../common/localize.js';
import { commandContext } from '../context.js';
import { runCommand } from '../output.js';
import { renderStatus } from '../render.js';

/**
 * Root asks on the admin socket, which no user can crowd out; anyone else on the user socket, proving who they are
 * so the agent shows them their own findings.
 */
async function statusClient(config: AgentConfig): Promise<DaemonClient> {
  const admin = await DaemonClient.connect(config.adminSocketPath, { connectTimeoutMs: 1000 }).catch(() => null);
  if (admin) return admin;
  const client = await DaemonClient.connect(config.socketPath);
  await client.hello().catch(() => undefined);
  return client;
}

/**
 * The catalog only names the tools of findings and inventory rows; a machine with none (the usual answer) is shown
 * without reading and checking the catalog's files, which is most of this command's time.
 */
async function namesFor(status: Status): Promise<Catalog> {
  if (status.findings.length === 0 && status.inventory.length === 0) return { interpreters: [], tools: [] };
  const { loadBuiltInCatalog } = await import('../../adapters/catalogFiles.js');
  return loadBuiltInCatalog();
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description("show the running agent's current status")
    .option(...STRICT_OPTION)
    .action((_opts, cmd: Command) =>
      runCommand(async () => {
        const ctx = commandContext(cmd);
        const client = await statusClient(ctx.config());
        try {
          const status = await client.request('status');
          if (ctx.out.json) ctx.out.data(status);
          else ctx.out.line(renderStatus(status, await namesFor(status), languageFromEnv(process.env)));
          return exitCodeOfStatus(status, Boolean(ctx.options.strict));
        } finally {
          client.close();
        }
      }),
    );
}
