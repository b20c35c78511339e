// Loads the policies in force: verify, then parse, then keep last-known-good copies, reject rollbacks, retire deleted ones.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CordonError, asCordonError } from '../common/errors.js';
import type { PolicyError, PolicyRef } from '../common/model.js';
import { mergeCatalog } from '../core/catalog/merge.js';
import type { Catalog } from '../core/catalog/types.js';
import { POLICY_MAX_BYTES, parsePolicy } from '../core/policy/parse.js';
import { parsePublicKey, verifyPolicySignature, type TrustedKeyPem } from '../core/policy/signature.js';
import type { LoadedPolicy, Policy } from '../core/policy/types.js';
import { untrustedReason } from './fileTrust.js';
import { removeFileQuietly, writeFileAtomic } from './stateFiles.js';
import { trustedNow } from './trustedTime.js';

export interface PolicySetOptions {
  policyDir: string;
  stateDir: string;
  trustedKeys: readonly TrustedKeyPem[];
  allowUnsigned: boolean;
  /** The built-in catalog; rules must name its tools or tools of their own policy's catalog section. */
  catalog: Catalog;
  /** The real clock, or the `--at` time when `preview` is set. */
  now: Date;
  /** `--at`: evaluate at `now` exactly; the clock guard is neither applied nor moved (last-known-good copies still are, unless `readOnly`). */
  preview?: boolean;
  /** Never write last-known-good copies or the clock mark (`cordon scan`, with or without `--at`). */
  readOnly?: boolean;
  /** `cordon scan --policy FILE` drafts: added as-is, unsigned, never stored; a draft replaces the policy of its id. */
  extraUnsignedFiles?: readonly string[];
}

export interface PolicySet {
  policies: LoadedPolicy[];
  errors: PolicyError[];
  /** The built-in catalog merged with the tools of the policies in force. */
  catalog: Catalog;
  /** Trusted time: max(real clock, high-water mark), or the preview time. */
  now: Date;
}

const POLICY_FILE = /\.(json|ya?ml)$/i;
const SIGNATURE_MAX_BYTES = 4096;

/** What the state dir keeps of the last accepted, signed copy of each policy id. */
interface LastKnownGood {
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

type VersionMarks = Record<string, { version: number; acceptedAt: string }>;

interface Candidate {
  policy: Policy;
  ref: PolicyRef;
  bytes: Buffer;
  sig: string | null;
}

class PolicyStateDir {
  readonly dir: string;
  constructor(stateDir: string, readonly readOnly: boolean) {
    this.dir = path.join(stateDir, 'policies');
  }

  lkgFile(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  readAll(): LastKnownGood[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: LastKnownGood[] = [];
    for (const name of names.filter((n) => n.endsWith('.json') && n !== 'versions.json').sort()) {
      try {
        const rec = JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8')) as LastKnownGood;
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
  readVersions(errors: PolicyError[]): VersionMarks {
    const file = path.join(this.dir, 'versions.json');
    let marks: VersionMarks = {};
    try {
      const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not an object');
      marks = Object.fromEntries(Object.entries(doc).filter(([, m]) => typeof (m as { version?: unknown })?.version === 'number')) as VersionMarks;
    } catch (err) {
      // Unreadable (missing, or no state dir at all) is reported elsewhere; readable but damaged is reported here.
      if ((err as NodeJS.ErrnoException).code === undefined) {
        errors.push({ file, code: 'state-corrupt', message: `${file}: the rollback guard is damaged (${(err as Error).message}); versions are taken from the last-known-good copies instead` });
      }
    }
    for (const rec of this.readAll()) {
      if (typeof rec.version === 'number' && (marks[rec.id]?.version ?? -Infinity) < rec.version) marks[rec.id] = { version: rec.version, acceptedAt: rec.acceptedAt };
    }
    return marks;
  }

  save(rec: LastKnownGood, versions: VersionMarks): void {
    if (this.readOnly) return;
    writeFileAtomic(this.lkgFile(rec.id), `${JSON.stringify(rec, null, 2)}\n`);
    writeFileAtomic(path.join(this.dir, 'versions.json'), `${JSON.stringify(versions, null, 2)}\n`);
  }

  retire(id: string): void {
    if (!this.readOnly) removeFileQuietly(this.lkgFile(id));
  }
}

function errorOf(file: string, err: unknown): PolicyError {
  const e = asCordonError(err);
  return { file, code: e.code, message: e.oneLine() };
}

function readCapped(file: string, max: number): Buffer {
  const size = fs.statSync(file).size;
  if (size > max) {
    throw new CordonError('policy-invalid', `file is ${size} bytes; at most ${max} bytes are allowed`, { where: file, fix: 'remove what is not needed' });
  }
  return fs.readFileSync(file);
}

function listPolicyFiles(policyDir: string, errors: PolicyError[]): string[] {
  try {
    return fs
      .readdirSync(policyDir)
      .filter((n) => POLICY_FILE.test(n) && !n.startsWith('.'))
      .sort()
      .map((n) => path.join(policyDir, n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      errors.push({ file: policyDir, code: 'policy-invalid', message: `${policyDir}: cannot list the policy folder (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    }
    return [];
  }
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

/** Verify, then parse: a signed file becomes a candidate, anything else an error. */
function readSigned(file: string, opts: PolicySetOptions, keys: TrustedKeyPem[], knownToolIds: string[]): Candidate {
  for (const f of [file, `${file}.sig`]) {
    const reason = untrustedReason(f);
    if (reason !== null) {
      throw new CordonError('policy-invalid', `refused: another user could have written it (${reason})`, {
        where: f,
        fix: 'make the policy folder and its files owned by root and not writable by group or others',
      });
    }
  }
  const bytes = readCapped(file, POLICY_MAX_BYTES);
  const sigFile = `${file}.sig`;
  let sig: string | null = null;
  if (fs.existsSync(sigFile)) {
    sig = readCapped(sigFile, SIGNATURE_MAX_BYTES).toString('utf8');
  } else if (!opts.allowUnsigned) {
    throw new CordonError('signature-missing', `no signature: ${path.basename(sigFile)} is missing`, {
      where: file,
      fix: 'sign it with `cordon policy sign` and ship the .sig beside the policy',
    });
  }
  const signedBy = sig === null ? null : verifyPolicySignature(bytes, sig, keys, sigFile);
  const policy = parsePolicy(bytes, file, { knownToolIds });
  return { policy, ref: refOf(policy, file, signedBy, signedBy === null ? { unsigned: true } : {}), bytes, sig };
}

/** The policies in force now, with every rejection, the merged catalog and the trusted time. */
export function loadPolicySet(opts: PolicySetOptions): PolicySet {
  const errors: PolicyError[] = [];
  const readOnly = Boolean(opts.readOnly);
  let now = opts.now;
  if (!opts.preview) {
    const t = trustedNow(opts.stateDir, opts.now, readOnly);
    now = t.now;
    if (t.warning) errors.push(t.warning);
    if (!t.stored) {
      errors.push({
        file: opts.stateDir,
        code: 'state-not-writable',
        message: `${opts.stateDir}: the state folder cannot be written, so last-known-good copies and the clock mark are not kept. Run the agent as the user that owns it`,
      });
    }
  }
  const keys = usableKeys(opts.trustedKeys, errors);
  const knownToolIds = opts.catalog.tools.map((t) => t.id);
  const state = new PolicyStateDir(opts.stateDir, readOnly);
  const versions = state.readVersions(errors);
  const files = listPolicyFiles(opts.policyDir, errors);

  const accepted = new Map<string, Candidate>();
  for (const file of files) {
    let cand: Candidate;
    try {
      cand = readSigned(file, opts, keys, knownToolIds);
    } catch (err) {
      errors.push(errorOf(file, err));
      continue;
    }
    const { id, version } = cand.policy;
    const mark = versions[id];
    if (mark && version < mark.version) {
      errors.push(errorOf(file, new CordonError('policy-rollback', `rollback: "${id}" version ${version} is older than version ${mark.version}, accepted ${mark.acceptedAt}`, {
        where: file,
        fix: 'ship the current policy, or issue a new one with a higher version',
      })));
      continue;
    }
    const other = accepted.get(id);
    if (other && other.policy.version >= version) {
      errors.push({ file, code: 'policy-invalid', message: `${file}: policy id "${id}" is also used by ${other.ref.file} (version ${other.policy.version}); this copy is ignored. Give each policy file its own id` });
      continue;
    }
    if (other) errors.push({ file: other.ref.file, code: 'policy-invalid', message: `${other.ref.file}: policy id "${id}" is also used by ${file} (version ${version}); this copy is ignored. Give each policy file its own id` });
    if (cand.ref.unsigned) {
      errors.push({ file, code: 'policy-unsigned', message: `${file}: accepted without a signature because allowUnsigned is on (development only)` });
    }
    accepted.set(id, cand);
  }

  const acceptedAt = now.toISOString();
  const stored = new Map(state.readAll().map((rec) => [rec.id, rec]));
  for (const cand of accepted.values()) {
    if (cand.sig === null || cand.ref.signedBy === null) continue;
    const { id, version } = cand.policy;
    const sha256 = createHash('sha256').update(cand.bytes).digest('hex');
    const previous = stored.get(id);
    if (previous?.sha256 === sha256 && previous.file === cand.ref.file && versions[id]?.version === version) continue;
    versions[id] = { version, acceptedAt: versions[id]?.version === version ? (versions[id]?.acceptedAt ?? acceptedAt) : acceptedAt };
    state.save({ id, version, file: cand.ref.file, signedBy: cand.ref.signedBy, acceptedAt, sha256, bytes: cand.bytes.toString('base64'), sig: cand.sig }, versions);
  }

  const acceptedFiles = new Set([...accepted.values()].map((c) => c.ref.file));
  const inForce = new Map<string, LoadedPolicy>([...accepted].map(([id, c]) => [id, { policy: c.policy, ref: c.ref }]));
  for (const rec of stored.values()) {
    if (inForce.has(rec.id)) continue;
    if (!files.includes(rec.file) || acceptedFiles.has(rec.file)) {
      state.retire(rec.id);
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

  for (const draft of opts.extraUnsignedFiles ?? []) {
    try {
      const policy = parsePolicy(readCapped(draft, POLICY_MAX_BYTES), draft, { knownToolIds });
      inForce.set(policy.id, { policy, ref: refOf(policy, draft, null, { unsigned: true }) });
    } catch (err) {
      errors.push(errorOf(draft, err));
    }
  }

  const policies = [...inForce.values()].sort((a, b) => a.policy.id.localeCompare(b.policy.id));
  const catalog = policies.reduce((cat, p) => (p.policy.catalog?.length ? mergeCatalog(cat, p.policy.catalog) : cat), opts.catalog);
  return { policies, errors, catalog, now };
}
