// "Compliant with errors": nothing found needs to change, but the check was not complete (a policy file was rejected,
// a home folder could not be read). The status says so in `errors`; with --strict, scan/enforce/status exit 3 instead of 0.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Status } from '../../agent/common/model.js';
import { ENFORCE_NOW_POLICY, makeAgentFixture, waitFor, type AgentFixture } from '../support/agentFixture.js';
import { cliEntry } from '../support/paths.js';
import { createThrowawayUser, openPathTo, type ThrowawayUser } from '../support/throwawayUser.js';

const fixtures: AgentFixture[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});
afterAll(() => {
  for (const fx of fixtures) fx.cleanup();
});

/** A report-only ban of a tool nothing on this shared machine runs, so the machine is otherwise compliant. */
const POLICY = (id: string) => ENFORCE_NOW_POLICY(1, 'report').replace('id: test-ban', `id: ${id}`).replace('[claude-code]', '[lm-studio]');

const cordon = (fx: AgentFixture, args: string[]) => spawnSync(process.execPath, [cliEntry, '--config', fx.configFile, ...args], { encoding: 'utf8' });

describe('compliant with errors', { timeout: 120_000 }, () => {
  it('a rejected policy file: status --strict exits 3 with the error in `errors` (0 without --strict), and 0 again once the file is fixed', async () => {
    const fx = makeAgentFixture();
    fixtures.push(fx);
    fx.writePolicy('test-ban.yaml', POLICY('test-ban'));
    fs.writeFileSync(path.join(fx.policyDir, 'tampered.yaml'), POLICY('tampered'));
    fs.writeFileSync(path.join(fx.policyDir, 'tampered.yaml.sig'), 'AAAA');
    const daemon = await fx.start();
    cleanups.push(() => daemon.kill('SIGKILL'));

    expect(cordon(fx, ['status', '--json']).status).toBe(0);
    const json = cordon(fx, ['status', '--json', '--strict']);
    expect(json.status).toBe(3);
    const status = JSON.parse(json.stdout) as Status;
    expect(status.compliance).toBe('compliant');
    expect(status.errors).toEqual([{ source: 'policy', code: expect.stringMatching(/^signature-/), message: expect.stringContaining('tampered.yaml') }]);
    expect(cordon(fx, ['status']).stdout).toContain('COMPLIANT WITH ERRORS');

    fs.rmSync(path.join(fx.policyDir, 'tampered.yaml'));
    fs.rmSync(path.join(fx.policyDir, 'tampered.yaml.sig'));
    await waitFor('a complete status', () => cordon(fx, ['status', '--json', '--strict']).status === 0, 10_000);
    expect((JSON.parse(cordon(fx, ['status', '--json']).stdout) as Status).errors).toBeUndefined();
  });

  it('a home folder the scanning user cannot read: scan --strict exits 3 and names the home, a readable one exits 0', () => {
    const fx = makeAgentFixture();
    fixtures.push(fx);
    fx.writePolicy('test-ban.yaml', POLICY('test-ban'));
    cleanups.push(openPathTo(fx.policyDir));
    const user: ThrowawayUser = createThrowawayUser(path.join(fx.dir, 'scanner-home'), 'cdexc');
    cleanups.push(() => user.remove());
    fs.chmodSync(fx.home, 0o700);
    const scan = (...flags: string[]) => user.run(process.execPath, [cliEntry, '--config', fx.configFile, 'scan', '--json', ...flags]);

    expect(scan().status).toBe(0);
    const blind = scan('--strict');
    expect(blind.stderr).toBe('');
    expect(blind.status).toBe(3);
    expect((JSON.parse(blind.stdout) as Status).errors).toEqual([
      { source: 'detection', code: 'home-unreadable', message: `the home folder ${fx.home} (root) cannot be read` },
    ]);

    fs.chmodSync(fx.home, 0o755);
    const seeing = scan('--strict');
    expect(seeing.status).toBe(0);
    expect((JSON.parse(seeing.stdout) as Status).errors).toBeUndefined();
  });
});
