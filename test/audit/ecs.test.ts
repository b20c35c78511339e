// Every event kind Cordon writes, written by the real audit log in ECS mode and checked against the official ECS field definitions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EcsVersion } from '@elastic/ecs';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog, type AuditEvent, type AuditRecord } from '../../agent/adapters/auditLog.js';
import { ECS_VERSION } from '../../agent/core/audit/ecs.js';
import { ecsProblems } from '../support/ecs.js';

const finding = { tool: 'claude-code', policy: 'anthropic-ban', rule: 'claude-code', finding: 'f1a2', user: 'alice' };
/** One record per event kind: `satisfies Record<AuditEvent, …>` makes the compiler fail when a kind is added without a line here. */
const RECORDS = {
  'agent-start': [{ event: 'agent-start', outcome: 'ok', detail: 'pid 42, poll 200 ms' }],
  'agent-stop': [{ event: 'agent-stop', outcome: 'ok' }],
  detected: [
    { event: 'detected', outcome: 'open', ...finding, kind: 'process', pid: 4242, path: '/usr/local/bin/claude', detail: 'process claude' },
    { event: 'detected', outcome: 'open', ...finding, kind: 'install', path: '/home/alice/.local/share/claude', detail: 'native installer' },
    {
      event: 'detected',
      outcome: 'exempt',
      ...finding,
      tool: 'anthropic-model-config',
      kind: 'config',
      path: '/home/alice/.bashrc',
      detail: 'ANTHROPIC_API_KEY set in ~/.bashrc line 3',
    },
  ],
  resolved: [{ event: 'resolved', outcome: 'gone', finding: 'f1a2' }],
  kill: [
    { event: 'kill', outcome: 'ok', ...finding, kind: 'process', pid: 4242, path: '/usr/local/bin/claude', detail: 'SIGTERM' },
    { event: 'kill', outcome: 'failed', ...finding, kind: 'process', pid: 4243, detail: 'EPERM' },
  ],
  quarantine: [{ event: 'quarantine', outcome: 'ok', ...finding, kind: 'install', path: '/home/alice/.local/share/claude', detail: 'moved to q-1' }],
  uninstall: [
    {
      event: 'uninstall',
      outcome: 'ok',
      ...finding,
      tool: 'claude-desktop',
      kind: 'install',
      path: 'C:\\Program Files\\WindowsApps\\Claude_1.0.3_x64__pzs8sxrjxfjjc',
      detail: 'removed through Remove-AppxPackage -AllUsers (not restorable from quarantine: reinstall from its source)',
    },
  ],
  restore: [
    {
      event: 'restore',
      outcome: 'ok',
      tool: 'claude-code',
      path: '/home/alice/.local/share/claude',
      policy: 'anthropic-ban',
      rule: 'claude-code',
      detail: 'quarantine item q-1 put back',
    },
  ],
  notify: [{ event: 'notify', outcome: 'unavailable', ...finding, kind: 'install', path: '/home/alice/.local/bin/claude', detail: 'no notification service' }],
  'remediation-requested': [
    { event: 'remediation-requested', outcome: 'ok', ...finding, kind: 'install', path: '/home/alice/.local/bin/claude', detail: 'by alice' },
  ],
  'policy-loaded': [{ event: 'policy-loaded', outcome: 'ok', policy: 'anthropic-ban', detail: 'start: version 3' }],
  'policy-rejected': [{ event: 'policy-rejected', outcome: 'signature-invalid', path: '/etc/cordon/policies/x.yaml', detail: 'bad signature' }],
  'policy-retired': [{ event: 'policy-retired', outcome: 'ok', policy: 'old', detail: 'file is gone' }],
  'unsigned-policy': [{ event: 'unsigned-policy', outcome: 'warning', path: '/tmp/draft.yaml', detail: 'allowUnsigned' }],
  recovery: [{ event: 'recovery', outcome: 'ok', detail: '{"finished":0,"rolledBack":0}' }],
  report: [{ event: 'report', outcome: 'queued', detail: 'collector unreachable' }],
  'refused-start': [
    {
      event: 'refused-start',
      outcome: 'refused',
      tool: 'claude-code',
      user: 'alice',
      policy: 'anthropic-ban',
      rule: 'claude-code',
      detail: 'policyHelper refused',
    },
  ],
  'connections-refused': [{ event: 'connections-refused', outcome: 'ipc-busy', detail: '1200 connections refused in the last minute' }],
  'process-source': [{ event: 'process-source', outcome: 'proc-connector', detail: 'exec events live; polling every 10 s as a safety net' }],
  'start-hook-installed': [
    { event: 'start-hook-installed', outcome: 'ok', tool: 'claude-code', detail: '/etc/claude-code/managed-settings.d/cordon-policy-helper.json' },
  ],
  'start-hook-removed': [
    { event: 'start-hook-removed', outcome: 'ok', tool: 'claude-code', detail: '/etc/claude-code/managed-settings.d/cordon-policy-helper.json' },
  ],
  'exception-requested': [{ event: 'exception-requested', outcome: 'pending', user: 'alice', tool: 'claude-code', detail: 'req-0a1b2c3d4e5f: customer demo' }],
  'exception-granted': [
    { event: 'exception-granted', outcome: 'granted', user: 'alice', tool: 'claude-code', policy: 'exception-req-0a1b2c3d4e5f', detail: 'req-0a1b2c3d4e5f' },
  ],
  'exception-denied': [{ event: 'exception-denied', outcome: 'denied', user: 'alice', tool: 'claude-code', detail: 'req-0a1b2c3d4e5f: not this quarter' }],
  'exception-expired': [{ event: 'exception-expired', outcome: 'expired', user: 'alice', tool: 'claude-code', detail: 'req-0a1b2c3d4e5f' }],
  suppressed: [{ event: 'suppressed', outcome: 'rate-limit', user: 'mallory', detail: '500 records about mallory not written' }],
  error: [{ event: 'error', outcome: 'internal', detail: 'Error: boom' }],
} satisfies Record<AuditEvent, (AuditRecord & { event: AuditEvent })[]>;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-ecs-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('audit log in ECS', () => {
  const log = new AuditLog(dir, 'laptop-7', () => new Date('2026-07-10T01:02:03.000Z'), 'ecs');
  const records = Object.values(RECORDS).flat();
  for (const r of records) log.write(r);
  const lines = fs
    .readFileSync(log.file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

  it('writes one line per record, every event kind included', () => {
    expect(lines).toHaveLength(records.length);
    expect(new Set(lines.map((l) => (l.cordon as { event: string }).event))).toEqual(new Set(Object.keys(RECORDS)));
  });

  it('follows the ECS release of the field definitions it is checked against', () => {
    expect(ECS_VERSION).toBe(EcsVersion);
  });

  for (const [i, r] of records.entries()) {
    it(`${r.event} (${r.outcome}${'kind' in r ? `, ${r.kind}` : ''}) is valid ECS`, () => {
      expect(ecsProblems(lines[i] as Record<string, unknown>)).toEqual([]);
    });
  }

  it('says a refused start is a denial in event.type, and a failed kill a failure in event.outcome', () => {
    const refused = lines.find((l) => (l.cordon as { event: string }).event === 'refused-start') as { event: { type: string[]; outcome: string } };
    expect(refused.event.type).toEqual(['denied']);
    const failedKill = lines.find((l) => (l.cordon as { event: string; outcome: string }).outcome === 'failed') as { event: { outcome: string } };
    expect(failedKill.event.outcome).toBe('failure');
  });

  it('the validator rejects what ECS does not define', () => {
    expect(
      ecsProblems({
        '@timestamp': 'x',
        ecs: { version: '9.4.0' },
        event: { kind: 'nope', category: ['process'], type: ['denied'] },
        process: { pid: 'a' },
        foo: 1,
      }),
    ).toEqual(
      expect.arrayContaining([
        '@timestamp: "x" is not a date',
        'event.kind: "nope" is not an allowed value',
        'process.pid: "a" is not an integer',
        'foo is not an ECS field',
        'event.type denied is not expected for categories process',
      ]),
    );
  });

  it('the tray history reads ECS lines back', () => {
    const history = log.history(100);
    expect(history.find((h) => h.event === 'restore')).toMatchObject({
      event: 'restore',
      outcome: 'ok',
      tool: 'claude-code',
      path: '/home/alice/.local/share/claude',
      policy: 'anthropic-ban',
      time: '2026-07-10T01:02:03.000Z',
    });
    expect(history.map((h) => h.event)).toContain('kill');
  });
});
