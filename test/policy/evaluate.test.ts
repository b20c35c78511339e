// Evaluation over time: phase boundaries to the millisecond, time zones, exemptions, expiry and several policies at once.
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../agent/common/model.js';
import { evaluate, type EvaluationContext } from '../../agent/core/policy/evaluate.js';
import { parsePolicy } from '../../agent/core/policy/parse.js';
import { ACTION_PRECEDENCE, COMBINATION_RULES } from '../../agent/core/policy/precedence.js';
import type { LoadedPolicy } from '../../agent/core/policy/types.js';
import { computeCompliance } from '../../agent/core/status/compliance.js';
import { findingId } from '../../agent/core/status/findingId.js';
import { goodPolicyWith, goodPolicyYaml } from './support.js';

function loaded(text: string | Buffer, file = 'corp.yaml'): LoadedPolicy {
  const policy = parsePolicy(Buffer.from(text), file);
  return { policy, ref: { id: policy.id, version: policy.version, file, signedBy: 'test' } };
}

const corp = loaded(goodPolicyYaml);
const bobInstall: Observation = {
  tool: 'claude-code',
  kind: 'install',
  path: '/home/bob/.local/bin/claude',
  user: 'bob',
  signal: 'native installer launcher',
  role: 'program',
  scanRoot: '/home/bob',
};
const aliceProcess: Observation = {
  tool: 'claude-code',
  kind: 'process',
  pid: 4242,
  startTime: '99',
  user: 'alice',
  path: '/home/alice/.local/bin/claude',
  signal: 'process name claude',
};
const desktop: Observation = { tool: 'claude-desktop', kind: 'install', path: '/opt/Claude', signal: 'desktop app' };
const uncovered: Observation = { tool: 'cursor', kind: 'install', path: '/opt/cursor', signal: 'cursor app' };

function ctx(iso: string, over: Partial<EvaluationContext> = {}): EvaluationContext {
  return { now: new Date(iso), host: 'laptop-17', groupsOf: () => [], ...over };
}

const ms = (iso: string, delta: number): string => new Date(Date.parse(iso) + delta).toISOString();

describe('phases', () => {
  // 2026-07-01T00:00:00+08:00 is 2026-06-30T16:00:00Z; 2026-07-10T00:00:00+08:00 is 2026-07-09T16:00:00Z.
  const warnAt = '2026-06-30T16:00:00.000Z';
  const enforceAt = '2026-07-09T16:00:00.000Z';

  it.each([
    ['one ms before the warn phase', ms(warnAt, -1), null],
    ['exactly at the warn phase', warnAt, ['report', 'notify']],
    ['one ms after the warn phase', ms(warnAt, 1), ['report', 'notify']],
    ['one ms before the enforce phase', ms(enforceAt, -1), ['report', 'notify']],
    ['exactly at the enforce phase', enforceAt, ['report', 'notify', 'kill', 'quarantine']],
    ['one ms after the enforce phase', ms(enforceAt, 1), ['report', 'notify', 'kill', 'quarantine']],
  ])('%s', (_label, at, actions) => {
    const findings = evaluate([bobInstall], [corp], ctx(at));
    if (actions === null) expect(findings).toEqual([]);
    else expect(findings[0]?.actions).toEqual(actions);
  });

  it('reads phase times with their offsets, so China midnight is 16:00 UTC the day before', () => {
    const policy = loaded(goodPolicyWith(['from: 2026-07-10T00:00:00+08:00', 'from: 2026-07-09T11:00:00-05:00']));
    expect(evaluate([bobInstall], [policy], ctx('2026-07-09T15:59:59.999Z'))[0]?.actions).toEqual(['report', 'notify']);
    expect(evaluate([bobInstall], [policy], ctx('2026-07-09T16:00:00+00:00'))[0]?.actions).toContain('kill');
    expect(evaluate([bobInstall], [corp], ctx('2026-07-10T00:00:00+08:00'))[0]?.actions).toContain('quarantine');
    expect(evaluate([bobInstall], [corp], ctx('2026-07-09T23:59:59.999+08:00'))[0]?.actions).not.toContain('kill');
  });

  it('gives the start of the next stricter phase as the deadline, and none once the last phase is reached', () => {
    const warn = evaluate([bobInstall], [corp], ctx('2026-07-05T00:00:00Z'))[0];
    expect(warn?.deadline).toBe('2026-07-10T00:00:00+08:00');
    expect(warn?.deadlineActions).toEqual(['kill', 'quarantine']);
    expect(computeCompliance([warn!])).toBe('warning');
    const enforce = evaluate([bobInstall], [corp], ctx('2026-07-12T00:00:00Z'))[0];
    expect(enforce?.deadline).toBeUndefined();
    expect(enforce?.deadlineActions).toBeUndefined();
    expect(computeCompliance([enforce!])).toBe('violation');
  });

  it('covers only the tools a rule names, and describes the finding in words with the policy message', () => {
    const findings = evaluate([bobInstall, uncovered, desktop], [corp], ctx('2026-07-12T00:00:00Z'));
    expect(findings.map((f) => f.tool)).toEqual(['claude-code', 'claude-desktop']);
    const [f] = findings;
    expect(f).toMatchObject({
      id: findingId(bobInstall, 'corp-ai-ban', 'claude-code'),
      policy: 'corp-ai-ban',
      rule: 'claude-code',
      state: 'open',
      user: 'bob',
      path: bobInstall.path,
      kind: 'install',
    });
    expect(f?.detail).toContain('installed at /home/bob/.local/bin/claude for bob');
    expect(f?.detail).toContain('report, notify, kill and quarantine due since 2026-07-10T00:00:00+08:00');
    expect(f?.message).toEqual({ en: 'Banned AI tools must go.', 'zh-CN': '禁止使用的 AI 工具必须移除。' });
  });

  it('stops applying a policy from its expiresAt on', () => {
    const expiring = loaded(goodPolicyWith(['issuedAt: 2026-06-01T00:00:00Z', 'issuedAt: 2026-06-01T00:00:00Z\nexpiresAt: 2026-07-15T00:00:00Z']));
    expect(evaluate([bobInstall], [expiring], ctx('2026-07-14T23:59:59.999Z'))).toHaveLength(1);
    expect(evaluate([bobInstall], [expiring], ctx('2026-07-15T00:00:00Z'))).toEqual([]);
  });

  it('gives no deadline for a phase that starts after the policy expires', () => {
    const expiring = loaded(goodPolicyWith(['issuedAt: 2026-06-01T00:00:00Z', 'issuedAt: 2026-06-01T00:00:00Z\nexpiresAt: 2026-07-08T00:00:00Z']));
    expect(evaluate([bobInstall], [expiring], ctx('2026-07-05T00:00:00Z'))[0]?.deadline).toBeUndefined();
  });
});

describe('exemptions', () => {
  const until = '2026-08-01T00:00:00Z';

  it('exempts a user until the exemption ends, then the finding is open again', () => {
    const before = evaluate([aliceProcess], [corp], ctx(ms(until, -1)))[0];
    expect(before).toMatchObject({ state: 'exempt', exemptUntil: until, actions: ['report', 'notify', 'kill', 'quarantine'] });
    expect(before?.detail).toContain('Exempt until 2026-08-01T00:00:00Z: red team');
    expect(computeCompliance([before!])).toBe('compliant');
    const after = evaluate([aliceProcess], [corp], ctx(until))[0];
    expect(after?.state).toBe('open');
    expect(after?.exemptUntil).toBeUndefined();
  });

  it('does not exempt other users or rules the exemption does not list', () => {
    expect(evaluate([bobInstall], [corp], ctx('2026-07-20T00:00:00Z'))[0]?.state).toBe('open');
    const aliceDesktop = { ...desktop, user: 'alice' };
    expect(evaluate([aliceDesktop], [corp], ctx('2026-07-20T00:00:00Z'))[0]?.state).toBe('open');
  });

  it('exempts by host, compared without case, until expiry', () => {
    const byHost = loaded(goodPolicyWith(['    users: [alice]', '    hosts: [LAPTOP-17]']));
    expect(evaluate([bobInstall], [byHost], ctx('2026-07-20T00:00:00Z'))[0]?.state).toBe('exempt');
    expect(evaluate([bobInstall], [byHost], ctx('2026-07-20T00:00:00Z', { host: 'laptop-18' }))[0]?.state).toBe('open');
    expect(evaluate([bobInstall], [byHost], ctx('2026-08-01T00:00:00Z'))[0]?.state).toBe('open');
  });

  it('exempts by group where the OS tells the groups, until expiry', () => {
    const byGroup = loaded(goodPolicyWith(['    users: [alice]', '    groups: [red-team]']));
    const groupsOf = (user: string): string[] => (user === 'bob' ? ['staff', 'red-team'] : ['staff']);
    expect(evaluate([bobInstall], [byGroup], ctx('2026-07-20T00:00:00Z', { groupsOf }))[0]?.state).toBe('exempt');
    expect(evaluate([aliceProcess], [byGroup], ctx('2026-07-20T00:00:00Z', { groupsOf }))[0]?.state).toBe('open');
    expect(evaluate([bobInstall], [byGroup], ctx('2026-08-01T00:00:00Z', { groupsOf }))[0]?.state).toBe('open');
    expect(evaluate([{ ...bobInstall, user: undefined }], [byGroup], ctx('2026-07-20T00:00:00Z', { groupsOf }))[0]?.state).toBe('open');
  });

  it('needs every kind it names to match (user and host)', () => {
    const both = loaded(goodPolicyWith(['    users: [alice]', '    users: [alice]\n    hosts: [build-box]']));
    expect(evaluate([aliceProcess], [both], ctx('2026-07-20T00:00:00Z'))[0]?.state).toBe('open');
    expect(evaluate([aliceProcess], [both], ctx('2026-07-20T00:00:00Z', { host: 'build-box' }))[0]?.state).toBe('exempt');
  });
});

describe('several policies at once', () => {
  const reportOnly = loaded(
    goodPolicyWith(
      ['id: corp-ai-ban', 'id: audit-only'],
      ['actions: [report, notify, kill, quarantine]', 'actions: [report]'],
      ['actions: [report, notify]', 'actions: [report]'],
      ['from: 2026-07-10T00:00:00+08:00', 'from: 2026-07-05T00:00:00+08:00'],
    ),
    'audit.yaml',
  );
  const killFirst = loaded(
    goodPolicyWith(
      ['id: corp-ai-ban', 'id: kill-early'],
      ['from: 2026-07-10T00:00:00+08:00', 'from: 2026-07-03T00:00:00Z'],
      ['actions: [report, notify, kill, quarantine]', 'actions: [kill]'],
    ),
    'early.yaml',
  );

  it('lets the strictest due actions win and names the rule that demands them', () => {
    const [f] = evaluate([bobInstall], [reportOnly, corp], ctx('2026-07-12T00:00:00Z'));
    expect(f).toMatchObject({ policy: 'corp-ai-ban', rule: 'claude-code', actions: ['report', 'notify', 'kill', 'quarantine'] });
    expect(f?.detail).toContain('Also covered by audit-only/claude-code');
  });

  it('unites the due actions of every covering rule, whatever the order of the policies', () => {
    const at = ctx('2026-07-04T00:00:00Z');
    const one = evaluate([bobInstall], [corp, killFirst], at);
    const other = evaluate([bobInstall], [killFirst, corp], at);
    expect(one).toEqual(other);
    expect(one[0]).toMatchObject({ policy: 'kill-early', actions: ['report', 'notify', 'kill'], deadline: '2026-07-10T00:00:00+08:00' });
  });

  it('keeps a finding open when only one of the covering policies exempts the user', () => {
    const [f] = evaluate([aliceProcess], [corp, reportOnly], ctx('2026-07-20T00:00:00Z'));
    expect(f?.state).toBe('exempt');
    const strictWithoutExemption = loaded(
      goodPolicyWith(
        ['id: corp-ai-ban', 'id: no-exemptions'],
        ['  - rules: [claude-code]\n    users: [alice]', '  - rules: [claude-code]\n    users: [carol]'],
      ),
    );
    const [g] = evaluate([aliceProcess], [corp, strictWithoutExemption], ctx('2026-07-20T00:00:00Z'));
    expect(g).toMatchObject({ state: 'open', policy: 'no-exemptions', actions: ['report', 'notify', 'kill', 'quarantine'] });
  });

  it('documents the precedence of actions and how rules combine', () => {
    const ranks = Object.values(ACTION_PRECEDENCE).map((p) => p.rank);
    expect(new Set(ranks).size).toBe(6);
    const order = ['report', 'notify', 'narrow', 'prevent', 'kill', 'quarantine'] as const;
    expect([...order].sort((a, b) => ACTION_PRECEDENCE[a].rank - ACTION_PRECEDENCE[b].rank)).toEqual(order);
    expect(COMBINATION_RULES.every((r) => r.reason.length > 0)).toBe(true);
  });
});
