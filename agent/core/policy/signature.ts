// Detached Ed25519 signatures over a policy file's exact bytes: plain Ed25519, so any standard tool can make or check them.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { CordonError } from '../../common/errors.js';

/** A public key allowed to sign policies (the config's `trustedKeys` entries). */
export interface TrustedKeyPem {
  id: string;
  /** PEM, SPKI. */
  publicKey: string;
}

export const SIGNATURE_BYTES = 64;

export interface KeyPairPem {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** SPKI PEM. */
  publicKeyPem: string;
}

export function generatePolicyKeyPair(): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A short, stable name for a public key: the first 16 hex digits of the SHA-256 of its SPKI DER. */
export function keyFingerprint(publicKeyPem: string): string {
  const der = parsePublicKey(publicKeyPem, 'public key').export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** The base64 signature text written to `FILE.sig` (one line, newline-terminated). */
export function signPolicy(bytes: Buffer, privateKeyPem: string): string {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (err) {
    throw new CordonError('input-invalid', 'the private key is not a PEM key', { fix: 'pass the private key file written by `cordon policy keygen`' }, err);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new CordonError('input-invalid', `the private key is ${key.asymmetricKeyType ?? 'not asymmetric'}, not Ed25519`, {
      fix: 'make an Ed25519 key with `cordon policy keygen`',
    });
  }
  return `${sign(null, bytes, key).toString('base64')}\n`;
}

/** Parses an SPKI PEM Ed25519 public key or explains what is wrong with it. */
export function parsePublicKey(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new CordonError(
      'config-invalid',
      'publicKey is not a PEM public key',
      { where, fix: 'paste the public key file written by `cordon policy keygen`' },
      err,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new CordonError('config-invalid', `publicKey is ${key.asymmetricKeyType ?? 'not asymmetric'}, not Ed25519`, {
      where,
      fix: 'use an Ed25519 key from `cordon policy keygen`',
    });
  }
  return key;
}

/** Decodes the `.sig` text: base64 (surrounding whitespace allowed) of exactly 64 bytes. */
export function decodeSignature(sigText: string, where: string): Buffer {
  const compact = sigText.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new CordonError('signature-invalid', 'the signature file is not base64 text', { where, fix: 'sign the policy again with `cordon policy sign`' });
  }
  const sig = Buffer.from(compact, 'base64');
  if (sig.length !== SIGNATURE_BYTES) {
    throw new CordonError('signature-invalid', `the signature is ${sig.length} bytes; an Ed25519 signature is ${SIGNATURE_BYTES} (truncated or not Ed25519)`, {
      where,
      fix: 'sign the policy again with `cordon policy sign`',
    });
  }
  return sig;
}

/** The id of the trusted key whose signature `sigText` is over exactly `bytes`; throws when none matches. */
export function verifyPolicySignature(bytes: Buffer, sigText: string, trustedKeys: readonly TrustedKeyPem[], where = 'signature'): string {
  const sig = decodeSignature(sigText, where);
  if (trustedKeys.length === 0) {
    throw new CordonError('signature-untrusted', 'no trusted keys are configured, so no signature can be accepted', {
      where,
      fix: "add the signer's public key to trustedKeys in the agent config",
    });
  }
  for (const trusted of trustedKeys) {
    if (verify(null, bytes, parsePublicKey(trusted.publicKey, `trustedKeys "${trusted.id}"`), sig)) return trusted.id;
  }
  throw new CordonError(
    'signature-invalid',
    `the signature does not verify with any trusted key (${trustedKeys.map((k) => k.id).join(', ')}): the file was changed after signing, or it was signed by a key that is not trusted`,
    { where, fix: "sign the exact file with a trusted key (`cordon policy sign`), or add the signer's public key to trustedKeys" },
  );
}
