// The audit log in Elastic Common Schema: each Cordon event kind mapped once to ECS categorization, with Cordon's own fields under `cordon.*`.
import type { AuditEvent, AuditRecord } from '../../common/audit.js';
import type { HistoryEntry } from '../../common/ipc.js';

/** The ECS release whose field definitions the lines follow (checked against @elastic/ecs in the tests). */
export const ECS_VERSION = '9.4.0';

interface Categorization {
  kind: 'event' | 'alert';
  category: string[];
  type: string[];
}

/**
 * ECS allows only certain `event.type`s per `event.category` (ecs-using-categorization-fields). A denial is
 * `event.type: denied` (only intrusion_detection, network and api allow it), never an outcome.
 */
const CATEGORIZATION: Readonly<Record<Exclude<AuditEvent, 'detected'>, Categorization>> = {
  'agent-start': { kind: 'event', category: ['process'], type: ['start'] },
  'agent-stop': { kind: 'event', category: ['process'], type: ['end'] },
  'process-source': { kind: 'event', category: ['process'], type: ['change'] },
  resolved: { kind: 'event', category: ['host'], type: ['change'] },
  kill: { kind: 'event', category: ['process'], type: ['end'] },
  quarantine: { kind: 'event', category: ['package', 'file'], type: ['deletion'] },
  uninstall: { kind: 'event', category: ['package'], type: ['deletion'] },
  restore: { kind: 'event', category: ['package', 'file'], type: ['installation', 'creation'] },
  notify: { kind: 'event', category: ['host'], type: ['info'] },
  'remediation-requested': { kind: 'event', category: ['host'], type: ['change'] },
  'exception-requested': { kind: 'event', category: ['configuration'], type: ['creation'] },
  'exception-granted': { kind: 'event', category: ['configuration'], type: ['change'] },
  'exception-denied': { kind: 'event', category: ['configuration'], type: ['info'] },
  'exception-expired': { kind: 'event', category: ['configuration'], type: ['deletion'] },
  'policy-loaded': { kind: 'event', category: ['configuration'], type: ['change'] },
  'policy-rejected': { kind: 'event', category: ['configuration'], type: ['info'] },
  'policy-retired': { kind: 'event', category: ['configuration'], type: ['deletion'] },
  'unsigned-policy': { kind: 'event', category: ['configuration'], type: ['info'] },
  recovery: { kind: 'event', category: ['file'], type: ['change'] },
  report: { kind: 'event', category: ['network'], type: ['info'] },
  'refused-start': { kind: 'alert', category: ['intrusion_detection'], type: ['denied'] },
  suppressed: { kind: 'event', category: ['host'], type: ['info'] },
  'connections-refused': { kind: 'event', category: ['network'], type: ['denied'] },
  'start-hook-installed': { kind: 'event', category: ['configuration'], type: ['creation'] },
  'start-hook-removed': { kind: 'event', category: ['configuration'], type: ['deletion'] },
  error: { kind: 'event', category: ['host'], type: ['info'] },
};

/** A detection is an alert, categorized by what was found. */
const DETECTED: Readonly<Record<string, Categorization>> = {
  process: { kind: 'alert', category: ['process'], type: ['info'] },
  install: { kind: 'alert', category: ['package'], type: ['info'] },
  config: { kind: 'alert', category: ['configuration'], type: ['info'] },
};

function categorize(record: AuditRecord): Categorization {
  if (record.event === 'detected') return DETECTED[record.kind ?? ''] ?? { kind: 'alert', category: ['host'], type: ['info'] };
  return CATEGORIZATION[record.event];
}

/** ECS `event.outcome` is success, failure or unknown; Cordon's own outcome stays in `cordon.outcome`. */
function outcomeOf(record: AuditRecord): 'success' | 'failure' | 'unknown' {
  if (record.event === 'error' || record.event === 'policy-rejected' || record.outcome === 'failed') return 'failure';
  if (record.outcome === 'ok') return 'success';
  return 'unknown';
}

export function toEcs(record: AuditRecord, time: Date, host: string, agentVersion: string): Record<string, unknown> {
  const c = categorize(record);
  const out: Record<string, unknown> = {
    '@timestamp': time.toISOString(),
    ecs: { version: ECS_VERSION },
    event: {
      kind: c.kind,
      category: c.category,
      type: c.type,
      action: `cordon-${record.event}`,
      outcome: outcomeOf(record),
      module: 'cordon',
      dataset: 'cordon.audit',
    },
    host: { name: host, hostname: host },
    agent: { name: 'cordon', type: 'cordon', version: agentVersion },
  };
  if (record.detail !== undefined) out.message = record.detail;
  if (record.user !== undefined) out.user = { name: record.user };
  if (record.kind === 'process') {
    out.process = { ...(record.pid !== undefined ? { pid: record.pid } : {}), ...(record.path !== undefined ? { executable: record.path } : {}) };
  } else if (record.path !== undefined) {
    out.file = { path: record.path };
    if (record.pid !== undefined) out.process = { pid: record.pid };
  }
  if (record.rule !== undefined || record.policy !== undefined) {
    out.rule = {
      ...(record.rule !== undefined ? { id: record.policy ? `${record.policy}/${record.rule}` : record.rule, name: record.rule } : {}),
      ...(record.policy !== undefined ? { ruleset: record.policy } : {}),
    };
  }
  out.cordon = {
    event: record.event,
    outcome: record.outcome,
    ...(record.tool !== undefined ? { tool: record.tool } : {}),
    ...(record.kind !== undefined ? { kind: record.kind } : {}),
    ...(record.finding !== undefined ? { finding: record.finding } : {}),
    ...(record.policy !== undefined ? { policy: record.policy } : {}),
    ...(record.rule !== undefined ? { rule: record.rule } : {}),
  };
  return out;
}

/** Reads a line back for the tray's history, whichever format wrote it; null when it is neither. */
export function historyEntryOf(line: Record<string, unknown>): HistoryEntry | null {
  const cordon = line.cordon as Record<string, unknown> | undefined;
  if (!cordon) return typeof line.event === 'string' && typeof line.time === 'string' ? (line as unknown as HistoryEntry) : null;
  const proc = line.process as { pid?: number; executable?: string } | undefined;
  const file = line.file as { path?: string } | undefined;
  const path = proc?.executable ?? file?.path;
  const user = (line.user as { name?: string } | undefined)?.name;
  return {
    time: String(line['@timestamp']),
    event: String(cordon.event),
    outcome: String(cordon.outcome),
    ...(typeof cordon.tool === 'string' ? { tool: cordon.tool } : {}),
    ...(path !== undefined ? { path } : {}),
    ...(proc?.pid !== undefined ? { pid: proc.pid } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(typeof cordon.policy === 'string' ? { policy: cordon.policy } : {}),
    ...(typeof cordon.rule === 'string' ? { rule: cordon.rule } : {}),
    ...(typeof line.message === 'string' ? { detail: line.message } : {}),
  };
}
