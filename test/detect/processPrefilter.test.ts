// The daemon's first look at a new program: it must let through everything the matcher could match, and little else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBuiltInCatalog } from '../../agent/adapters/catalogFiles.js';
import type { Platform, ProcessInfo } from '../../agent/common/model.js';
import type { Catalog } from '../../agent/core/catalog/types.js';
import { matchProcesses, processPrefilter } from '../../agent/core/detect/index.js';

const catalog = loadBuiltInCatalog();
const platforms: Platform[] = ['linux', 'darwin', 'win32'];
/** The built-in catalog has no name longer than Linux keeps in comm; a policy may add one. */
const withLongName: Catalog = {
  ...catalog,
  tools: [...catalog.tools, { ...catalog.tools[0]!, id: 'long-name', processes: [{ names: ['claude-code-assistant'] }], examples: {} }],
};

describe('processPrefilter lets every catalog example through', () => {
  for (const tool of catalog.tools) {
    for (const p of tool.examples.processes?.match ?? []) {
      it(`${tool.id}: ${p.argv.join(' ')} on ${p.platform}`, () => {
        expect(processPrefilter(catalog, p.platform)({ pid: 4242, ...p })).toBe(true);
      });
    }
  }
});

/** Pieces the catalog itself uses, cut and mixed with plain words, so generated processes come close to real matches. */
function vocabulary(c: Catalog): string[] {
  const words = new Set<string>(['bash', 'node', 'sleep', 'python3', 'x', 'Claude', 'CLAUDE.EXE', 'app-0.9.3', 'bin', 'usr', 'C:', '']);
  for (const i of c.interpreters) words.add(i);
  for (const tool of c.tools) {
    for (const sig of tool.processes ?? []) {
      for (const n of sig.names ?? []) [n, n.slice(0, 15), n.toUpperCase(), `${n}.exe`, `${n}x`].forEach((w) => words.add(w));
      for (const f of [...(sig.pathFragments ?? []), ...(sig.excludePathFragments ?? [])]) {
        [f, f.toUpperCase()].forEach((w) => words.add(w));
        f.split('/').forEach((w) => words.add(w));
      }
    }
  }
  return [...words];
}

describe('processPrefilter is never narrower than the matcher', () => {
  const words = vocabulary(withLongName);
  const word = fc.constantFrom(...words);
  const pathOf = fc.tuple(fc.array(word, { minLength: 1, maxLength: 5 }), fc.constantFrom('/', '\\')).map(([parts, sep]) => parts.join(sep));
  const proc = fc.record({
    comm: word,
    argv: fc.array(fc.oneof(word, pathOf), { maxLength: 4 }),
    exe: fc.option(pathOf, { nil: undefined }),
  });

  for (const platform of platforms) {
    it(`on ${platform}: a process the matcher matches always passes`, () => {
      const first = processPrefilter(withLongName, platform);
      fc.assert(
        fc.property(proc, ({ comm, argv, exe }) => {
          const p: ProcessInfo = { pid: 1, comm, argv, ...(exe === undefined ? {} : { exe }) };
          if (matchProcesses([p], withLongName, platform).length > 0) expect(first(p)).toBe(true);
        }),
        { numRuns: 3000 },
      );
    });
  }
});

describe('processPrefilter keeps out what cannot match', () => {
  const first = processPrefilter(catalog, 'linux');

  it('skips everyday programs', () => {
    expect(first({ pid: 1, comm: 'bash', argv: ['/bin/bash', '-c', 'make'], exe: '/usr/bin/bash' })).toBe(false);
    expect(first({ pid: 1, comm: 'node', argv: ['node', '/srv/app/server.js'], exe: '/usr/bin/node' })).toBe(false);
    expect(first({ pid: 1, comm: 'claudette', argv: ['claudette'], exe: '/usr/bin/claudette' })).toBe(false);
  });

  it('lets through a script run by an interpreter from a tool path', () => {
    expect(first({ pid: 1, comm: 'node', argv: ['node', '/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js'], exe: '/usr/bin/node' })).toBe(true);
  });

  it('lets through a Linux comm cut to 15 bytes of a longer name, on Linux only', () => {
    const p = { pid: 1, comm: 'claude-code-ass', argv: ['x'], exe: '/opt/x' };
    expect(matchProcesses([p], withLongName, 'linux')).toHaveLength(1);
    expect(processPrefilter(withLongName, 'linux')(p)).toBe(true);
    expect(processPrefilter(withLongName, 'darwin')(p)).toBe(false);
  });

  it('lets everything through when a signature has neither names nor path fragments', () => {
    const loose: Catalog = { ...catalog, tools: [{ ...catalog.tools[0]!, processes: [{ platforms: ['linux'] }] }] };
    expect(processPrefilter(loose, 'linux')({ pid: 1, comm: 'bash', argv: ['bash'] })).toBe(true);
  });
});
