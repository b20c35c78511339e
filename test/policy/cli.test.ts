// `cordon policy keygen|sign|verify|validate` as an admin runs them: the built CLI in a real process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEntry, policiesDir } from '../support/paths.js';
import { fixturesDir, tempDir } from './support.js';

const { CORDON_CONFIG: _ignored, ...envWithoutConfig } = process.env;

function cordon(args: string[]) {
  const r = spawnSync(process.execPath, [cliEntry, ...args], { encoding: 'utf8', env: envWithoutConfig });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cordon policy', () => {
  it('keygen writes a 0600 PKCS#8 private key, an SPKI public key and the trustedKeys snippet; sign and verify round-trip', () => {
    const dir = tempDir('cli');
    const keygen = cordon(['policy', 'keygen', '--out', path.join(dir, 'keys'), '--json']);
    expect(keygen.code).toBe(0);
    const out = JSON.parse(keygen.stdout) as { privateKeyFile: string; publicKeyFile: string; trustedKeys: { id: string; publicKey: string }[] };
    expect(fs.statSync(out.privateKeyFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(out.privateKeyFile, 'utf8')).toContain('BEGIN PRIVATE KEY');
    expect(fs.readFileSync(out.publicKeyFile, 'utf8')).toBe(out.trustedKeys[0]?.publicKey);
    expect(cordon(['policy', 'keygen', '--out', path.join(dir, 'keys')]).code).toBe(65);

    const policy = path.join(dir, 'anthropic-ban.yaml');
    fs.copyFileSync(path.join(policiesDir, 'anthropic-ban.yaml'), policy);
    expect(cordon(['policy', 'sign', policy, '--key', out.privateKeyFile]).code).toBe(0);
    expect(fs.readFileSync(`${policy}.sig`, 'utf8')).toMatch(/^[A-Za-z0-9+/]{86}==\n$/);

    const config = path.join(dir, 'agent.json');
    fs.writeFileSync(config, JSON.stringify({ trustedKeys: out.trustedKeys }));
    const verify = cordon(['--config', config, 'policy', 'verify', policy]);
    expect(verify).toMatchObject({ code: 0, stderr: '' });
    expect(verify.stdout).toContain(`good signature by trusted key "${out.trustedKeys[0]?.id}"`);
    expect(JSON.parse(cordon(['--config', config, '--json', 'policy', 'verify', policy]).stdout)).toEqual({
      valid: true,
      file: policy,
      signedBy: out.trustedKeys[0]?.id,
    });

    fs.appendFileSync(policy, '\n');
    const tampered = cordon(['--config', config, 'policy', 'verify', policy]);
    expect(tampered.code).toBe(65);
    expect(tampered.stderr).toContain('does not verify with any trusted key');
  });

  it('validate accepts the example policies and exits 65 with file, line and field for a bad one', () => {
    for (const name of ['anthropic-ban.yaml', 'other-ai-tools-report.yaml']) {
      const ok = cordon(['policy', 'validate', path.join(policiesDir, name)]);
      expect(ok.code, ok.stderr).toBe(0);
    }
    const bad = path.join(fixturesDir, 'bad-policies', 'unknown-action.yaml');
    const r = cordon(['policy', 'validate', bad]);
    expect(r.code).toBe(65);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      `cordon: ${bad}:19: rules[0].phases[1].actions[2]: unknown action "nuke"; expected report, notify, narrow, prevent, kill, quarantine`,
    );
    expect(cordon(['--json', 'policy', 'validate', bad]).stdout).toBe('');
  });

  it('verify without a signature file says so and exits 65', () => {
    const r = cordon(['policy', 'verify', path.join(policiesDir, 'anthropic-ban.yaml')]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('anthropic-ban.yaml.sig');
  });
});
