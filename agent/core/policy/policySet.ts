// Decides the policies in force from what was read: verify, parse, reject rollbacks, keep or serve last-known-good copies, retire deleted ones.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { CordonError, asCordonError } from '../../common/errors.js';
import type { PolicyError, PolicyRef } from '../../common/model.js';
import { mergeCatalog } from '../catalog/merge.js';
import type { Catalog } from '../catalog/types.js';
import { parsePolicy } from './parse.js';
import { parsePublicKey, verifyPolicySignature, type TrustedKeyPem } from './signature.js';
import type { LoadedPolicy, Policy } from './types.js';

/** What the state dir keeps of the last accepted, signed copy of each policy id. */
export interface LastKnownGood {
  id: string;
  version: number;
  /** The policy file it came from; while that file exists, a rejected edit of it leaves this copy in force. */
  file: string;
  signedBy: string;
  acceptedAt: string;
  sha256: string;
  bytes: string;
  sig: string;
}

export type VersionMarks = Record<string, { version: number; acceptedAt: string }>;

/** One policy file as read: its bytes and signature text (null when there is no .sig), or why it could not be read. */
export type PolicyFileRead = { file: string; bytes: Buffer; sig: string | null } | { file: string; error: PolicyError };

/** A `--policy` draft as read: added as-is, unsigned, never stored. */
export type DraftRead = { file: string; bytes: Buffer } | { file: string; error: PolicyError };

export interface PolicySetInput {
  /** Every policy file listed in the policy folder, in name order. */
  files: readonly PolicyFileRead[];
  /** Why the policy folder could not be listed, if it could not. */
  listError?: PolicyError;
  /** The state dir's last-known-good records (`<id>.json`), raw, in name order. */
  stored: readonly { name: string; text: string }[];
  /** versions.json: its text, or null when it could not be read (missing, or no state dir). */
  versions: { file: string; text: string | null };
  drafts: readonly DraftRead[];
  trustedKeys: readonly TrustedKeyPem[];
  allowUnsigned: boolean;
  /** The built-in catalog; rules must name its tools or tools of their own policy's catalog section. */
  catalog: Catalog;
  /** Trusted time: stamped on newly accepted copies. */
  now: Date;
  /** Store nothing: no last-known-good copy written, none retired. */
  readOnly: boolean;
}

export interface PolicySetDecision {
  policies: LoadedPolicy[];
  errors: PolicyError[];
  /** The built-in catalog merged with the tools of the policies in force. */
  catalog: Catalog;
  /** Last-known-good copies to write, then the rollback guard (versions.json) to write when any is. */
  store: LastKnownGood[];
  versions: VersionMarks;
  /** Policy ids whose last-known-good copy is to be deleted. */
  retire: string[];
}

interface Candidate {
  policy: Policy;
  ref: PolicyRef;
  bytes: Buffer;
  sig: string | null;
}

function errorOf(file: string, err: unknown): PolicyError {
  const e = asCordonError(err);
  return { file, code: e.code, message: e.oneLine() };
}

function refOf(policy: Policy, file: string, signedBy: string | null, extra: Partial<PolicyRef> = {}): PolicyRef {
  return {
    id: policy.id,
    version: policy.version,
    file,
    signedBy,
    issuer: policy.issuer,
    message: policy.message,
    issuedAt: policy.issuedAt,
    ...(policy.expiresAt ? { expiresAt: policy.expiresAt } : {}),
    ...(policy.alternatives ? { alternatives: policy.alternatives } : {}),
    rules: policy.rules.map((r) => ({ id: r.id, tools: r.tools, phases: r.phases.map((p) => ({ from: p.from, actions: p.actions })) })),
    ...(policy.exemptions?.length ? { exemptions: policy.exemptions } : {}),
    ...extra,
  };
}

function usableKeys(keys: readonly TrustedKeyPem[], errors: PolicyError[]): TrustedKeyPem[] {
  return keys.filter((k) => {
    try {
      parsePublicKey(k.publicKey, `trustedKeys "${k.id}"`);
      return true;
    } catch (err) {
      errors.push(errorOf('trustedKeys', err));
      return false;
    }
  });
}

/** The records that are what they claim to be (named after their id, with bytes); anything else is ignored. */
function parseStored(stored: PolicySetInput['stored']): LastKnownGood[] {
  const out: LastKnownGood[] = [];
  for (const { name, text } of stored) {
    try {
      const rec = JSON.parse(text) as LastKnownGood;
      if (typeof rec.id === 'string' && `${rec.id}.json` === name && typeof rec.bytes === 'string') out.push(rec);
    } catch {
      continue;
    }
  }
  return out;
}

/**
 * The rollback guard. A damaged versions.json is reported, never silently taken as "no versions seen": the
 * marks are rebuilt from the last-known-good copies, so an older policy still cannot come back.
 */
function versionMarks(versions: PolicySetInput['versions'], stored: LastKnownGood[], errors: PolicyError[]): VersionMarks {
  let marks: VersionMarks = {};
  if (versions.text !== null) {
    try {
      const doc = JSON.parse(versions.text) as unknown;
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not an object');
      marks = Object.fromEntries(Object.entries(doc).filter(([, m]) => typeof (m as { version?: unknown })?.version === 'number')) as VersionMarks;
    } catch (err) {
      const file = versions.file;
      errors.push({
        file,
        code: 'state-corrupt',
        message: `${file}: the rollback guard is damaged (${(err as Error).message}); versions are taken from the last-known-good copies instead`,
      });
    }
  }
  for (const rec of stored) {
    if (typeof rec.version === 'number' && (marks[rec.id]?.version ?? -Infinity) < rec.version)
      marks[rec.id] = { version: rec.version, acceptedAt: rec.acceptedAt };
  }
  return marks;
}

/** Verify, then parse: a signed file becomes a candidate, anything else an error. */
function candidateOf(
  read: { file: string; bytes: Buffer; sig: string | null },
  input: PolicySetInput,
  keys: TrustedKeyPem[],
  knownToolIds: string[],
): Candidate {
  const { file, bytes, sig } = read;
  const sigFile = `${file}.sig`;
  if (sig === null && !input.allowUnsigned) {
    throw new CordonError('signature-missing', `no signature: ${path.basename(sigFile)} is missing`, {
      where: file,
      fix: 'sign it with `cordon policy sign` and ship the .sig beside the policy',
    });
  }
  const signedBy = sig === null ? null : verifyPolicySignature(bytes, sig, keys, sigFile);
  const policy = parsePolicy(bytes, file, { knownToolIds });
  return { policy, ref: refOf(policy, file, signedBy, signedBy === null ? { unsigned: true } : {}), bytes, sig };
}

/** The policies in force, every rejection, and what the state dir is to keep of this run. */
export function decidePolicySet(input: PolicySetInput): PolicySetDecision {
  const errors: PolicyError[] = [];
  const keys = usableKeys(input.trustedKeys, errors);
  const knownToolIds = input.catalog.tools.map((t) => t.id);
  const stored = parseStored(input.stored);
  const versions = versionMarks(input.versions, stored, errors);
  if (input.listError) errors.push(input.listError);
  const files = input.files.map((f) => f.file);

  const accepted = new Map<string, Candidate>();
  for (const read of input.files) {
    if ('error' in read) {
      errors.push(read.error);
      continue;
    }
    const { file } = read;
    let cand: Candidate;
    try {
      cand = candidateOf(read, input, keys, knownToolIds);
    } catch (err) {
      errors.push(errorOf(file, err));
      continue;
    }
    const { id, version } = cand.policy;
    const mark = versions[id];
    if (mark && version < mark.version) {
      errors.push(
        errorOf(
          file,
          new CordonError('policy-rollback', `rollback: "${id}" version ${version} is older than version ${mark.version}, accepted ${mark.acceptedAt}`, {
            where: file,
            fix: 'ship the current policy, or issue a new one with a higher version',
          }),
        ),
      );
      continue;
    }
    const other = accepted.get(id);
    if (other && other.policy.version >= version) {
      errors.push({
        file,
        code: 'policy-invalid',
        message: `${file}: policy id "${id}" is also used by ${other.ref.file} (version ${other.policy.version}); this copy is ignored. Give each policy file its own id`,
      });
      continue;
    }
    if (other)
      errors.push({
        file: other.ref.file,
        code: 'policy-invalid',
        message: `${other.ref.file}: policy id "${id}" is also used by ${file} (version ${version}); this copy is ignored. Give each policy file its own id`,
      });
    if (cand.ref.unsigned) {
      errors.push({ file, code: 'policy-unsigned', message: `${file}: accepted without a signature because allowUnsigned is on (development only)` });
    }
    accepted.set(id, cand);
  }

  const acceptedAt = input.now.toISOString();
  const byId = new Map(stored.map((rec) => [rec.id, rec]));
  const store: LastKnownGood[] = [];
  for (const cand of accepted.values()) {
    if (cand.sig === null || cand.ref.signedBy === null) continue;
    const { id, version } = cand.policy;
    const sha256 = createHash('sha256').update(cand.bytes).digest('hex');
    const previous = byId.get(id);
    if (previous?.sha256 === sha256 && previous.file === cand.ref.file && versions[id]?.version === version) continue;
    versions[id] = { version, acceptedAt: versions[id]?.version === version ? (versions[id]?.acceptedAt ?? acceptedAt) : acceptedAt };
    store.push({ id, version, file: cand.ref.file, signedBy: cand.ref.signedBy, acceptedAt, sha256, bytes: cand.bytes.toString('base64'), sig: cand.sig });
  }

  const acceptedFiles = new Set([...accepted.values()].map((c) => c.ref.file));
  const inForce = new Map<string, LoadedPolicy>([...accepted].map(([id, c]) => [id, { policy: c.policy, ref: c.ref }]));
  const retire: string[] = [];
  for (const rec of byId.values()) {
    if (inForce.has(rec.id)) continue;
    if (!files.includes(rec.file) || acceptedFiles.has(rec.file)) {
      retire.push(rec.id);
      continue;
    }
    try {
      const bytes = Buffer.from(rec.bytes, 'base64');
      const signedBy = verifyPolicySignature(bytes, rec.sig, keys, `${rec.file} (last-known-good copy)`);
      const policy = parsePolicy(bytes, rec.file, { knownToolIds });
      inForce.set(rec.id, { policy, ref: refOf(policy, rec.file, signedBy, { lastKnownGood: true }) });
    } catch (err) {
      errors.push(errorOf(rec.file, err));
    }
  }

  for (const draft of input.drafts) {
    if ('error' in draft) {
      errors.push(draft.error);
      continue;
    }
    try {
      const policy = parsePolicy(draft.bytes, draft.file, { knownToolIds });
      inForce.set(policy.id, { policy, ref: refOf(policy, draft.file, null, { unsigned: true }) });
    } catch (err) {
      errors.push(errorOf(draft.file, err));
    }
  }

  const policies = [...inForce.values()].sort((a, b) => a.policy.id.localeCompare(b.policy.id));
  const catalog = policies.reduce((cat, p) => (p.policy.catalog?.length ? mergeCatalog(cat, p.policy.catalog) : cat), input.catalog);
  return input.readOnly ? { policies, errors, catalog, store: [], versions, retire: [] } : { policies, errors, catalog, store, versions, retire };
}
