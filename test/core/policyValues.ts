// Policies written as values for the unit tests of evaluation: three instants, two action sets, a rule and a policy builder.
import type { Action } from '../../agent/common/model.js';
import type { LoadedPolicy, Policy, Rule } from '../../agent/core/policy/types.js';

export const T0 = '2026-07-01T00:00:00Z';
export const T1 = '2026-07-10T00:00:00Z';
export const T2 = '2026-08-01T00:00:00Z';
export const warn: Action[] = ['report', 'notify'];
export const remove: Action[] = ['report', 'notify', 'kill', 'quarantine'];

export function rule(id: string, phases: [string, Action[]][], over: Partial<Rule> = {}): Rule {
  return { id, tools: ['claude-code'], phases: phases.map(([from, actions]) => ({ from, actions })), ...over };
}

export function policy(id: string, rules: Rule[], over: Partial<Policy> = {}): LoadedPolicy {
  const p: Policy = { apiVersion: 'cordon/v1', id, version: 1, issuer: 'IT', issuedAt: '2026-06-01T00:00:00Z', message: `message of ${id}`, rules, ...over };
  return { policy: p, ref: { id, version: 1, file: `${id}.yaml`, signedBy: 'k' } };
}
