// Shared setup of the policy tests: temp dirs, real Ed25519 keys, signed policy files and the built-in catalog.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadBuiltInCatalog } from '../../agent/adapters/catalogFiles.js';
import { loadPolicySet, type PolicySet, type PolicySetOptions } from '../../agent/adapters/policyStore.js';
import { generatePolicyKeyPair, signPolicy, type KeyPairPem, type TrustedKeyPem } from '../../agent/core/policy/signature.js';
import { repoRoot } from '../support/paths.js';

export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
export const goodPolicyYaml = fs.readFileSync(path.join(fixturesDir, 'policies', 'good.yaml'));
/** The same good policy written as JSON. */
export const goodPolicyJson = Buffer.from(`${JSON.stringify(parseYaml(goodPolicyYaml.toString('utf8')), null, 2)}\n`);
export const builtInCatalog = loadBuiltInCatalog();

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cordon-policy-${label}-`));
}

export interface Signer {
  pair: KeyPairPem;
  trusted: TrustedKeyPem;
}

export function makeSigner(id: string): Signer {
  const pair = generatePolicyKeyPair();
  return { pair, trusted: { id, publicKey: pair.publicKeyPem } };
}

export interface PolicyEnv {
  policyDir: string;
  stateDir: string;
  signer: Signer;
  /** Writes a policy file and, unless `sign` is false, its signature by the trusted key. */
  write(name: string, bytes: Buffer | string, sign?: boolean): string;
  remove(name: string): void;
  load(now: Date, extra?: Partial<PolicySetOptions>): PolicySet;
}

export function policyEnv(signer: Signer = makeSigner('test-trusted')): PolicyEnv {
  const root = tempDir('env');
  const policyDir = path.join(root, 'policies');
  const stateDir = path.join(root, 'state');
  fs.mkdirSync(policyDir);
  return {
    policyDir,
    stateDir,
    signer,
    write(name, bytes, sign = true) {
      const file = path.join(policyDir, name);
      const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
      fs.writeFileSync(file, data);
      if (sign) fs.writeFileSync(`${file}.sig`, signPolicy(data, signer.pair.privateKeyPem));
      else fs.rmSync(`${file}.sig`, { force: true });
      return file;
    },
    remove(name) {
      fs.rmSync(path.join(policyDir, name), { force: true });
      fs.rmSync(path.join(policyDir, `${name}.sig`), { force: true });
    },
    load(now, extra = {}) {
      return loadPolicySet({ policyDir, stateDir, trustedKeys: [signer.trusted], allowUnsigned: false, catalog: builtInCatalog, now, ...extra });
    },
  };
}

/** The good fixture policy with a few lines replaced (text substitution keeps the file realistic). */
export function goodPolicyWith(...edits: [string, string][]): string {
  let text = goodPolicyYaml.toString('utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`fixture does not contain ${from}`);
    text = text.replace(from, to);
  }
  return text;
}
