// The exemption policy that grants one exception request: a policy with no rules of its own whose exemptions name
// the policies and rules the request would lift, for the requesting user on their host, until the admin's date.
import type { ExceptionRequest } from '../../common/model.js';
import { POLICY_API_VERSION, type Exemption, type Policy } from '../policy/types.js';

/** The schema's limit for an exemption's reason. */
const MAX_EXEMPTION_REASON = 200;

export function exemptionPolicyId(requestId: string): string {
  return `exception-${requestId}`;
}

export function exemptionPolicyFor(request: ExceptionRequest, grant: { until: string; reason?: string; issuer: string; now: Date }): Policy {
  const reason = (grant.reason ?? request.reason).replace(/\s+/g, ' ').trim();
  const line = reason.length > MAX_EXEMPTION_REASON ? `${reason.slice(0, MAX_EXEMPTION_REASON - 1)}…` : reason;
  const byPolicy = new Map<string, string[]>();
  for (const { policy, rule } of request.rules) byPolicy.set(policy, [...(byPolicy.get(policy) ?? []), rule]);
  const exemptions: Exemption[] = [...byPolicy].map(([policy, rules]) => ({
    policy,
    rules,
    users: [request.user],
    hosts: [request.host],
    until: grant.until,
    reason: line,
    request: request.id,
  }));
  return {
    apiVersion: POLICY_API_VERSION,
    id: exemptionPolicyId(request.id),
    // Seconds since 1970: a later grant for the same request always has the higher version (rollback protection).
    version: Math.floor(grant.now.getTime() / 1000),
    issuer: grant.issuer,
    issuedAt: grant.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    message: { en: `Exception for ${request.user}: ${line}`, 'zh-CN': `${request.user} 的例外：${line}` },
    rules: [],
    exemptions,
  };
}
