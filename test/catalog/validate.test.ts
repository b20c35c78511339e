// Catalog data is checked before use: schema errors and bad regexes name the file and field; policies can only add detection.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltInCatalog, loadCatalogDir } from '../../agent/adapters/catalogFiles.js';
import { CordonError } from '../../agent/common/errors.js';
import { mergeCatalog } from '../../agent/core/catalog/merge.js';
import { parseCatalog, validateToolSignatures } from '../../agent/core/catalog/validate.js';
import type { ToolSignature } from '../../agent/core/catalog/types.js';

const minimal = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'acme-ai',
  name: 'Acme AI',
  vendor: 'Acme',
  category: 'cli',
  description: 'x',
  processes: [{ names: ['acme-ai'] }],
  examples: { processes: { match: [{ platform: 'linux', comm: 'acme-ai', argv: ['acme-ai'] }], noMatch: [] } },
  ...extra,
});

function errorOf(fn: () => unknown): CordonError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CordonError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('the built-in catalog', () => {
  it('has the required tools, interpreters and more', () => {
    const catalog = loadBuiltInCatalog();
    const ids = catalog.tools.map((t) => t.id);
    expect(ids).toEqual(
      expect.arrayContaining(['claude-code', 'claude-code-ide', 'claude-desktop', 'anthropic-model-config', 'codex-cli', 'gemini-cli', 'ollama']),
    );
    expect(catalog.interpreters).toContain('node');
    for (const t of catalog.tools) expect(Object.keys(t.examples).length, t.id).toBeGreaterThan(0);
  });
});

describe('validateToolSignatures', () => {
  it('accepts a policy-defined tool', () => {
    expect(validateToolSignatures([minimal()], 'policy.yaml catalog')[0]?.id).toBe('acme-ai');
  });

  it.each([
    [{ category: 'toaster' }, 'category: unknown category "toaster"; expected '],
    [{ installs: [{ platforms: ['linux'], path: 'relative/x', what: 'x', role: 'program' }] }, 'installs[0].path: "relative/x" must match pattern'],
    [{ installs: [{ platforms: ['linux'], path: '~/a/**/b', what: 'x', role: 'program' }] }, 'is not a location'],
    [{ configs: [{ platforms: ['linux'], path: '~/.x', format: 'text', matchers: [{ line: '(', what: 'x' }] }] }, 'is not a valid regular expression'],
    [{ colour: 'red' }, 'colour: unknown field "colour"; expected one of '],
  ])('rejects %j', (extra, message) => {
    const err = errorOf(() => validateToolSignatures([minimal(extra)], 'policy.yaml catalog'));
    expect(err.code).toBe('catalog-invalid');
    expect(err.oneLine()).toContain('policy.yaml catalog[0]');
    expect(err.oneLine()).toContain(message);
  });

  it('rejects a tool id defined twice', () => {
    expect(errorOf(() => parseCatalog([minimal(), minimal()], ['a.yaml', 'b.yaml'])).oneLine()).toContain('b.yaml: tool id "acme-ai" is defined twice');
  });

  it('names the broken file when loading a catalog directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-cat-'));
    fs.writeFileSync(path.join(dir, 'acme.yaml'), 'id: acme-ai\nname: [unclosed\n');
    const err = errorOf(() => loadCatalogDir(dir));
    fs.rmSync(dir, { recursive: true });
    expect(err.details.where).toBe(path.join(dir, 'acme.yaml'));
  });
});

describe('mergeCatalog', () => {
  it('adds new tools and only adds signals to known ones', () => {
    const base = loadBuiltInCatalog();
    const extra = [minimal(), minimal({ id: 'claude-code', processes: [{ names: ['claude-nightly'] }] })] as unknown as ToolSignature[];
    const merged = mergeCatalog(base, extra);
    const claude = merged.tools.find((t) => t.id === 'claude-code')!;
    const original = base.tools.find((t) => t.id === 'claude-code')!;
    expect(merged.tools.map((t) => t.id)).toContain('acme-ai');
    expect(claude.processes).toHaveLength((original.processes?.length ?? 0) + 1);
    expect(claude.installs).toEqual(original.installs);
    expect(original.processes?.some((p) => p.names?.includes('claude-nightly'))).toBe(false);
  });
});
