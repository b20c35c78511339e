// Every file of the bad-policy corpus is rejected with its own code and message, and the last good policy stays in force.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { signPolicy } from '../../agent/core/policy/signature.js';
import { fixturesDir, goodPolicyJson, goodPolicyYaml, makeSigner, policyEnv } from './support.js';

interface Expectation {
  file: string;
  code: string;
  message: string;
  sig?: 'none' | 'tamper' | 'untrusted' | 'truncated' | 'garbage' | 'empty';
  generate?: 'pad-to-2MiB';
}

const corpusDir = path.join(fixturesDir, 'bad-policies');
const expected = JSON.parse(fs.readFileSync(path.join(corpusDir, 'expected.json'), 'utf8')) as Expectation[];
const untrusted = makeSigner('somebody-else');
const now = new Date('2026-07-20T00:00:00Z');

function badBytes(e: Expectation): Buffer {
  const bytes = fs.readFileSync(path.join(corpusDir, e.file));
  if (e.generate === 'pad-to-2MiB') return Buffer.concat([bytes, Buffer.from(`# ${'x'.repeat(2 * 1024 * 1024)}\n`)]);
  return bytes;
}

describe('the bad-policy corpus', () => {
  it('holds at least 40 files, each listed once in expected.json', () => {
    const files = fs
      .readdirSync(corpusDir)
      .filter((f) => f !== 'expected.json')
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(40);
    expect(expected.map((e) => e.file).sort()).toEqual(files);
  });

  it.each(expected.map((e) => [e.file, e] as const))('%s is rejected and the last good policy stays in force', (_name, e) => {
    const env = policyEnv();
    const json = e.file.endsWith('.json');
    const name = json ? 'corp.json' : 'corp.yaml';
    env.write(name, json ? goodPolicyJson : goodPolicyYaml);
    const first = env.load(now);
    expect(first.errors).toEqual([]);
    expect(first.policies.map((p) => [p.policy.id, p.policy.version])).toEqual([['corp-ai-ban', 5]]);

    const bytes = badBytes(e);
    const file = env.write(name, bytes, e.sig === undefined);
    const sigFile = `${file}.sig`;
    const goodSig = signPolicy(bytes, env.signer.pair.privateKeyPem).trim();
    switch (e.sig) {
      case undefined:
      case 'none':
        break;
      case 'tamper': {
        fs.writeFileSync(sigFile, goodSig);
        const flipped = Buffer.from(bytes);
        const at = flipped.indexOf('version: 6') + 'version: '.length;
        flipped[at] = '7'.charCodeAt(0);
        fs.writeFileSync(file, flipped);
        break;
      }
      case 'untrusted':
        fs.writeFileSync(sigFile, signPolicy(bytes, untrusted.pair.privateKeyPem));
        break;
      case 'truncated':
        fs.writeFileSync(sigFile, goodSig.slice(0, 60));
        break;
      case 'garbage':
        fs.writeFileSync(sigFile, 'this is not a signature!');
        break;
      case 'empty':
        fs.writeFileSync(sigFile, '');
        break;
    }

    const second = env.load(now);
    const rejection = second.errors.find((err) => err.file === file);
    expect(rejection, JSON.stringify(second.errors)).toBeDefined();
    expect(rejection?.code).toBe(e.code);
    expect(rejection?.message).toContain(e.message);
    expect(second.policies).toHaveLength(1);
    expect(second.policies[0]?.policy.version).toBe(5);
    expect(second.policies[0]?.ref).toMatchObject({ id: 'corp-ai-ban', lastKnownGood: true, signedBy: 'test-trusted' });
  });
});
