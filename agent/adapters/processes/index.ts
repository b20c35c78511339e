// Picks the process source for this OS: the direct /proc reader on Linux, ps-list elsewhere.
import fs from 'node:fs';
import type { ProcessSource } from '../../ports/index.js';
import { createUserNameCache } from '../users.js';
import { createProcReader } from './procReader.js';
import { createPsListSource } from './psListSource.js';

export { createProcReader } from './procReader.js';
export { createPsListSource } from './psListSource.js';

export function createProcessSource(opts: { incremental: boolean }): ProcessSource {
  const userName = createUserNameCache();
  if (process.platform === 'linux' && fs.existsSync('/proc/self/stat')) return createProcReader({ ...opts, userName });
  return createPsListSource({ userName });
}
