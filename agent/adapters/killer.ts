// Ends processes, but only the one that was found: picks the killer whose identity check reads start markers as this
// machine's process source records them (see adapters/processes/index.ts). Each OS's killer lives in its own folder.
import fs from 'node:fs';
import type { ProcessKiller } from '../ports/index.js';
import { psProcessKiller } from './processes/darwin/killer.js';
import { procProcessKiller } from './processes/linux/killer.js';
import { createWin32ProcessKiller } from './processes/win32/killer.js';

export { procProcessKiller } from './processes/linux/killer.js';
export { psProcessKiller } from './processes/darwin/killer.js';

function pickKiller(): ProcessKiller {
  if (process.platform === 'linux' && fs.existsSync('/proc/self/stat')) return procProcessKiller;
  if (process.platform === 'win32') return createWin32ProcessKiller();
  return psProcessKiller;
}

export const nodeProcessKiller: ProcessKiller = pickKiller();
