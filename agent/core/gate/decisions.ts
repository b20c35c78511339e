// The start hook's decisions as data: what the daemon writes and the hook reads, with the check a read file must pass.
import { GATE_DECISIONS_FORMAT, type GateDecision, type GateDecisions, type GateSegment } from '../../common/gate.js';

export { GATE_DECISIONS_FORMAT, type GateDecision, type GateDecisions, type GateSegment, type RuleRef } from '../../common/gate.js';

/** The decision that holds for `user` at `now`. */
export function decisionFor(decisions: GateDecisions, user: string | undefined, now: Date): GateDecision {
  const segments = (user !== undefined ? decisions.users[user] : undefined) ?? decisions.everyone;
  let current = segments[0]?.decision ?? { kind: 'allow' };
  for (const s of segments) if (s.from === null || Date.parse(s.from) <= now.getTime()) current = s.decision;
  return current;
}

const DECISION_KINDS = new Set(['allow', 'narrow', 'prevent']);

function isSegmentList(v: unknown): v is GateSegment[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((s: unknown) => {
      if (typeof s !== 'object' || s === null) return false;
      const seg = s as { from?: unknown; decision?: { kind?: unknown; models?: unknown; message?: unknown } };
      if (!(seg.from === null || (typeof seg.from === 'string' && !Number.isNaN(Date.parse(seg.from))))) return false;
      const d = seg.decision;
      if (typeof d !== 'object' || d === null || !DECISION_KINDS.has(d.kind as string)) return false;
      if (d.kind === 'narrow') return Array.isArray(d.models) && d.models.length > 0 && d.models.every((m) => typeof m === 'string');
      if (d.kind === 'prevent') return typeof d.message === 'string' || (typeof d.message === 'object' && d.message !== null);
      return true;
    })
  );
}

/** The decisions in a parsed file, or a plain reason why they cannot be trusted (the hook then falls back). */
export function checkDecisions(value: unknown, tool: string): GateDecisions | string {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const v = value as Partial<GateDecisions>;
  if (v.format !== GATE_DECISIONS_FORMAT) return `format is not ${GATE_DECISIONS_FORMAT}`;
  if (v.tool !== tool) return `written for ${String(v.tool)}, not ${tool}`;
  if (!isSegmentList(v.everyone)) return 'no valid timeline for everyone';
  if (typeof v.users !== 'object' || v.users === null || Array.isArray(v.users)) return 'users is not an object';
  for (const [user, segments] of Object.entries(v.users)) if (!isSegmentList(segments)) return `no valid timeline for ${user}`;
  return v as GateDecisions;
}
