// The integration files as their products read them: osquery ATC per OS and Fleet agent options alike, the Intune rules
// file within Intune's documented limits, and the PowerShell discovery script checked statically (no pwsh on this machine).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FleetDb } from '../../agent/adapters/fleetDb.js';
import { intuneSettings, fleetFacts } from '../../agent/core/fleet/facts.js';
import { repoRoot } from '../support/paths.js';

const dir = path.join(repoRoot, 'scripts', 'integrations');
const read = (rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
type Atc = Record<string, { query: string; path: string; columns: string[]; platform: string }>;
const atcOf = (os: string) => (JSON.parse(read(`osquery/atc-${os}.json`)) as { auto_table_construction: Atc }).auto_table_construction;
const rules = (JSON.parse(read('intune/cordon-rules.json')) as { Rules: Record<string, unknown>[] }).Rules;

describe('osquery ATC', () => {
  it("declares the same tables and queries on every OS, each pointing at that OS's state folder", () => {
    const [linux, darwin, windows] = ['linux', 'darwin', 'windows'].map(atcOf) as [Atc, Atc, Atc];
    for (const name of Object.keys(linux)) {
      expect(darwin[name]?.query).toBe(linux[name]?.query);
      expect(windows[name]?.columns).toEqual(linux[name]?.columns);
    }
    expect(new Set(Object.values(linux).map((t) => t.path))).toEqual(new Set(['/var/lib/cordon/cordon.db']));
    expect(new Set(Object.values(darwin).map((t) => t.path))).toEqual(new Set(['/Library/Application Support/Cordon/state/cordon.db']));
    expect(new Set(Object.values(windows).map((t) => t.path))).toEqual(new Set(['C:\\ProgramData\\Cordon\\state\\cordon.db']));
    expect(read('osquery/atc-windows.json')).toContain('"C:\\\\ProgramData\\\\Cordon\\\\state\\\\cordon.db"');
  });

  it("gives Fleet's agent options exactly the ATC tables of each OS", () => {
    const options = parseYaml(read('osquery/fleet-agent-options.yml')) as { overrides: { platforms: Record<string, { auto_table_construction: Atc }> } };
    for (const os of ['linux', 'darwin', 'windows']) expect(options.overrides.platforms[os]?.auto_table_construction).toEqual(atcOf(os));
  });

  it('names its columns as the query returns them (an empty database answers with the columns)', () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-atc-'));
    const db = path.join(stateDir, 'cordon.db');
    try {
      FleetDb.open(stateDir).close();
      for (const [name, t] of Object.entries(atcOf('linux'))) {
        const header = execFileSync(
          'sqlite3',
          ['-readonly', '-header', '-csv', db, `${t.query.replace(/;$/, '')} UNION ALL SELECT ${t.columns.map(() => 'NULL').join(', ')} LIMIT 1;`],
          { encoding: 'utf8' },
        ).split('\n')[0];
        expect(header?.split(','), name).toEqual(t.columns);
      }
    } finally {
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe('Intune custom compliance', () => {
  it('has a rules file within the documented limits, with English and Simplified Chinese remediation', () => {
    expect(rules.length).toBeLessThanOrEqual(100);
    expect(Buffer.byteLength(read('intune/cordon-rules.json'))).toBeLessThan(100 * 1024);
    for (const r of rules) {
      expect(Object.keys(r).sort()).toEqual(['DataType', 'MoreInfoUrl', 'Operand', 'Operator', 'RemediationStrings', 'SettingName']);
      expect(['IsEquals', 'NotEquals', 'GreaterThan', 'GreaterEquals', 'LessThan', 'LessEquals']).toContain(r.Operator);
      expect(['Boolean', 'Int64', 'Double', 'String', 'DateTime', 'Version']).toContain(r.DataType);
      const operandType = { Boolean: 'boolean', Int64: 'number', Double: 'number', String: 'string', DateTime: 'string', Version: 'string' }[
        r.DataType as string
      ];
      expect(typeof r.Operand).toBe(operandType);
      const langs = (r.RemediationStrings as { Language: string; Title: string; Description: string }[]).map((s) => s.Language);
      expect(langs).toEqual(['en_US', 'zh_CN']);
    }
  });

  it("discovery output carries every rule's setting with the rule's data type", () => {
    const out = intuneSettings(fleetFacts(null, new Date()));
    for (const r of rules) {
      const value = out[r.SettingName as string];
      expect(typeof value, r.SettingName as string).toBe({ Boolean: 'boolean', Int64: 'number', String: 'string' }[r.DataType as string]);
    }
  });

  it('PowerShell discovery script (static: pwsh is not installable here) falls back to the same settings and returns compressed JSON', () => {
    const ps1 = read('intune/discovery-windows.ps1');
    const fallbackKeys = [...ps1.matchAll(/(Cordon[A-Za-z]+) = /g)].map((m) => m[1]);
    expect(fallbackKeys.sort()).toEqual(Object.keys(intuneSettings(fleetFacts(null, new Date()))).sort());
    expect(ps1.match(/ConvertTo-Json -Compress/g)?.length).toBe(3);
    expect(ps1).toContain('fleet-facts --format intune');
    // Balanced braces and parentheses, and no here-strings or backtick line continuations a parser could trip over.
    for (const [open, close] of [
      ['{', '}'],
      ['(', ')'],
    ] as const)
      expect(ps1.split(open).length).toBe(ps1.split(close).length);
    expect(ps1).not.toMatch(/`\s*$/m);
  });
});

describe('shell integration scripts', () => {
  it('are bash scripts that parse, one per Jamf attribute and Intune discovery', () => {
    for (const rel of [
      'jamf/cordon-compliance.sh',
      'jamf/cordon-days-to-deadline.sh',
      'jamf/cordon-last-check.sh',
      'jamf/cordon-policies.sh',
      'intune/discovery-linux.sh',
      'intune/macos-compliance-attribute.sh',
    ]) {
      expect(read(rel).startsWith('#!/bin/bash\n'), rel).toBe(true);
      execFileSync('bash', ['-n', path.join(dir, rel)]);
      expect(fs.statSync(path.join(dir, rel)).mode & 0o111, rel).not.toBe(0);
    }
  });

  it('answer "not installed" in each product\'s format where no cordon command exists', () => {
    const env = { PATH: '/usr/bin:/bin', CORDON_BIN: '' };
    expect(execFileSync('bash', [path.join(dir, 'jamf/cordon-compliance.sh')], { env, encoding: 'utf8' })).toBe('<result>unknown</result>\n');
    expect(execFileSync('bash', [path.join(dir, 'jamf/cordon-days-to-deadline.sh')], { env, encoding: 'utf8' })).toBe('<result></result>\n');
    expect(JSON.parse(execFileSync('bash', [path.join(dir, 'intune/discovery-linux.sh')], { env, encoding: 'utf8' }))).toEqual(
      intuneSettings(fleetFacts(null, new Date())),
    );
  });
});
