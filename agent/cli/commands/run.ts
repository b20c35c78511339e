// `cordon run`: the daemon; runs until SIGTERM or SIGINT and then stops cleanly (exit 0).
import type { Command } from 'commander';
import { commandContext } from '../context.js';
import { runCommand } from '../output.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the agent: continuous detection and enforcement, local sockets, audit log')
    .action((_opts, cmd: Command) =>
      runCommand(async () => {
        const { createDaemonDeps } = await import('../../daemon/compose.js');
        const { Daemon } = await import('../../daemon/daemon.js');
        const ctx = commandContext(cmd);
        const config = ctx.config();
        const daemon = new Daemon(createDaemonDeps(config));
        await daemon.start();
        process.stderr.write(`cordon: agent running (pid ${process.pid}), socket ${config.socketPath}, state ${config.stateDir}\n`);
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            process.off('SIGTERM', stop);
            process.off('SIGINT', stop);
            resolve();
          };
          process.on('SIGTERM', stop);
          process.on('SIGINT', stop);
        });
        await daemon.stop();
        process.stderr.write('cordon: agent stopped\n');
        return 0;
      }),
    );
}
