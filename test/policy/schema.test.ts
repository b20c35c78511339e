// The published schema explains every field to editors, and the loader reports where a problem is in JSON too.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CordonError } from '../../agent/common/errors.js';
import { parsePolicy } from '../../agent/core/policy/parse.js';
import { policiesDir } from '../support/paths.js';
import { goodPolicyJson, goodPolicyWith } from './support.js';

const schema = JSON.parse(fs.readFileSync(path.join(policiesDir, 'policy.schema.json'), 'utf8')) as Record<string, unknown>;

function undescribed(node: unknown, at: string, out: string[]): string[] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return out;
  const n = node as Record<string, unknown>;
  if (typeof n.description !== 'string' || n.description.length < 8) out.push(at);
  for (const [key, child] of Object.entries((n.properties ?? {}) as Record<string, unknown>)) undescribed(child, `${at}.${key}`, out);
  for (const [key, child] of Object.entries((n.$defs ?? {}) as Record<string, unknown>)) undescribed(child, `${at}.$defs.${key}`, out);
  if (n.items) undescribed(n.items, `${at}[]`, out);
  return out;
}

function rejection(text: string, file: string): string {
  try {
    parsePolicy(Buffer.from(text), file);
  } catch (err) {
    if (err instanceof CordonError) return err.oneLine();
    throw err;
  }
  return 'accepted';
}

describe('policy.schema.json', () => {
  it('describes every field', () => {
    expect(undescribed(schema, '(root)', [])).toEqual([]);
  });

  it('locates a problem in a JSON policy by line', () => {
    const text = goodPolicyJson.toString('utf8').replace('"report",', '"reprot",');
    expect(rejection(text, 'corp.json')).toMatch(/^corp\.json:\d+: rules\[0\]\.phases\[0\]\.actions\[0\]: unknown action "reprot"/);
  });

  it('allows a few YAML anchors for shared phases', () => {
    const text = goodPolicyWith(
      ['    phases:\n      - from: 2026-07-01T00:00:00+08:00\n        actions: [report]', '    phases: *shared'],
      ['    phases:\n      - from', '    phases: &shared\n      - from'],
    );
    expect(rejection(text, 'anchors.yaml')).toBe('accepted');
  });

  it('normalises text to NFC so the same name typed on two systems compares equal', () => {
    const decomposed = 'Jose\u0301';
    const policy = parsePolicy(Buffer.from(goodPolicyWith(['users: [alice]', `users: ["${decomposed}"]`])), 'nfc.yaml');
    expect(policy.exemptions?.[0]?.users).toEqual(['Jos\u00e9']);
  });
});
