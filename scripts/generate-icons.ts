// `npx tsx scripts/generate-icons.ts`: writes every tray and app icon from scripts/icons/drawIcons.ts (deterministic).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allIcons } from './icons/drawIcons.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const [relative, bytes] of allIcons()) {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  process.stdout.write(`${relative} (${bytes.length} bytes)\n`);
}
