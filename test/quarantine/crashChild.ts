// Child process of the crash tests: carries out one quarantine or restore so the parent can SIGKILL it mid-way.
import { Quarantine } from '../../agent/adapters/quarantine/index.js';

interface ChildArgs {
  op: 'quarantine' | 'restore';
  dir: string;
  stateDir: string;
  forceCopy: boolean;
  path: string;
  scanRoot: string;
  id?: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const q = new Quarantine({ dir: args.dir, stateDir: args.stateDir, forceCopy: args.forceCopy });
process.stdout.write('go\n');
const item =
  args.op === 'quarantine'
    ? await q.quarantine({ path: args.path, scanRoot: args.scanRoot, tool: 'claude-code', policy: 'crash-test', rule: 'claude-code' })
    : await q.restore(args.id ?? '');
process.stdout.write(`done ${item.id}\n`);
