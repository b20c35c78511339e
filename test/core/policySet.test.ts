// Policy-set decisions from what was read, with no disk: rollback, retirement, last-known-good fallback, and read-only runs storing nothing.
import { describe, expect, it } from 'vitest';
import { decidePolicySet, type LastKnownGood, type PolicyFileRead, type PolicySetDecision, type PolicySetInput } from '../../agent/core/policy/policySet.js';
import { signPolicy } from '../../agent/core/policy/signature.js';
import { builtInCatalog, goodPolicyWith, makeSigner } from '../policy/support.js';

const signer = makeSigner('test-trusted');
const july20 = new Date('2026-07-20T00:00:00Z');
const FILE = '/etc/cordon/policies/corp.yaml';
const VERSIONS = '/var/lib/cordon/policies/versions.json';

const v = (n: number): Buffer => Buffer.from(goodPolicyWith(['version: 5', `version: ${n}`]));
const signed = (bytes: Buffer, file = FILE): PolicyFileRead => ({ file, bytes, sig: signPolicy(bytes, signer.pair.privateKeyPem) });

/** What the state dir holds: records by id and versions.json's text. */
interface State {
  records: Map<string, LastKnownGood>;
  versions: string | null;
}

const emptyState = (): State => ({ records: new Map(), versions: null });

function decide(files: PolicyFileRead[], state: State = emptyState(), over: Partial<PolicySetInput> = {}): PolicySetDecision {
  return decidePolicySet({
    files,
    stored: [...state.records.values()].map((rec) => ({ name: `${rec.id}.json`, text: JSON.stringify(rec) })),
    versions: { file: VERSIONS, text: state.versions },
    drafts: [],
    trustedKeys: [signer.trusted],
    allowUnsigned: false,
    catalog: builtInCatalog,
    now: july20,
    readOnly: false,
    ...over,
  });
}

/** Carries out a decision's writes the way the adapter does, so the next run sees them. */
function apply(state: State, d: PolicySetDecision): State {
  const records = new Map(state.records);
  for (const rec of d.store) records.set(rec.id, rec);
  for (const id of d.retire) records.delete(id);
  return { records, versions: d.store.length > 0 ? JSON.stringify(d.versions) : state.versions };
}

describe('decidePolicySet', () => {
  it('accepts a signed policy and asks to store it as last-known-good with its version mark', () => {
    const d = decide([signed(v(5))]);
    expect(d.errors).toEqual([]);
    expect(d.policies.map((p) => p.ref)).toEqual([expect.objectContaining({ id: 'corp-ai-ban', version: 5, file: FILE, signedBy: 'test-trusted' })]);
    expect(d.store).toEqual([
      expect.objectContaining({ id: 'corp-ai-ban', version: 5, file: FILE, acceptedAt: july20.toISOString(), bytes: v(5).toString('base64') }),
    ]);
    expect(d.versions).toEqual({ 'corp-ai-ban': { version: 5, acceptedAt: july20.toISOString() } });
    expect(d.retire).toEqual([]);
  });

  it('does not store an unchanged copy again', () => {
    const state = apply(emptyState(), decide([signed(v(5))]));
    expect(decide([signed(v(5))], state).store).toEqual([]);
  });

  it('rejects a lower version and keeps the stored newer one in force', () => {
    const state = apply(emptyState(), decide([signed(v(7))]));
    const d = decide([signed(v(6))], state);
    expect(d.errors).toEqual([
      expect.objectContaining({ file: FILE, code: 'policy-rollback', message: expect.stringContaining('version 6 is older than version 7') }),
    ]);
    expect(d.policies.map((p) => [p.policy.version, p.ref.lastKnownGood])).toEqual([[7, true]]);
    expect(d.store).toEqual([]);
  });

  it('rejects a rollback from the version marks alone, after the newer copy was retired', () => {
    const d = decide([signed(v(6))], {
      records: new Map(),
      versions: JSON.stringify({ 'corp-ai-ban': { version: 7, acceptedAt: '2026-07-01T00:00:00.000Z' } }),
    });
    expect(d.errors.map((e) => e.code)).toEqual(['policy-rollback']);
    expect(d.policies).toEqual([]);
  });

  it('reports a damaged versions.json and rebuilds the marks from the stored copies, so a rollback still fails', () => {
    const state = { ...apply(emptyState(), decide([signed(v(7))])), versions: '{"corp-ai-ban": ' };
    const d = decide([signed(v(6))], state);
    expect(d.errors.map((e) => [e.code, e.file])).toEqual([
      ['state-corrupt', VERSIONS],
      ['policy-rollback', FILE],
    ]);
    expect(d.policies[0]?.policy.version).toBe(7);
  });

  it('accepts a higher version and replaces the stored copy', () => {
    const state = apply(emptyState(), decide([signed(v(5))]));
    const d = decide([signed(v(6))], state);
    expect(d.errors).toEqual([]);
    expect(d.store.map((r) => r.version)).toEqual([6]);
    expect(d.versions['corp-ai-ban']?.version).toBe(6);
  });

  it('retires a policy whose file is gone', () => {
    const state = apply(emptyState(), decide([signed(v(5))]));
    const d = decide([], state);
    expect(d.policies).toEqual([]);
    expect(d.retire).toEqual(['corp-ai-ban']);
  });

  it('retires a policy whose file now holds another policy id', () => {
    const state = apply(emptyState(), decide([signed(v(5))]));
    const d = decide([signed(Buffer.from(goodPolicyWith(['id: corp-ai-ban', 'id: other'])))], state);
    expect(d.policies.map((p) => p.policy.id)).toEqual(['other']);
    expect(d.retire).toEqual(['corp-ai-ban']);
  });

  it('serves the last-known-good copy when the file is tampered with', () => {
    const state = apply(emptyState(), decide([signed(v(5))]));
    const good = signed(v(5)) as { file: string; bytes: Buffer; sig: string };
    const d = decide([{ ...good, bytes: v(9) }], state);
    expect(d.errors).toEqual([expect.objectContaining({ file: FILE, code: 'signature-invalid' })]);
    expect(d.policies.map((p) => [p.policy.version, p.ref.lastKnownGood, p.ref.signedBy])).toEqual([[5, true, 'test-trusted']]);
    expect(d.store).toEqual([]);
    expect(d.retire).toEqual([]);
  });

  it('serves the last-known-good copy when the file is signed but invalid, or could not be read', () => {
    const state = apply(emptyState(), decide([signed(v(5))]));
    const invalid = decide([signed(Buffer.from('id: ['))], state);
    expect(invalid.errors.map((e) => e.code)).toEqual(['policy-parse']);
    expect(invalid.policies[0]?.ref.lastKnownGood).toBe(true);
    const unreadable = decide([{ file: FILE, error: { file: FILE, code: 'policy-invalid', message: 'refused' } }], state);
    expect(unreadable.errors).toEqual([{ file: FILE, code: 'policy-invalid', message: 'refused' }]);
    expect(unreadable.policies[0]?.ref.lastKnownGood).toBe(true);
  });

  it('drops a last-known-good copy whose signer is no longer trusted', () => {
    const state = apply(emptyState(), decide([signed(v(5))]));
    const d = decide([signed(Buffer.from('id: ['))], state, { trustedKeys: [] });
    expect(d.policies).toEqual([]);
    expect(d.errors.map((e) => e.code)).toEqual(['signature-untrusted', 'signature-untrusted']);
  });

  it('refuses an unsigned file, and accepts it unstored when allowUnsigned is on', () => {
    expect(decide([{ file: FILE, bytes: v(5), sig: null }]).errors.map((e) => e.code)).toEqual(['signature-missing']);
    const d = decide([{ file: FILE, bytes: v(5), sig: null }], emptyState(), { allowUnsigned: true });
    expect(d.errors.map((e) => e.code)).toEqual(['policy-unsigned']);
    expect(d.policies[0]?.ref.unsigned).toBe(true);
    expect(d.store).toEqual([]);
  });

  it('stores and retires nothing on a read-only run, yet decides the same policies', () => {
    const first = decide([signed(v(5))], emptyState(), { readOnly: true });
    expect(first.policies.map((p) => p.policy.version)).toEqual([5]);
    expect([first.store, first.retire]).toEqual([[], []]);
    const state = apply(emptyState(), decide([signed(v(5))]));
    const gone = decide([], state, { readOnly: true });
    expect(gone.policies).toEqual([]);
    expect(gone.retire).toEqual([]);
    const newer = decide([signed(v(6))], state, { readOnly: true });
    expect(newer.policies[0]?.policy.version).toBe(6);
    expect(newer.store).toEqual([]);
  });

  it('lets a draft replace the policy of its id, unsigned and never stored', () => {
    const state = apply(emptyState(), decide([signed(v(5))]));
    const d = decide([signed(v(5))], state, { drafts: [{ file: '/tmp/draft.yaml', bytes: v(8) }] });
    expect(d.policies.map((p) => [p.policy.version, p.ref.file, p.ref.unsigned])).toEqual([[8, '/tmp/draft.yaml', true]]);
    expect(d.store).toEqual([]);
  });
});
