// What MDM and inventory scripts ask of an endpoint (`cordon fleet-facts`): compliance or "not reporting", the next deadline, the last check.
import type { Status } from '../../common/model.js';
import { isDueForRemoval } from '../status/compliance.js';
import { isStale } from './liveness.js';

/** What cordon.db holds for the facts: the agent row, open or failed findings, the policies. */
export interface FleetRead {
  agent: {
    host: string;
    version: string;
    compliance: string;
    heartbeat_at: string;
    last_pass_at: string;
    stale_after_seconds: number;
    stopped_at?: string | null;
  } | null;
  findings: { state: string; due: number; deadline: string | null; tool: string }[];
  policies: { id: string | null; version: number | null; state: string }[];
}

/** compliant / warning / violation as the agent decided; stale: the agent stopped, or stopped reporting; unknown: no agent ever wrote state here. */
export type FleetCompliance = 'compliant' | 'warning' | 'violation' | 'stale' | 'unknown';

export interface FleetFacts {
  compliance: FleetCompliance;
  /** The agent's own verdict from its last pass, even when stale. */
  lastKnownCompliance: string | null;
  reporting: boolean;
  heartbeatAt: string | null;
  lastCheck: string | null;
  openFindings: number;
  /** Findings due for kill or quarantine and still open, or failed. */
  violations: number;
  nextDeadline: string | null;
  /** Whole days until the next deadline of an open finding (rounded up); null when none lies ahead. */
  daysToDeadline: number | null;
  /** `id@version` of each policy in force, sorted. */
  policies: string;
  rejectedPolicies: number;
  agentVersion: string | null;
  tools: string;
}

export const FACT_FIELDS = ['compliance', 'days-to-deadline', 'last-check', 'policies'] as const;
export type FactField = (typeof FACT_FIELDS)[number];

const DAY_MS = 86_400_000;

export function fleetFacts(read: FleetRead | null, now: Date): FleetFacts {
  const agent = read?.agent ?? null;
  const open = (read?.findings ?? []).filter((f) => f.state === 'open' || f.state === 'failed');
  const ahead = open
    .map((f) => (f.deadline ? Date.parse(f.deadline) : NaN))
    .filter((ms) => !Number.isNaN(ms) && ms > now.getTime())
    .sort((a, b) => a - b);
  const next = ahead[0];
  const stale = agent ? Boolean(agent.stopped_at) || isStale(agent.heartbeat_at, agent.stale_after_seconds, now) : true;
  const compliance: FleetCompliance = !agent ? 'unknown' : stale ? 'stale' : (agent.compliance as FleetCompliance);
  return {
    compliance,
    lastKnownCompliance: agent?.compliance ?? null,
    reporting: Boolean(agent) && !stale,
    heartbeatAt: agent?.heartbeat_at ?? null,
    lastCheck: agent?.last_pass_at ?? null,
    openFindings: open.length,
    violations: open.filter((f) => f.state === 'failed' || f.due === 1).length,
    nextDeadline: next === undefined ? null : new Date(next).toISOString(),
    daysToDeadline: next === undefined ? null : Math.ceil((next - now.getTime()) / DAY_MS),
    policies: (read?.policies ?? [])
      .filter((p) => p.state !== 'rejected' && p.id !== null)
      .map((p) => `${p.id}@${p.version}`)
      .sort()
      .join(','),
    rejectedPolicies: (read?.policies ?? []).filter((p) => p.state === 'rejected').length,
    agentVersion: agent?.version ?? null,
    tools: [...new Set(open.map((f) => f.tool))].sort().join(','),
  };
}

/** Jamf Pro's Date type: `YYYY-MM-DD hh:mm:ss` (written in UTC). */
export function jamfDate(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

function fieldValue(facts: FleetFacts, field: FactField, date: (iso: string | null) => string): string {
  switch (field) {
    case 'compliance':
      return facts.compliance;
    case 'days-to-deadline':
      return facts.daysToDeadline === null ? '' : String(facts.daysToDeadline);
    case 'last-check':
      return date(facts.lastCheck);
    case 'policies':
      return facts.policies;
  }
}

/** A Jamf Pro extension attribute: the value between `<result>` tags (a blank result when there is none). */
export function jamfResult(facts: FleetFacts, field: FactField): string {
  return `<result>${fieldValue(facts, field, jamfDate)}</result>`;
}

/** An Intune macOS custom attribute: the bare value (dates in ISO 8601). */
export function bareValue(facts: FleetFacts, field: FactField): string {
  return fieldValue(facts, field, (iso) => iso ?? '');
}

/**
 * The Intune custom compliance discovery output: one object whose keys are the `SettingName`s of
 * scripts/integrations/intune/cordon-rules.json. Intune compares Int64 settings, so a missing deadline is -1.
 */
export function intuneSettings(facts: FleetFacts): Record<string, string | number | boolean> {
  return {
    CordonAgentReporting: facts.reporting,
    CordonCompliance: facts.compliance,
    CordonViolations: facts.violations,
    CordonOpenFindings: facts.openFindings,
    CordonDaysToDeadline: facts.daysToDeadline ?? -1,
    CordonLastCheck: facts.lastCheck ?? '',
    CordonPolicies: facts.policies,
  };
}

/** The same facts from a status the daemon answered over its socket (for a user who may not read the state folder). */
export function fleetReadFromStatus(status: Status, staleAfterSeconds: number): FleetRead {
  return {
    agent: {
      host: status.host,
      version: status.agent?.version ?? '',
      compliance: status.compliance,
      heartbeat_at: status.agent?.heartbeatAt ?? status.evaluatedAt,
      last_pass_at: status.agent?.lastPassAt ?? status.evaluatedAt,
      stale_after_seconds: status.agent?.staleAfterSeconds ?? staleAfterSeconds,
    },
    findings: status.findings.map((f) => ({ state: f.state, due: isDueForRemoval(f) ? 1 : 0, deadline: f.deadline ?? null, tool: f.tool })),
    policies: [
      ...status.policies.map((p) => ({ id: p.id, version: p.version, state: p.lastKnownGood ? 'last-known-good' : 'in-force' })),
      ...status.policyErrors.map(() => ({ id: null, version: null, state: 'rejected' })),
    ],
  };
}
