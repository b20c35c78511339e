// A start hook's decision as data, shared by the daemon (which decides and writes it) and the hook (which reads or asks for it).
import type { Alternative, LocalizedText } from './model.js';

export interface RuleRef {
  policy: string;
  rule: string;
}

/** What the start hook answers for one user at one moment. */
export type GateDecision =
  | { kind: 'allow' }
  | {
      kind: 'narrow';
      models: string[];
      rules: RuleRef[];
      requiredMinimumVersion?: string;
    }
  | {
      kind: 'prevent';
      policy: string;
      rule: string;
      issuer: string;
      /** The phase start (deadline) from which this start is refused. */
      since: string;
      message: LocalizedText;
      alternatives: Alternative[];
      /** Set when the refusal comes from narrowing rules that together allow no model at all. */
      noCommonModel?: RuleRef[];
    };

/** From `from` on (until the next segment), this decision holds; the first segment has no start. */
export interface GateSegment {
  from: string | null;
  decision: GateDecision;
}

/** The root-written decision file the start hook reads: a timeline per user, so it stays right across deadlines. */
export interface GateDecisions {
  format: typeof GATE_DECISIONS_FORMAT;
  tool: string;
  host: string;
  /** The timeline of any user not listed in `users`. */
  everyone: GateSegment[];
  /** Users whose timeline differs from everyone's (exemptions by user or group). */
  users: Record<string, GateSegment[]>;
}

export const GATE_DECISIONS_FORMAT = 'cordon-gate/v1';
