// Policy signatures are plain Ed25519 over the exact bytes: OpenSSL's signatures verify here and ours verify in OpenSSL.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CordonError } from '../../agent/common/errors.js';
import { keyFingerprint, signPolicy, verifyPolicySignature } from '../../agent/core/policy/signature.js';
import { goodPolicyYaml, makeSigner, tempDir } from './support.js';

function openssl(args: string[]): Buffer {
  return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof CordonError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('policy signatures', () => {
  const signer = makeSigner('corp-2026');

  it('verifies our own signature and names the key', () => {
    const sig = signPolicy(goodPolicyYaml, signer.pair.privateKeyPem);
    expect(sig).toMatch(/^[A-Za-z0-9+/]{86}==\n$/);
    const other = makeSigner('other');
    expect(verifyPolicySignature(goodPolicyYaml, sig, [other.trusted, signer.trusted])).toBe('corp-2026');
  });

  it('rejects one changed byte, another key, a truncated signature and an empty key list with their own codes', () => {
    const sig = signPolicy(goodPolicyYaml, signer.pair.privateKeyPem);
    const changed = Buffer.from(goodPolicyYaml);
    changed.writeUInt8(changed.readUInt8(changed.length - 2) ^ 1, changed.length - 2);
    expect(codeOf(() => verifyPolicySignature(changed, sig, [signer.trusted]))).toBe('signature-invalid');
    expect(codeOf(() => verifyPolicySignature(goodPolicyYaml, sig, [makeSigner('x').trusted]))).toBe('signature-invalid');
    expect(codeOf(() => verifyPolicySignature(goodPolicyYaml, sig.slice(0, 40), [signer.trusted]))).toBe('signature-invalid');
    expect(codeOf(() => verifyPolicySignature(goodPolicyYaml, sig, []))).toBe('signature-untrusted');
  });

  it('refuses to sign with a key that is not Ed25519', () => {
    const rsa = openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024']).toString();
    expect(codeOf(() => signPolicy(goodPolicyYaml, rsa))).toBe('input-invalid');
    expect(codeOf(() => signPolicy(goodPolicyYaml, 'not a key'))).toBe('input-invalid');
  });

  it('gives a key a stable fingerprint', () => {
    expect(keyFingerprint(signer.pair.publicKeyPem)).toBe(keyFingerprint(signer.pair.publicKeyPem));
    expect(keyFingerprint(signer.pair.publicKeyPem)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('accepts a signature made by openssl pkeyutl over the same bytes', () => {
    const dir = tempDir('openssl');
    const key = path.join(dir, 'ossl.key.pem');
    const pub = path.join(dir, 'ossl.pub.pem');
    const policy = path.join(dir, 'policy.yaml');
    const sigBin = path.join(dir, 'policy.sig.bin');
    fs.writeFileSync(policy, goodPolicyYaml);
    openssl(['genpkey', '-algorithm', 'ed25519', '-out', key]);
    openssl(['pkey', '-in', key, '-pubout', '-out', pub]);
    openssl(['pkeyutl', '-sign', '-rawin', '-inkey', key, '-in', policy, '-out', sigBin]);
    const sigText = fs.readFileSync(sigBin).toString('base64');
    expect(verifyPolicySignature(goodPolicyYaml, sigText, [{ id: 'openssl', publicKey: fs.readFileSync(pub, 'utf8') }])).toBe('openssl');
  });

  it('makes signatures that openssl pkeyutl -verify accepts, and openssl notices a changed byte', () => {
    const dir = tempDir('openssl');
    const pub = path.join(dir, 'ours.pub.pem');
    const policy = path.join(dir, 'policy.yaml');
    const sigBin = path.join(dir, 'policy.sig.bin');
    fs.writeFileSync(pub, signer.pair.publicKeyPem);
    fs.writeFileSync(policy, goodPolicyYaml);
    fs.writeFileSync(sigBin, Buffer.from(signPolicy(goodPolicyYaml, signer.pair.privateKeyPem), 'base64'));
    const verifyArgs = ['pkeyutl', '-verify', '-rawin', '-pubin', '-inkey', pub, '-in', policy, '-sigfile', sigBin];
    expect(openssl(verifyArgs).toString()).toContain('Signature Verified Successfully');
    fs.appendFileSync(policy, ' ');
    expect(() => openssl(verifyArgs)).toThrow();
  });
});
