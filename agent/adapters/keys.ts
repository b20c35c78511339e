// Key and signature files on disk: the private key is written owner-only and never overwritten.
import fs from 'node:fs';
import path from 'node:path';
import { CordonError } from '../common/errors.js';
import { generatePolicyKeyPair, keyFingerprint, signPolicy } from '../core/policy/signature.js';
import { replaceFile } from './stateFiles.js';

export interface WrittenKeyPair {
  id: string;
  privateKeyFile: string;
  publicKeyFile: string;
  publicKeyPem: string;
}

function writeNew(file: string, data: string, mode: number): void {
  try {
    fs.writeFileSync(file, data, { flag: 'wx', mode });
    fs.chmodSync(file, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CordonError(
      'input-invalid',
      code === 'EEXIST' ? 'already exists; a key is never overwritten' : `cannot be written (${code ?? 'error'})`,
      {
        where: file,
        fix: code === 'EEXIST' ? 'choose another --out folder or --name' : 'choose a folder you can write to',
      },
      err,
    );
  }
}

/** Writes `<name>.key.pem` (PKCS#8, 0600) and `<name>.pub.pem` (SPKI) into dir; the key id defaults to name + fingerprint. */
export function writePolicyKeyPair(dir: string, name: string, id?: string): WrittenKeyPair {
  fs.mkdirSync(dir, { recursive: true });
  const pair = generatePolicyKeyPair();
  const privateKeyFile = path.join(dir, `${name}.key.pem`);
  const publicKeyFile = path.join(dir, `${name}.pub.pem`);
  writeNew(privateKeyFile, pair.privateKeyPem, 0o600);
  writeNew(publicKeyFile, pair.publicKeyPem, 0o644);
  return { id: id ?? `${name}-${keyFingerprint(pair.publicKeyPem).slice(0, 8)}`, privateKeyFile, publicKeyFile, publicKeyPem: pair.publicKeyPem };
}

export function readInputFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CordonError(
      code === 'ENOENT' ? 'not-found' : 'input-invalid',
      `${what} cannot be read (${code ?? 'error'})`,
      { where: file, fix: `pass an existing ${what}` },
      err,
    );
  }
}

/** Signs the exact bytes of a policy file and writes `FILE.sig` beside it. */
export function signPolicyFile(file: string, privateKeyFile: string): string {
  const sigFile = `${file}.sig`;
  const sig = signPolicy(readInputFile(file, 'policy file'), readInputFile(privateKeyFile, 'private key file').toString('utf8'));
  fs.writeFileSync(sigFile, sig);
  return sigFile;
}

/**
 * Writes a signed policy into a policy folder: the signature first, then the policy, each replaced atomically, so the
 * agent's watcher never sees the policy without its signature. Returns the policy file's path.
 */
export function writeSignedPolicy(dir: string, fileName: string, bytes: Buffer, sig: string): string {
  const file = path.join(dir, fileName);
  try {
    fs.mkdirSync(dir, { recursive: true });
    replaceFile(`${file}.sig`, sig, 0o644);
    replaceFile(file, bytes, 0o644);
  } catch (err) {
    throw new CordonError(
      'input-invalid',
      `cannot be written (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { where: file, fix: 'choose a folder you can write to with --out' },
      err,
    );
  }
  return file;
}
