// `cordon exception request|list|deny`: an employee asks for a time-bound exception; admins see and refuse requests.
// Granting is `cordon policy exempt`: only a signed policy ever lifts a rule.
import type { Command } from 'commander';
import { DaemonClient } from '../../client/daemonClient.js';
import { CordonError, EXIT, asCordonError } from '../../common/errors.js';
import { checkReason, checkUntil } from '../../core/exceptions/requests.js';
import { commandContext } from '../context.js';
import { checkedInput, runCommand } from '../output.js';
import { requestLine } from '../render.js';
import { askRunningAgent } from '../runningAgent.js';
import { untilFromText } from '../../common/untilDate.js';

/** Runs `ask` on the user socket as the proved user running this command. */
async function asThisUser<T>(socketPath: string, ask: (client: DaemonClient) => Promise<T>): Promise<T> {
  const client = await DaemonClient.connect(socketPath);
  try {
    await client.hello();
    return await ask(client);
  } finally {
    client.close();
  }
}

function registerRequest(exception: Command): void {
  exception
    .command('request')
    .description('ask for a time-bound exception for a tool a policy restricts (in your own name)')
    .option('--tool <id>', 'catalog tool id, e.g. claude-code')
    .option('--finding <id>', 'or the id of one of your findings (from `cordon status --json`)')
    .requiredOption('--reason <text>', `why you need it (at most 500 characters)`)
    .option('--until <date>', 'the end you ask for: YYYY-MM-DD (end of that day here) or an ISO time with offset')
    .action((opts: { tool?: string; finding?: string; reason: string; until?: string }, cmd: Command) =>
      runCommand(async () => {
        const ctx = commandContext(cmd);
        if ((opts.tool === undefined) === (opts.finding === undefined)) throw new CordonError('usage', 'name either --tool or --finding');
        const now = new Date();
        const reason = checkedInput(() => checkReason(opts.reason));
        const until = opts.until === undefined ? undefined : checkedInput(() => checkUntil(untilFromText(opts.until as string), now));
        const params = {
          ...(opts.tool !== undefined ? { tool: opts.tool } : {}),
          ...(opts.finding !== undefined ? { finding: opts.finding } : {}),
          reason,
          ...(until ? { until } : {}),
        };
        // What the agent refuses as bad input (an unknown tool, nothing to exempt) is the command line's usage error too.
        const made = await asThisUser(ctx.config().socketPath, (client) => client.request('request-exception', params)).catch((err: unknown) => {
          const e = asCordonError(err);
          throw e.code === 'ipc-bad-request' ? new CordonError('usage', e.message, {}, err) : e;
        });
        if (ctx.out.json) ctx.out.data(made);
        ctx.out.line(`Asked for an exception for ${made.toolName ?? made.tool}: ${made.id}, pending.`);
        ctx.out.line('An administrator decides; `cordon exception list` shows where it stands. Until then the policy applies as before.');
        return EXIT.compliant;
      }),
    );
}

function registerList(exception: Command): void {
  exception
    .command('list')
    .description('exception requests: all of them for an administrator, your own otherwise')
    .action((_opts: unknown, cmd: Command) =>
      runCommand(async () => {
        const ctx = commandContext(cmd);
        const config = ctx.config();
        const status =
          (process.geteuid?.() === 0 ? await askRunningAgent(config, (client) => client.request('status')) : null) ??
          (await asThisUser(config.socketPath, (client) => client.request('status')));
        const requests = status.exceptions ?? [];
        if (ctx.out.json) ctx.out.data({ requests });
        else if (requests.length === 0) ctx.out.line('No exception requests.');
        else for (const r of requests) ctx.out.line(requestLine(r));
        return EXIT.compliant;
      }),
    );
}

function registerDeny(exception: Command): void {
  exception
    .command('deny')
    .description('refuse a pending exception request (administrators)')
    .requiredOption('--request <id>', 'the request id from `cordon exception list`')
    .option('--reason <text>', 'why, shown to the employee')
    .action((opts: { request: string; reason?: string }, cmd: Command) =>
      runCommand(async () => {
        const ctx = commandContext(cmd);
        const config = ctx.config();
        const reason = opts.reason === undefined ? undefined : checkedInput(() => checkReason(opts.reason as string));
        const denied = await askRunningAgent(config, (client) => client.request('deny-exception', { request: opts.request, ...(reason ? { reason } : {}) }));
        if (!denied) {
          throw new CordonError('daemon-unavailable', 'no agent answers on the admin socket', {
            where: config.adminSocketPath,
            fix: 'start it with `cordon run` or the system service, and run this as root',
          });
        }
        if (ctx.out.json) ctx.out.data(denied);
        ctx.out.line(`Denied ${denied.id} (${denied.user}, ${denied.toolName ?? denied.tool}).`);
        return EXIT.compliant;
      }),
    );
}

export function registerException(program: Command): void {
  const exception = program.command('exception').description('time-bound exceptions: employees request them, administrators list and deny them');
  registerRequest(exception);
  registerList(exception);
  registerDeny(exception);
}
