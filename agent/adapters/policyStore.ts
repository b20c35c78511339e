// Loads the policies in force: reads the policy files and the state dir, lets core/policy/policySet decide, writes what it decided.
import fs from 'node:fs';
import path from 'node:path';
import { CordonError, asCordonError } from '../common/errors.js';
import type { PolicyError } from '../common/model.js';
import type { Catalog } from '../core/catalog/types.js';
import { POLICY_MAX_BYTES, policyTooLarge } from '../core/policy/parse.js';
import { decidePolicySet, type DraftRead, type PolicyFileRead } from '../core/policy/policySet.js';
import type { TrustedKeyPem } from '../core/policy/signature.js';
import type { LoadedPolicy } from '../core/policy/types.js';
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

function errorOf(file: string, err: unknown): PolicyError {
  const e = asCordonError(err);
  return { file, code: e.code, message: e.oneLine() };
}

/**
 * At most `max` bytes of a regular file, or the error `tooLarge` makes: a file is never read past its cap, even one
 * that grows while it is read, and a FIFO or device named as a policy cannot hang the agent.
 */
function readCapped(file: string, max: number, tooLarge: (size: number) => CordonError): Buffer {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile())
      throw new CordonError('policy-invalid', 'not a regular file', { where: file, fix: 'put only policy files and their .sig files in the folder' });
    if (st.size > max) throw tooLarge(st.size);
    const buf = Buffer.alloc(max + 1);
    let read = 0;
    while (read < buf.length) {
      const n = fs.readSync(fd, buf, read, buf.length - read, read);
      if (n === 0) break;
      read += n;
    }
    if (read > max) throw tooLarge(read);
    return buf.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

const policyTooLargeIn = (file: string) => (size: number) => policyTooLarge(size, file);
const signatureTooLargeIn = (file: string) => (size: number) =>
  new CordonError('policy-invalid', `file is ${size} bytes; a signature is at most ${SIGNATURE_MAX_BYTES} bytes`, {
    where: file,
    fix: 'write the signature `cordon policy sign` makes, nothing else',
  });

function listPolicyFiles(policyDir: string): { files: string[]; error?: PolicyError } {
  try {
    const files = fs
      .readdirSync(policyDir)
      .filter((n) => POLICY_FILE.test(n) && !n.startsWith('.'))
      .sort()
      .map((n) => path.join(policyDir, n));
    return { files };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { files: [] };
    return {
      files: [],
      error: {
        file: policyDir,
        code: 'policy-invalid',
        message: `${policyDir}: cannot list the policy folder (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      },
    };
  }
}

/** A policy file's bytes and signature, refused when another user could have written either. */
function readPolicyFile(file: string): PolicyFileRead {
  try {
    for (const f of [file, `${file}.sig`]) {
      const reason = untrustedReason(f);
      if (reason !== null) {
        throw new CordonError('policy-invalid', `refused: another user could have written it (${reason})`, {
          where: f,
          fix: 'make the policy folder and its files owned by root and not writable by group or others',
        });
      }
    }
    const bytes = readCapped(file, POLICY_MAX_BYTES, policyTooLargeIn(file));
    const sigFile = `${file}.sig`;
    const sig = fs.existsSync(sigFile) ? readCapped(sigFile, SIGNATURE_MAX_BYTES, signatureTooLargeIn(sigFile)).toString('utf8') : null;
    return { file, bytes, sig };
  } catch (err) {
    return { file, error: errorOf(file, err) };
  }
}

function readDraft(file: string): DraftRead {
  try {
    return { file, bytes: readCapped(file, POLICY_MAX_BYTES, policyTooLargeIn(file)) };
  } catch (err) {
    return { file, error: errorOf(file, err) };
  }
}

/** The state dir's last-known-good records, raw; none when the folder cannot be read. */
function readStored(dir: string): { name: string; text: string }[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: { name: string; text: string }[] = [];
  for (const name of names.filter((n) => n.endsWith('.json') && n !== 'versions.json').sort()) {
    try {
      out.push({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') });
    } catch {
      continue;
    }
  }
  return out;
}

function readTextOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
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
  const stateDir = path.join(opts.stateDir, 'policies');
  const versionsFile = path.join(stateDir, 'versions.json');
  const listing = listPolicyFiles(opts.policyDir);
  const decision = decidePolicySet({
    files: listing.files.map(readPolicyFile),
    ...(listing.error ? { listError: listing.error } : {}),
    stored: readStored(stateDir),
    versions: { file: versionsFile, text: readTextOrNull(versionsFile) },
    drafts: (opts.extraUnsignedFiles ?? []).map(readDraft),
    trustedKeys: opts.trustedKeys,
    allowUnsigned: opts.allowUnsigned,
    catalog: opts.catalog,
    now,
    readOnly,
  });
  for (const rec of decision.store) writeFileAtomic(path.join(stateDir, `${rec.id}.json`), `${JSON.stringify(rec, null, 2)}\n`);
  if (decision.store.length > 0) writeFileAtomic(versionsFile, `${JSON.stringify(decision.versions, null, 2)}\n`);
  for (const id of decision.retire) removeFileQuietly(path.join(stateDir, `${id}.json`));
  return { policies: decision.policies, errors: [...errors, ...decision.errors], catalog: decision.catalog, now };
}
