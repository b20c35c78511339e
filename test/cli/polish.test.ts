// The command line's small courtesies: a closed pipe is no crash, a short catalog, and a near-miss name gets a suggestion.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEntry } from '../support/paths.js';

const cordon = (args: string[], input?: string) =>
  spawnSync(process.execPath, [cliEntry, ...args], { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });

describe('cordon on the command line', () => {
  it('stops quietly when the reader of its output goes away (cordon catalog | head -1)', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cliEntry}" catalog | head -1`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toMatch(/^\d+ tools/);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
  });

  it('lists only ids and names with catalog --ids', () => {
    const r = cordon(['catalog', '--ids']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain('claude-code\tClaude Code');
    expect(lines.every((l) => /^[a-z0-9-]+\t\S/.test(l))).toBe(true);
  });

  it('suggests the tool id, field or config key that was probably meant, and names the column of a YAML error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-polish-'));
    try {
      const base = 'apiVersion: cordon/v1\nid: p\nversion: 1\nissuer: IT\nissuedAt: 2026-01-01T00:00:00Z\nmessage: no\nrules:\n';
      fs.writeFileSync(path.join(dir, 'tool.yaml'), `${base}  - { id: r, tools: [claude-cod], phases: [{ from: 2026-01-01T00:00:00Z, actions: [report] }] }\n`);
      expect(cordon(['policy', 'validate', path.join(dir, 'tool.yaml')]).stderr).toContain('unknown tool "claude-cod" (did you mean "claude-code"?)');
      fs.writeFileSync(
        path.join(dir, 'field.yaml'),
        `descripton: x\n${base}  - { id: r, tools: [claude-code], phases: [{ from: 2026-01-01T00:00:00Z, actions: [report] }] }\n`,
      );
      expect(cordon(['policy', 'validate', path.join(dir, 'field.yaml')]).stderr).toContain('unknown field "descripton" (did you mean "description"?)');
      fs.writeFileSync(path.join(dir, 'agent.json'), JSON.stringify({ polcyDir: dir }));
      expect(cordon(['--config', path.join(dir, 'agent.json'), 'catalog']).stderr).toContain('unknown field "polcyDir" (did you mean "policyDir"?)');
      fs.writeFileSync(path.join(dir, 'bad.yaml'), `${base}  - id: "r\n`);
      expect(cordon(['policy', 'validate', path.join(dir, 'bad.yaml')]).stderr).toMatch(/bad\.yaml:\d+:\d+/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
