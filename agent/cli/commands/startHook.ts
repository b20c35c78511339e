// `cordon start-hook remove`: takes out the managed start hooks the agent wrote, for uninstalling it.
import type { Command } from 'commander';
import { CordonError } from '../../common/errors.js';
import { START_HOOK_TOOLS } from '../../core/gate/startHook.js';
import { commandContext } from '../context.js';
import { askRunningAgent } from '../runningAgent.js';
import { runCommand } from '../output.js';

export function registerStartHook(program: Command): void {
  const hook = program.command('start-hook').description("the managed start hooks the agent installs (Claude Code's policyHelper)");
  hook
    .command('remove')
    .description('remove the start hooks the agent wrote, leaving any file someone else changed; stop the agent first (uninstalling)')
    .action((_opts: unknown, cmd: Command) =>
      runCommand(async () => {
        const { removeStartHook } = await import('../../adapters/startHookFiles.js');
        const { startHookLayoutFor, startHookRecordFile } = await import('../../daemon/startHooks.js');
        const { out, config } = commandContext(cmd);
        const cfg = config();
        // A running agent puts the hook back at its next pass while a policy needs it.
        if ((await askRunningAgent(cfg, (c) => c.request('status'))) !== null) {
          throw new CordonError('forbidden', 'the agent is running and would install the start hook again', {
            where: cfg.adminSocketPath,
            fix: 'stop the agent service first (systemctl stop cordon, launchctl bootout system/com.cordon.agent, Stop-Service Cordon)',
          });
        }
        const results = Object.keys(START_HOOK_TOOLS).map((tool) => ({
          tool,
          ...removeStartHook(startHookLayoutFor(cfg, tool), startHookRecordFile(cfg, tool)),
        }));
        if (out.json) out.data({ tools: results.map((r) => ({ tool: r.tool, removed: r.changed, kept: r.problems })) });
        for (const r of results) {
          out.line(r.changed.length === 0 ? `${r.tool}: nothing of Cordon's to remove` : `${r.tool}: removed ${r.changed.join(', ')}`);
          for (const p of r.problems) out.line(`${r.tool}: ${p}`);
        }
        return results.some((r) => r.problems.length > 0) ? 1 : 0;
      }),
    );
}
