// The agent's layering, checked on the source: the core is pure, the OS is reached only through adapters.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

const agentDir = path.join(repoRoot, 'agent');
const sources = fs
  .readdirSync(agentDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => {
    const text = fs.readFileSync(path.join(agentDir, f), 'utf8');
    return { file: f.split(path.sep).join('/'), text, imports: [...text.matchAll(/^import\s+[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1] as string) };
  });

const OS_MODULES = ['node:fs', 'node:fs/promises', 'node:os', 'node:child_process', 'node:net', 'node:http', 'chokidar', 'ps-list', 'node-notifier'];

describe('agent layering', () => {
  it('keeps the core free of OS access (it uses ports instead)', () => {
    const offending = sources
      .filter((s) => s.file.startsWith('core/'))
      .flatMap((s) => s.imports.filter((i) => OS_MODULES.includes(i) || /\/(adapters|daemon|cli|client)\//.test(i)).map((i) => `${s.file} → ${i}`));
    expect(offending).toEqual([]);
  });

  it('keeps the clock out of the core: time comes in as a parameter', () => {
    const offending = sources.filter((s) => s.file.startsWith('core/') && /Date\.now\(\)|new Date\(\)/.test(s.text)).map((s) => s.file);
    expect(offending).toEqual([]);
  });

  it('keeps agent/common a vocabulary that imports nothing but itself', () => {
    const offending = sources.filter((s) => s.file.startsWith('common/')).flatMap((s) => s.imports.filter((i) => !i.startsWith('./')).map((i) => `${s.file} → ${i}`));
    expect(offending).toEqual([]);
  });

  it('spawns and signals processes only from adapters', () => {
    const offending = sources
      .filter((s) => !s.file.startsWith('adapters/') && /\bspawn\(|\bexecFile\(|process\.kill\(/.test(s.text))
      .map((s) => s.file);
    expect(offending).toEqual([]);
  });
});
