// The rows of cordon.db for one status: findings, inventory in the vocabulary of Fleet's ai_tools table, policies, the agent.
import type { InventoryItem, Status } from '../../common/model.js';
import { isDueForRemoval } from '../status/compliance.js';

export interface FindingRow {
  id: string;
  tool: string;
  tool_name: string | null;
  policy: string;
  rule: string;
  kind: string;
  path: string | null;
  pid: number | null;
  username: string | null;
  actions: string;
  /** 1 when kill or quarantine is due (the finding makes the host a violation while open). */
  due: number;
  state: string;
  deadline: string | null;
  deadline_epoch: number | null;
  exempt_until: string | null;
  detail: string;
  outcome: string | null;
}

/** Column names of Fleet's `ai_tools` table where they fit, plus `kind` and `tool` (the catalog id). */
export interface InventoryRow {
  type: string;
  name: string;
  identifier: string;
  category: string;
  location: 'local';
  source: string;
  path: string | null;
  running: number;
  pid: number | null;
  risk_flags: string;
  username: string | null;
  detail: string;
  kind: string;
}

export interface PolicyRow {
  id: string | null;
  version: number | null;
  file: string;
  /** in-force, last-known-good, unsigned (allowUnsigned), or rejected. */
  state: string;
  signed_by: string | null;
  issuer: string | null;
  code: string | null;
  message: string | null;
}

export interface AgentRow {
  host: string;
  version: string;
  pid: number | null;
  process_source: string;
  compliance: string;
  started_at: string;
  last_pass_at: string;
  heartbeat_at: string;
  heartbeat_epoch: number;
  stale_after_seconds: number;
}

/** One employee's exception request, so admins see what is pending across the fleet. */
export interface ExceptionRow {
  id: string;
  username: string;
  tool: string;
  tool_name: string | null;
  /** `policy/rule` pairs the request would lift, comma-separated. */
  rules: string;
  reason: string;
  until: string | null;
  requested_at: string;
  requested_epoch: number | null;
  state: string;
  granted_until: string | null;
  granted_by: string | null;
  decided_at: string | null;
  denial: string | null;
}

export interface FleetSnapshot {
  agent: AgentRow;
  findings: FindingRow[];
  inventory: InventoryRow[];
  policies: PolicyRow[];
  exceptions: ExceptionRow[];
}

/** Fleet's ai_tools `type` for each catalog category (model-config and agent-config have no ai_tools type: Cordon's own). */
const AI_TOOLS_TYPE: Readonly<Record<string, string>> = {
  cli: 'agents',
  sdk: 'agents',
  'ide-extension': 'ide_plugins',
  desktop: 'apps',
  'local-llm': 'apps',
  mcp: 'mcp_server',
  'model-config': 'model_config',
  'agent-config': 'agent_config',
};

/** Fleet's ai_tools `category` buckets (coding-assistant, inference-api-local, mcp-server, ...) for each catalog category. */
const AI_TOOLS_CATEGORY: Readonly<Record<string, string>> = {
  cli: 'coding-assistant',
  'ide-extension': 'coding-assistant',
  desktop: 'ai-desktop-app',
  sdk: 'agent-runtime',
  'local-llm': 'inference-api-local',
  mcp: 'mcp-server',
  'model-config': 'ai-api-config',
  'agent-config': 'agent-config',
};

function epoch(iso: string | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

function inventoryRow(item: InventoryItem): InventoryRow {
  const category = item.category ?? '';
  return {
    type: AI_TOOLS_TYPE[category] ?? 'agents',
    name: item.toolName ?? item.tool,
    identifier: item.tool,
    category: AI_TOOLS_CATEGORY[category] ?? category,
    location: 'local',
    source: item.kind,
    path: item.path ?? null,
    running: item.kind === 'process' ? 1 : 0,
    pid: item.pid ?? null,
    risk_flags: (item.riskFlags ?? []).join(','),
    username: item.user ?? null,
    detail: JSON.stringify({ kind: item.kind, ...(item.detail ? { signal: item.detail } : {}) }),
    kind: item.kind,
  };
}

export function fleetSnapshot(
  status: Status,
  agent: { processSource: string; startedAt: string; heartbeatAt: string; lastPassAt: string; staleAfterSeconds: number },
): FleetSnapshot {
  const policies: PolicyRow[] = [
    ...status.policies.map((p) => ({
      id: p.id,
      version: p.version,
      file: p.file,
      state: p.lastKnownGood ? 'last-known-good' : p.unsigned ? 'unsigned' : 'in-force',
      signed_by: p.signedBy,
      issuer: p.issuer ?? null,
      code: null,
      message: null,
    })),
    ...status.policyErrors.map((e) => ({
      id: null,
      version: null,
      file: e.file,
      state: 'rejected',
      signed_by: null,
      issuer: null,
      code: e.code,
      message: e.message,
    })),
  ];
  return {
    agent: {
      host: status.host,
      version: status.agent?.version ?? '',
      pid: status.agent?.pid ?? null,
      process_source: agent.processSource,
      compliance: status.compliance,
      started_at: agent.startedAt,
      last_pass_at: agent.lastPassAt,
      heartbeat_at: agent.heartbeatAt,
      heartbeat_epoch: epoch(agent.heartbeatAt) ?? 0,
      stale_after_seconds: agent.staleAfterSeconds,
    },
    findings: status.findings.map((f) => ({
      id: f.id,
      tool: f.tool,
      tool_name: f.toolName ?? null,
      policy: f.policy,
      rule: f.rule,
      kind: f.kind,
      path: f.path ?? null,
      pid: f.pid ?? null,
      username: f.user ?? null,
      actions: f.actions.join(','),
      due: isDueForRemoval(f) ? 1 : 0,
      state: f.state,
      deadline: f.deadline ?? null,
      deadline_epoch: epoch(f.deadline),
      exempt_until: f.exemptUntil ?? null,
      detail: f.detail,
      outcome: f.outcome ?? null,
    })),
    inventory: status.inventory.map(inventoryRow),
    policies,
    exceptions: (status.exceptions ?? []).map((r) => ({
      id: r.id,
      username: r.user,
      tool: r.tool,
      tool_name: r.toolName ?? null,
      rules: r.rules.map((x) => `${x.policy}/${x.rule}`).join(','),
      reason: r.reason,
      until: r.until ?? null,
      requested_at: r.requestedAt,
      requested_epoch: epoch(r.requestedAt),
      state: r.state,
      granted_until: r.grantedUntil ?? null,
      granted_by: r.grantedBy ?? null,
      decided_at: r.decidedAt ?? null,
      denial: r.denial ?? null,
    })),
  };
}
