// The policy set on disk: last-known-good copies, rollback, retirement by deletion, the clock guard and policy-defined tools.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { policiesDir } from '../support/paths.js';
import { builtInCatalog, goodPolicyWith, goodPolicyYaml, policyEnv } from './support.js';

const july20 = new Date('2026-07-20T00:00:00Z');
const v = (n: number): string => goodPolicyWith(['version: 5', `version: ${n}`]);

describe('loadPolicySet', () => {
  it('accepts a signed policy, names its signer and keeps a last-known-good copy', () => {
    const env = policyEnv();
    const file = env.write('corp.yaml', goodPolicyYaml);
    const set = env.load(july20);
    expect(set.errors).toEqual([]);
    expect(set.policies.map((p) => p.ref)).toEqual([expect.objectContaining({ id: 'corp-ai-ban', version: 5, file, signedBy: 'test-trusted' })]);
    expect(set.policies[0]?.ref.lastKnownGood).toBeUndefined();
    const stored = JSON.parse(fs.readFileSync(path.join(env.stateDir, 'policies', 'corp-ai-ban.json'), 'utf8')) as { bytes: string; version: number };
    expect(Buffer.from(stored.bytes, 'base64').equals(goodPolicyYaml)).toBe(true);
    expect(stored.version).toBe(5);
  });

  it('replaces the policy with a newer signed version', () => {
    const env = policyEnv();
    env.write('corp.yaml', v(5));
    env.load(july20);
    env.write('corp.yaml', v(6));
    const set = env.load(july20);
    expect(set.errors).toEqual([]);
    expect(set.policies[0]?.policy.version).toBe(6);
  });

  it('rejects a rollback to a lower version, also after the newer file is gone, and keeps the newer one', () => {
    const env = policyEnv();
    env.write('corp.yaml', v(7));
    env.load(july20);
    env.write('corp.yaml', v(6));
    const set = env.load(july20);
    expect(set.errors).toEqual([expect.objectContaining({ code: 'policy-rollback' })]);
    expect(set.policies[0]?.policy.version).toBe(7);
    expect(set.policies[0]?.ref.lastKnownGood).toBe(true);
    env.remove('corp.yaml');
    expect(env.load(july20).policies).toEqual([]);
    env.write('corp.yaml', v(6));
    expect(env.load(july20).errors.map((e) => e.code)).toEqual(['policy-rollback']);
  });

  it('retires a policy whose file is deleted, with its last-known-good copy', () => {
    const env = policyEnv();
    env.write('corp.yaml', goodPolicyYaml);
    env.write('other.yaml', goodPolicyWith(['id: corp-ai-ban', 'id: other']));
    expect(env.load(july20).policies).toHaveLength(2);
    env.remove('corp.yaml');
    const set = env.load(july20);
    expect(set.policies.map((p) => p.policy.id)).toEqual(['other']);
    expect(fs.existsSync(path.join(env.stateDir, 'policies', 'corp-ai-ban.json'))).toBe(false);
  });

  it('retires a deleted policy even while its last-known-good copy was standing in for a broken file', () => {
    const env = policyEnv();
    env.write('corp.yaml', goodPolicyYaml);
    env.load(july20);
    env.write('corp.yaml', 'id: [', true);
    expect(env.load(july20).policies[0]?.ref.lastKnownGood).toBe(true);
    env.remove('corp.yaml');
    expect(env.load(july20).policies).toEqual([]);
  });

  it('drops a last-known-good copy whose signer is no longer trusted', () => {
    const env = policyEnv();
    env.write('corp.yaml', goodPolicyYaml);
    env.load(july20);
    env.write('corp.yaml', 'garbage: [', true);
    const set = env.load(july20, { trustedKeys: [] });
    expect(set.policies).toEqual([]);
    expect(set.errors.map((e) => e.code)).toEqual(['signature-untrusted', 'signature-untrusted']);
  });

  it('ignores the second file that uses the same policy id', () => {
    const env = policyEnv();
    env.write('a.yaml', v(5));
    env.write('b.yaml', v(5));
    const set = env.load(july20);
    expect(set.policies).toHaveLength(1);
    expect(set.errors).toEqual([expect.objectContaining({ file: path.join(env.policyDir, 'b.yaml'), message: expect.stringContaining('also used by') })]);
  });

  it('accepts unsigned policies only with allowUnsigned, with a warning, and never stores them', () => {
    const env = policyEnv();
    env.write('corp.yaml', goodPolicyYaml, false);
    expect(env.load(july20).errors.map((e) => e.code)).toEqual(['signature-missing']);
    const set = env.load(july20, { allowUnsigned: true });
    expect(set.policies[0]?.ref).toMatchObject({ unsigned: true, signedBy: null });
    expect(set.errors).toEqual([expect.objectContaining({ code: 'policy-unsigned' })]);
    expect(fs.existsSync(path.join(env.stateDir, 'policies', 'corp-ai-ban.json'))).toBe(false);
  });

  it('adds `scan --policy` drafts unsigned, replacing the policy of the same id, without storing them', () => {
    const env = policyEnv();
    env.write('corp.yaml', v(5));
    const draftDir = path.dirname(env.policyDir);
    const draft = path.join(draftDir, 'draft.yaml');
    fs.writeFileSync(draft, v(9));
    const set = env.load(july20, { extraUnsignedFiles: [draft] });
    expect(set.policies.map((p) => [p.policy.version, p.ref.unsigned, p.ref.file])).toEqual([[9, true, draft]]);
    expect(env.load(july20).policies[0]?.policy.version).toBe(5);
    fs.writeFileSync(draft, 'version: [');
    expect(env.load(july20, { extraUnsignedFiles: [draft] }).errors).toEqual([expect.objectContaining({ file: draft, code: 'policy-parse' })]);
  });

  it('reports a trusted key that is not an Ed25519 public key and still uses the good ones', () => {
    const env = policyEnv();
    env.write('corp.yaml', goodPolicyYaml);
    const set = env.load(july20, { trustedKeys: [{ id: 'broken', publicKey: 'not a pem' }, env.signer.trusted] });
    expect(set.errors).toEqual([expect.objectContaining({ file: 'trustedKeys', code: 'config-invalid', message: expect.stringContaining('broken') })]);
    expect(set.policies[0]?.ref.signedBy).toBe('test-trusted');
  });

  it('merges the tools a policy defines into the catalog, and only while that policy is in force', () => {
    const env = policyEnv();
    const acme = [
      'catalog:',
      '  - id: acme-coder',
      '    name: Acme Coder',
      '    vendor: Acme',
      '    category: cli',
      '    description: An in-house coding agent the built-in catalog does not know.',
      '    processes:',
      '      - names: [acme-coder]',
      '    examples:',
      '      processes:',
      '        match:',
      '          - { platform: linux, comm: acme-coder, argv: [/opt/acme/bin/acme-coder], exe: /opt/acme/bin/acme-coder }',
      '        noMatch:',
      '          - { platform: linux, comm: acme, argv: [/usr/bin/acme], exe: /usr/bin/acme }',
      '',
    ].join('\n');
    env.write('acme.yaml', `${goodPolicyWith(['tools: [claude-desktop]', 'tools: [claude-desktop, acme-coder]'], ['exemptions:', `${acme}exemptions:`])}`);
    const set = env.load(july20);
    expect(set.errors).toEqual([]);
    expect(builtInCatalog.tools.map((t) => t.id)).not.toContain('acme-coder');
    expect(set.catalog.tools.map((t) => t.id)).toEqual(expect.arrayContaining(['claude-code', 'codex-cli', 'acme-coder']));
    env.remove('acme.yaml');
    expect(env.load(july20).catalog.tools.map((t) => t.id)).not.toContain('acme-coder');
  });

  it('keeps the example report-only policy valid now that aider is built in: its own aider entry only adds signals', () => {
    const env = policyEnv();
    env.write('other.yaml', fs.readFileSync(path.join(policiesDir, 'other-ai-tools-report.yaml')));
    const set = env.load(july20);
    expect(set.errors).toEqual([]);
    expect(set.catalog.tools.filter((t) => t.id === 'aider')).toHaveLength(1);
  });

  it('works read-only when the state dir cannot be written, without failing', () => {
    const env = policyEnv();
    env.write('corp.yaml', goodPolicyYaml);
    fs.writeFileSync(env.stateDir, 'a file where the state dir should be');
    const set = env.load(july20);
    expect(set.errors).toEqual([expect.objectContaining({ code: 'state-not-writable' })]);
    expect(set.policies).toHaveLength(1);
    expect(env.load(july20, { readOnly: true }).errors).toEqual([]);
  });

  it('refuses a FIFO named like a policy without waiting for a writer, and keeps the good policy', () => {
    const env = policyEnv();
    env.write('corp.yaml', goodPolicyYaml);
    const fifo = path.join(env.policyDir, 'stuck.yaml');
    execFileSync('mkfifo', ['-m', '0644', fifo]);
    const set = env.load(july20);
    expect(set.errors).toEqual([expect.objectContaining({ file: fifo, code: 'policy-invalid', message: expect.stringContaining('not a regular file') })]);
    expect(set.policies.map((p) => p.ref.id)).toEqual(['corp-ai-ban']);
  });

  it('treats a missing policy folder as no policies', () => {
    const env = policyEnv();
    fs.rmSync(env.policyDir, { recursive: true });
    expect(env.load(july20)).toMatchObject({ policies: [], errors: [] });
  });
});

describe('the clock guard', () => {
  it('keeps a reached phase when the clock is set back, and says so', () => {
    const env = policyEnv();
    env.write('corp.yaml', goodPolicyYaml);
    const reached = new Date('2026-07-10T00:00:05+08:00');
    expect(env.load(reached).now).toEqual(reached);
    const setBack = env.load(new Date('2026-07-09T12:00:00+08:00'));
    expect(setBack.now).toEqual(reached);
    expect(setBack.errors).toEqual([expect.objectContaining({ code: 'clock-behind' })]);
    expect(JSON.parse(fs.readFileSync(path.join(env.stateDir, 'clock.json'), 'utf8'))).toEqual({ highWater: reached.toISOString() });
  });

  it('moves forward with the real clock', () => {
    const env = policyEnv();
    env.load(new Date('2026-07-01T00:00:00Z'));
    const later = new Date('2026-07-02T00:00:00Z');
    expect(env.load(later)).toMatchObject({ now: later, errors: [] });
  });

  it('lets an --at preview evaluate at any time without moving or applying the mark', () => {
    const env = policyEnv();
    env.load(new Date('2026-07-20T00:00:00Z'));
    const past = new Date('2026-06-01T00:00:00Z');
    const preview = env.load(past, { preview: true });
    expect(preview.now).toEqual(past);
    expect(preview.errors).toEqual([]);
    const future = new Date('2027-01-01T00:00:00Z');
    env.load(future, { preview: true });
    expect(env.load(new Date('2026-07-21T00:00:00Z')).now).toEqual(new Date('2026-07-21T00:00:00Z'));
  });

  it('applies the mark but never writes it in read-only runs', () => {
    const env = policyEnv();
    env.load(new Date('2026-07-20T00:00:00Z'));
    expect(env.load(new Date('2026-07-01T00:00:00Z'), { readOnly: true }).now).toEqual(new Date('2026-07-20T00:00:00Z'));
    env.load(new Date('2026-07-25T00:00:00Z'), { readOnly: true });
    expect(env.load(new Date('2026-07-21T00:00:00Z')).now).toEqual(new Date('2026-07-21T00:00:00Z'));
  });
});
