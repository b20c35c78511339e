// The tray's import rules, checked on the source: what each process may touch follows from the folder it lives in.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

const trayDir = path.join(repoRoot, 'tray');
const sources = fs
  .readdirSync(trayDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.c?ts$/.test(f))
  .map((f) => ({ file: f, imports: [...fs.readFileSync(path.join(trayDir, f), 'utf8').matchAll(/^import\s+(type\s+)?[^'"]*['"]([^'"]+)['"]/gm)].map((m) => ({ typeOnly: Boolean(m[1]), spec: m[2] as string })) }));

/** Files the window loads in the browser, and everything they import at run time. */
function browserClosure(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of sources.find((s) => s.file === file)?.imports ?? []) {
      if (!i.typeOnly && i.spec.startsWith('.')) visit(path.normalize(path.join(path.dirname(file), i.spec.replace(/\.js$/, '.ts'))));
    }
  };
  entries.forEach(visit);
  return seen;
}

describe('tray import boundaries', () => {
  it('imports from the agent only its shared vocabulary (agent/common)', () => {
    const offending = sources.flatMap((s) => s.imports.filter((i) => i.spec.includes('/agent/') && !i.spec.includes('/agent/common/')).map((i) => `${s.file} → ${i.spec}`));
    expect(offending).toEqual([]);
  });

  it('imports electron only in the main-process shell and the preload', () => {
    const users = sources.filter((s) => s.imports.some((i) => i.spec === 'electron' && !i.typeOnly)).map((s) => s.file).sort();
    expect(users).toEqual(['main/trayApp.ts', 'main/windowScheme.ts', 'preload/preload.cts']);
  });

  it('keeps the preload self-contained: sandboxed preloads can require nothing but electron', () => {
    const preload = sources.find((s) => s.file === 'preload/preload.cts');
    expect(preload?.imports.filter((i) => !i.typeOnly).map((i) => i.spec)).toEqual(['electron']);
  });

  it('gives the window no Node: nothing it loads imports a node: module or a package', () => {
    const loaded = browserClosure(['renderer/app.ts', 'devbridge/client.ts']);
    expect(loaded.size).toBeGreaterThan(5);
    const offending = [...loaded].flatMap((f) => (sources.find((s) => s.file === f)?.imports ?? []).filter((i) => !i.typeOnly && !i.spec.startsWith('.')).map((i) => `${f} → ${i.spec}`));
    expect(offending).toEqual([]);
  });
});
