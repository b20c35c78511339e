// Exception requests on the command line against the real daemon: an employee (a real unprivileged account) asks,
// an admin grants with one signed command, the agent applies it; bad input and the employee as adversary change nothing.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../agent/client/daemonClient.js';
import type { ExceptionRequest, Status } from '../../agent/common/model.js';
import { ENFORCE_NOW_POLICY, makeAgentFixture, waitFor, type AgentFixture } from '../support/agentFixture.js';
import { cliEntry } from '../support/paths.js';
import { createThrowawayUser, openPathTo, type ThrowawayUser } from '../support/throwawayUser.js';

let fx: AgentFixture;
let user: ThrowawayUser;
let closePath: () => void;

/** A day about a month from now, as the employee types it. */
const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
const grantUntil = new Date(Date.now() + 14 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

const asAdmin = (args: string[]) => spawnSync(process.execPath, [cliEntry, '--config', fx.configFile, ...args], { encoding: 'utf8' });
const asEmployee = (args: string[]) => user.run(process.execPath, [cliEntry, '--config', fx.configFile, ...args]);
const json = <T>(r: { stdout: string }): T => JSON.parse(r.stdout) as T;
const policyFiles = () => fs.readdirSync(fx.policyDir).sort();
const storedRequests = () => fs.readFileSync(path.join(fx.stateDir, 'exception-requests.json'), 'utf8');

async function adminStatus(): Promise<Status> {
  const client = await DaemonClient.connect(fx.socketPath.replace('cordon.sock', 'cordon-admin.sock'));
  try {
    return await client.request('status');
  } finally {
    client.close();
  }
}

beforeAll(async () => {
  fx = makeAgentFixture();
  closePath = openPathTo(fx.home);
  user = createThrowawayUser(fx.home, 'cdexc');
  fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(1, 'report, notify'));
  const versions = path.join(fx.home, '.local', 'share', 'claude', 'versions');
  fs.mkdirSync(versions, { recursive: true });
  fs.copyFileSync('/bin/true', path.join(versions, '2.1.0'));
  user.own(fx.home);
  await fx.start();
  await waitFor('the employee’s finding', async () => (await adminStatus()).findings.find((f) => f.user === user.name), 10_000);
}, 30_000);

afterAll(() => {
  user?.remove();
  closePath?.();
  fx?.cleanup();
});

describe('exception requests', { timeout: 120_000 }, () => {
  let request: ExceptionRequest;

  it('an employee asks in their own name; the request is pending in their status, the admins’ list, the audit log and cordon.db', async () => {
    const asked = asEmployee(['exception', 'request', '--tool', 'claude-code', '--reason', 'Customer demo on Friday', '--until', inAMonth, '--json']);
    expect(asked.stderr).toBe('');
    expect(asked.status).toBe(0);
    request = json<ExceptionRequest>(asked);
    expect(request).toMatchObject({
      user: user.name,
      tool: 'claude-code',
      state: 'pending',
      reason: 'Customer demo on Friday',
      rules: [{ policy: 'test-ban', rule: 'claude-code' }],
    });
    expect(request.until).toMatch(new RegExp(`^${inAMonth}T23:59:59[+-]\\d{2}:\\d{2}$`));

    expect(json<Status>(asEmployee(['status', '--json'])).exceptions).toEqual([expect.objectContaining({ id: request.id, state: 'pending' })]);
    expect(json<{ requests: ExceptionRequest[] }>(asAdmin(['exception', 'list', '--json'])).requests.map((r) => r.id)).toEqual([request.id]);
    expect(asAdmin(['exception', 'list']).stdout).toContain(`${request.id}  pending`);
    const audit = fs.readFileSync(path.join(fx.stateDir, 'audit.jsonl'), 'utf8');
    expect(audit).toContain('"event":"exception-requested"');
    expect(audit).toContain(`"user":"${user.name}"`);
    await waitFor('the row in cordon.db', () => {
      const db = new Database(path.join(fx.stateDir, 'cordon.db'), { readonly: true });
      try {
        return db.prepare('SELECT username, state FROM exception_requests WHERE id = ?').get(request.id) as { username: string; state: string } | undefined;
      } finally {
        db.close();
      }
    }).then((row) => expect(row).toEqual({ username: user.name, state: 'pending' }));
    // A request alone lifts nothing.
    expect((await adminStatus()).findings.find((f) => f.user === user.name)?.state).toBe('open');
    expect((fs.statSync(path.join(fx.stateDir, 'exception-requests.json')).mode & 0o777).toString(8)).toBe('600');
  });

  it('bad input gets a clear error and changes nothing', async () => {
    const before = storedRequests();
    const files = policyFiles();
    const refused: [string[], number, RegExp][] = [
      [['exception', 'request', '--tool', 'claude-cod', '--reason', 'x'], 64, /unknown tool "claude-cod" \(did you mean "claude-code"\?\)/],
      [['exception', 'request', '--tool', 'claude-code', '--reason', '   '], 64, /the reason is empty/],
      [['exception', 'request', '--tool', 'claude-code', '--reason', 'x'.repeat(600)], 64, /at most 500 are kept/],
      [['exception', 'request', '--tool', 'claude-code', '--reason', 'x', '--until', '2020-01-01'], 64, /already past/],
      [['exception', 'request', '--tool', 'claude-code', '--reason', 'again'], 70, /already asked .* pending/],
      [
        ['exception', 'request', '--tool', 'gemini-cli', '--reason', 'x'],
        64,
        /no policy in force restricts .*Gemini CLI: there is nothing to ask an exception for/,
      ],
    ];
    for (const [args, code, message] of refused) {
      const r = asEmployee(args);
      expect({ args, code: r.status, stderr: r.stderr }).toMatchObject({ code, stderr: expect.stringMatching(message) });
    }
    const admin: [string[], number, RegExp][] = [
      [['policy', 'exempt', '--request', 'req-ffffffffffff', '--until', grantUntil, '--key', fx.privateKeyFile], 65, /no exception request req-ffffffffffff/],
      [['policy', 'exempt', '--request', request.id, '--until', '2020-01-01T00:00:00Z', '--key', fx.privateKeyFile], 64, /already past/],
      [['policy', 'exempt', '--request', request.id, '--until', grantUntil, '--key', fx.configFile], 65, /not a PEM key/],
      [['exception', 'deny', '--request', 'req-ffffffffffff'], 65, /no exception request req-ffffffffffff/],
    ];
    for (const [args, code, message] of admin) {
      const r = asAdmin(args);
      expect({ args, code: r.status, stderr: r.stderr }).toMatchObject({ code, stderr: expect.stringMatching(message) });
    }
    // Signed, but by a key the agent does not trust: the agent would reject it, so nothing is written.
    const stranger = path.join(fx.dir, 'stranger.key.pem');
    fs.writeFileSync(stranger, crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    const untrusted = asAdmin(['policy', 'exempt', '--request', request.id, '--until', grantUntil, '--key', stranger]);
    expect(untrusted.status).toBe(65);
    expect(untrusted.stderr).toMatch(/trusted/);

    const client = await DaemonClient.connect(fx.socketPath);
    try {
      await expect(client.request('request-exception', { tool: 'claude-code', reason: 'no hello' })).rejects.toMatchObject({ code: 'forbidden' });
      await client.hello();
      await expect(client.request('request-exception', { tool: 'claude-code', reason: '' })).rejects.toMatchObject({ code: 'ipc-bad-request' });
      await expect(client.request('request-exception', { tool: 'claude-code', reason: 'x', until: 'tomorrow' })).rejects.toMatchObject({
        code: 'ipc-bad-request',
      });
    } finally {
      client.close();
    }
    expect(storedRequests()).toBe(before);
    expect(policyFiles()).toEqual(files);
  });

  it('the employee cannot approve or deny their own request, nor see anyone else’s', async () => {
    const root = await DaemonClient.connect(fx.socketPath);
    let rootRequest: ExceptionRequest;
    try {
      await root.hello();
      rootRequest = await root.request('request-exception', { tool: 'claude-code', reason: 'root asks too' });
    } finally {
      root.close();
    }
    const mine = json<{ requests: ExceptionRequest[] }>(asEmployee(['exception', 'list', '--json'])).requests;
    expect(mine.map((r) => r.id)).toEqual([request.id]);
    expect(JSON.stringify(json<Status>(asEmployee(['status', '--json'])))).not.toContain('root asks too');

    const key = path.join(user.home, 'mine');
    expect(asEmployee(['policy', 'keygen', '--out', key]).status).toBe(0);
    const selfGrant = asEmployee(['policy', 'exempt', '--request', request.id, '--until', grantUntil, '--key', path.join(key, 'policy-signing.key.pem')]);
    expect(selfGrant.status).not.toBe(0);
    expect(asEmployee(['policy', 'exempt', '--request', request.id, '--until', grantUntil, '--key', fx.privateKeyFile]).status).not.toBe(0);
    const deny = asEmployee(['exception', 'deny', '--request', rootRequest.id]);
    expect(deny.status).toBe(69);
    expect(deny.stderr).toContain('run this as root');
    expect(policyFiles()).toEqual(['test-ban.yaml', 'test-ban.yaml.sig']);
    expect((await adminStatus()).exceptions?.map((r) => r.state)).toEqual(['pending', 'pending']);

    const denied = asAdmin(['exception', 'deny', '--request', rootRequest.id, '--reason', 'root needs no exception', '--json']);
    expect(denied.status).toBe(0);
    expect(json<ExceptionRequest>(denied)).toMatchObject({ state: 'denied', denial: 'root needs no exception' });
    expect(asAdmin(['exception', 'deny', '--request', rootRequest.id]).stderr).toMatch(/is denied, not pending/);
  });

  it('an admin grants it with one signed command; the agent loads it, the request shows granted and the finding exempt', async () => {
    const granted = asAdmin(['policy', 'exempt', '--request', request.id, '--until', grantUntil, '--key', fx.privateKeyFile, '--json']);
    expect(granted.stderr).toBe('');
    expect(granted.status).toBe(0);
    const out = json<{ file: string; request: ExceptionRequest }>(granted);
    expect(out.file).toBe(path.join(fx.policyDir, `exception-${request.id}.json`));
    expect(out.request).toMatchObject({ state: 'granted', grantedUntil: grantUntil, grantedBy: `exception-${request.id}` });
    expect(asAdmin(['policy', 'verify', out.file]).status).toBe(0);

    const status = json<Status>(asEmployee(['status', '--json']));
    expect(status.exceptions).toEqual([expect.objectContaining({ id: request.id, state: 'granted', grantedUntil: grantUntil })]);
    expect(status.findings.find((f) => f.user === user.name)).toMatchObject({ state: 'exempt', exemptUntil: grantUntil });
    expect(asEmployee(['status']).stdout).toContain(`${request.id}  granted until ${grantUntil}`);
    expect(fs.readFileSync(path.join(fx.stateDir, 'audit.jsonl'), 'utf8')).toContain('"event":"exception-granted"');
  });
});
