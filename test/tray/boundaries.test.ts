// The tray's import rules, checked on the source: what each process may touch follows from the folder it lives in.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

interface Source {
  /** Relative to the repository: tray/… or agent/…. */
  file: string;
  imports: { typeOnly: boolean; spec: string }[];
}

function sourcesUnder(dir: string): Source[] {
  return fs
    .readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.c?ts$/.test(f))
    .map((f) => path.join(dir, f))
    .map((file) => ({
      file,
      imports: [...fs.readFileSync(path.join(repoRoot, file), 'utf8').matchAll(/^import\s+(type\s+)?[^'"]*['"]([^'"]+)['"]/gm)].map((m) => ({ typeOnly: Boolean(m[1]), spec: m[2] as string })),
    }));
}

const tray = sourcesUnder('tray');
const sources = [...tray, ...sourcesUnder('agent/common'), ...sourcesUnder('agent/client')];

/** Files the window loads in the browser, and everything they import at run time (the tray's and the agent's). */
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
  it('imports from the agent only its shared vocabulary (agent/common) and the one client (agent/client)', () => {
    const offending = tray.flatMap((s) => s.imports.filter((i) => i.spec.includes('/agent/') && !/\/agent\/(common|client)\//.test(i.spec)).map((i) => `${s.file} → ${i.spec}`));
    expect(offending).toEqual([]);
  });

  it('imports electron only in the main-process shell and the preload', () => {
    const users = tray.filter((s) => s.imports.some((i) => i.spec === 'electron' && !i.typeOnly)).map((s) => s.file).sort();
    expect(users).toEqual(['tray/main/trayApp.ts', 'tray/main/windowScheme.ts', 'tray/preload/preload.cts']);
  });

  it('keeps the preload self-contained: sandboxed preloads can require nothing but electron', () => {
    const preload = tray.find((s) => s.file === 'tray/preload/preload.cts');
    expect(preload?.imports.filter((i) => !i.typeOnly).map((i) => i.spec)).toEqual(['electron']);
  });

  it('gives the window no Node: nothing it loads imports a node: module or a package, nor the socket client', () => {
    const loaded = browserClosure(['tray/renderer/app.ts', 'tray/devbridge/client.ts']);
    expect(loaded.size).toBeGreaterThan(5);
    expect([...loaded].some((f) => f.startsWith('agent/common/'))).toBe(true);
    const outside = [...loaded].filter((f) => !f.startsWith('tray/') && !f.startsWith('agent/common/'));
    expect(outside).toEqual([]);
    const offending = [...loaded].flatMap((f) => (sources.find((s) => s.file === f)?.imports ?? []).filter((i) => !i.typeOnly && !i.spec.startsWith('.')).map((i) => `${f} → ${i.spec}`));
    expect(offending).toEqual([]);
  });
});
