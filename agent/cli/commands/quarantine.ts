// `cordon quarantine list|show|restore|export`: what was moved aside, and putting it back (administrators only).
// While the agent runs, listing and restoring go through it (it owns the quarantine and audits the restore).
import type { Command } from 'commander';
import { nodeFileSystem } from '../../adapters/fileSystem.js';
import { Quarantine, type QuarantineItem } from '../../adapters/quarantine/index.js';
import { CordonError, EXIT } from '../../common/errors.js';
import { commandContext, type CommandContext } from '../context.js';
import { runCommand } from '../output.js';
import { askRunningAgent } from '../runningAgent.js';

function openQuarantine(ctx: CommandContext): Quarantine {
  const config = ctx.config();
  return new Quarantine({ dir: config.quarantineDir, stateDir: config.stateDir });
}

/** Changing the quarantine is for root or the owner of the quarantine directory (the agent's account). */
function requireAdmin(dir: string, what: string): void {
  const uid = process.geteuid?.();
  if (uid === undefined || uid === 0) return;
  const owner = nodeFileSystem.lstat(dir)?.uid;
  if (owner !== uid) {
    throw new CordonError('forbidden', `${what} needs an administrator`, { where: dir, fix: 'run it as root, e.g. with sudo' });
  }
}

function humanLine(item: QuarantineItem): string {
  const size = item.bytes >= 1 << 20 ? `${(item.bytes / (1 << 20)).toFixed(1)} MiB` : `${item.bytes} bytes`;
  return `${item.id}  ${item.quarantinedAt}  ${item.tool}  ${item.originalPath}  (${item.role}, ${item.files} files, ${size}; ${item.policy}/${item.rule})`;
}

export function registerQuarantine(program: Command): void {
  const quarantine = program.command('quarantine').description('installs moved aside by policy: list, show, restore, export');

  quarantine
    .command('list')
    .description('the quarantined items')
    .action((_opts: unknown, cmd: Command) =>
      runCommand(async () => {
        const ctx = commandContext(cmd);
        const items = (await askRunningAgent(ctx.config(), async (client) => (await client.request('quarantine-list')).items)) ?? openQuarantine(ctx).list();
        if (ctx.out.json) ctx.out.data({ items });
        else if (items.length === 0) ctx.out.line('Nothing is in quarantine.');
        else items.forEach((item) => ctx.out.line(humanLine(item)));
        return EXIT.compliant;
      }),
    );

  quarantine
    .command('show <id>')
    .description('one item with every file it holds (mode, owner, size, SHA-256)')
    .action((id: string, _opts: unknown, cmd: Command) =>
      runCommand(async () => {
        const ctx = commandContext(cmd);
        const manifest = openQuarantine(ctx).manifest(id);
        if (ctx.out.json) {
          ctx.out.data(manifest);
          return EXIT.compliant;
        }
        ctx.out.line(humanLine(manifest));
        for (const e of manifest.entries) {
          const what = e.type === 'file' ? `${e.size} bytes sha256:${e.sha256 ?? ''}` : e.type === 'symlink' ? `-> ${e.linkTarget ?? ''}` : e.type;
          ctx.out.line(`  ${e.mode.toString(8).padStart(4, '0')} ${e.uid}:${e.gid}  ${e.path}  ${what}`);
        }
        return EXIT.compliant;
      }),
    );

  quarantine
    .command('restore <id>')
    .description('put an item back exactly as it was (administrators)')
    .action((id: string, _opts: unknown, cmd: Command) =>
      runCommand(async () => {
        const ctx = commandContext(cmd);
        const restoreHere = async (): Promise<QuarantineItem> => {
          const q = openQuarantine(ctx);
          requireAdmin(q.dir, 'restoring from quarantine');
          await q.recover();
          return q.restore(id);
        };
        const item = (await askRunningAgent(ctx.config(), (client) => client.request('restore', { id }))) ?? (await restoreHere());
        if (ctx.out.json) ctx.out.data({ restored: item });
        else ctx.out.line(`Restored ${item.originalPath} (${item.files} files).`);
        return EXIT.compliant;
      }),
    );

  quarantine
    .command('export <id>')
    .description("write an item's files as a tar archive owned by its user, e.g. conversation history (administrators)")
    .requiredOption('--to <dir>', 'folder to write the archive into')
    .action((id: string, opts: { to: string }, cmd: Command) =>
      runCommand(async () => {
        const ctx = commandContext(cmd);
        const q = openQuarantine(ctx);
        requireAdmin(q.dir, 'exporting from quarantine');
        const archive = await q.exportItem(id, opts.to);
        if (ctx.out.json) ctx.out.data({ archive });
        else ctx.out.line(`Wrote ${archive}`);
        return EXIT.compliant;
      }),
    );
}
