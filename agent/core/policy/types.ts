// The typed shape of a policy once it has passed the schema and the semantic checks (see policies/policy.schema.json).
import type { Action, Alternative, LocalizedText, PolicyExemptionSummary, PolicyRef } from '../../common/model.js';
import type { ToolSignature } from '../catalog/types.js';

export const POLICY_API_VERSION = 'cordon/v1';

export interface Phase {
  /** ISO 8601 time with an offset, exactly as written in the file. */
  from: string;
  actions: Action[];
}

export interface Rule {
  id: string;
  tools: string[];
  /** Sorted strictly by `from`; before the first phase the rule is not active. */
  phases: Phase[];
  /** Overrides the policy's message for findings of this rule. */
  message?: LocalizedText;
  description?: string;
  /** For `narrow`: families, version prefixes or full model ids the tool may use; required when a phase narrows. */
  allowedModels?: string[];
  /** For `prevent`/`narrow`: tool versions older than this exit at start-up (they may not honour the start hook). */
  requiredMinimumVersion?: string;
}

/** An exemption as written in a policy; the status shows exemptions in exactly this shape. */
export type Exemption = PolicyExemptionSummary;

export interface Policy {
  apiVersion: typeof POLICY_API_VERSION;
  id: string;
  version: number;
  issuer: string;
  issuedAt: string;
  expiresAt?: string;
  description?: string;
  message: LocalizedText;
  alternatives?: Alternative[];
  rules: Rule[];
  exemptions?: Exemption[];
  /** Policy-defined tools in the catalog's format, signed together with the policy. */
  catalog?: ToolSignature[];
}

/** A policy in force together with where it came from (file, signer, last-known-good). */
export interface LoadedPolicy {
  policy: Policy;
  ref: PolicyRef;
}
