// Exception requests in the decision core: a request lifts nothing, an exemption policy naming it grants it (and
// only for the policy it names), it expires with its exemption or its file, and a user sees only their own.
import { describe, expect, it } from 'vitest';
import type { ExceptionRequest, Observation } from '../../agent/common/model.js';
import { exemptionPolicyFor } from '../../agent/core/exceptions/exemptionPolicy.js';
import { MAX_PENDING_PER_USER, newRequest, requestsVisibleTo, settleRequests, withRequest } from '../../agent/core/exceptions/requests.js';
import { evaluate } from '../../agent/core/policy/evaluate.js';
import type { LoadedPolicy } from '../../agent/core/policy/types.js';
import { T0, T1, policy, remove, rule } from './policyValues.js';

const now = new Date(T1);
const ban = policy('ban', [rule('cc', [[T0, remove]])]);
const other = policy('other', [rule('cc2', [[T0, remove]])]);
const ctx = { policies: [ban, other], knownTools: ['claude-code', 'codex-cli'], now };
const install: Observation = { tool: 'claude-code', kind: 'install', path: '/home/alice/.local/bin/claude', user: 'alice', signal: 'native launcher' };
const ask = (id: string, user = 'alice', tool = 'claude-code'): ExceptionRequest => newRequest({ id, user, host: 'laptop-7', tool, reason: 'demo' }, [], ctx);
const loaded = (p: ReturnType<typeof exemptionPolicyFor>): LoadedPolicy => ({
  policy: p,
  ref: { id: p.id, version: p.version, file: `${p.id}.json`, signedBy: 'k' },
});

describe('exception requests', () => {
  it('a pending request lifts nothing', () => {
    const r = ask('req-00000001');
    expect(r).toMatchObject({
      state: 'pending',
      rules: [
        { policy: 'ban', rule: 'cc' },
        { policy: 'other', rule: 'cc2' },
      ],
    });
    expect(evaluate([install], [ban, other], { now, host: 'laptop-7', groupsOf: () => [] })[0]?.state).toBe('open');
  });

  it('the exemption policy written for it grants it, for that user on that host, until its end; then it expires', () => {
    const r = ask('req-00000002');
    const grant = loaded(exemptionPolicyFor(r, { until: '2026-07-20T00:00:00Z', issuer: 'IT', now }));
    const policies = [ban, other, grant];
    const ev = (at: string, o: Observation = install, host = 'laptop-7') => evaluate([o], policies, { now: new Date(at), host, groupsOf: () => [] })[0];
    expect(ev(T1)).toMatchObject({ state: 'exempt', exemptUntil: '2026-07-20T00:00:00Z' });
    expect(ev(T1, { ...install, user: 'bob' })?.state).toBe('open');
    expect(ev(T1, install, 'other-host')?.state).toBe('open');
    expect(ev('2026-07-20T00:00:00Z')?.state).toBe('open');

    const granted = settleRequests([r], policies, now);
    expect(granted.requests[0]).toMatchObject({ state: 'granted', grantedUntil: '2026-07-20T00:00:00Z', grantedBy: 'exception-req-00000002' });
    expect(granted.changes).toHaveLength(1);
    expect(settleRequests(granted.requests, policies, now).changes).toEqual([]);
    expect(settleRequests(granted.requests, policies, new Date('2026-07-21T00:00:00Z')).requests[0]?.state).toBe('expired');
    expect(settleRequests(granted.requests, [ban, other], now).requests[0]?.state).toBe('expired');
  });

  it('an exemption that names one policy never lifts another’s rules', () => {
    const r = { ...ask('req-00000003'), rules: [{ policy: 'ban', rule: 'cc' }] };
    const grant = loaded(exemptionPolicyFor(r, { until: '2026-07-20T00:00:00Z', issuer: 'IT', now }));
    expect(evaluate([install], [ban, other, grant], { now, host: 'laptop-7', groupsOf: () => [] })[0]?.state).toBe('open');
  });

  it('refuses what it cannot take: unknown tools, nothing to exempt, a second open request, too many', () => {
    expect(() => newRequest({ id: 'req-1', user: 'alice', host: 'h', tool: 'claude-cod', reason: 'x' }, [], ctx)).toThrow(/did you mean "claude-code"/);
    expect(() => newRequest({ id: 'req-1', user: 'alice', host: 'h', tool: 'codex-cli', reason: 'x' }, [], ctx)).toThrow(/nothing to ask an exception for/);
    expect(() => newRequest({ id: 'req-2', user: 'alice', host: 'h', tool: 'claude-code', reason: 'x' }, [ask('req-1')], ctx)).toThrow(/already asked/);
    const many = Array.from({ length: MAX_PENDING_PER_USER }, (_, i) => ({ ...ask(`req-${i}`), tool: `t${i}` }));
    expect(() => newRequest({ id: 'req-9', user: 'alice', host: 'h', tool: 'claude-code', reason: 'x' }, many, ctx)).toThrow(/pending requests/);
    expect(newRequest({ id: 'req-9', user: 'bob', host: 'h', tool: 'claude-code', reason: 'x' }, many, ctx).state).toBe('pending');
  });

  it('a user sees only their own requests, an admin all, an unproved client none', () => {
    const all = withRequest([ask('req-a')], ask('req-b', 'bob'));
    expect(requestsVisibleTo(all, { admin: false, user: 'bob' }, 'linux').map((r) => r.id)).toEqual(['req-b']);
    expect(requestsVisibleTo(all, { admin: true }, 'linux').map((r) => r.id)).toEqual(['req-a', 'req-b']);
    expect(requestsVisibleTo(all, { admin: false }, 'linux')).toEqual([]);
  });

  it('a user’s own requests are theirs however the OS lets the name be spelled: BOB is bob on Windows and macOS, not on Linux', () => {
    const all = withRequest([ask('req-a')], ask('req-b', 'bob'));
    expect(requestsVisibleTo(all, { admin: false, user: 'BOB' }, 'win32').map((r) => r.id)).toEqual(['req-b']);
    expect(requestsVisibleTo(all, { admin: false, user: 'Bob' }, 'darwin').map((r) => r.id)).toEqual(['req-b']);
    expect(requestsVisibleTo(all, { admin: false, user: 'BOB' }, 'linux')).toEqual([]);
  });
});
