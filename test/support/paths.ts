// Where tests find the built CLI and the repository's own data files.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The compiled CLI (`npm run build` makes it; `npm test` builds first). */
export const cliEntry = path.join(repoRoot, 'dist', 'agent', 'cli', 'main.js');
export const policiesDir = path.join(repoRoot, 'policies');
