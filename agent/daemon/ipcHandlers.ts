// What each IPC method does: the handler table the IPC server dispatches to (the server itself is only the transport).
import type { AuditLog } from '../adapters/auditLog.js';
import type { RefusedStart } from '../adapters/fleetDb.js';
import type { Quarantine } from '../adapters/quarantine/index.js';
import { CordonError } from '../common/errors.js';
import { DEFAULT_HISTORY, type IpcParams } from '../common/ipc.js';
import type { ExceptionRequest, Finding, Platform, QuarantineItem, Status } from '../common/model.js';
import { sameUser } from '../core/nameCase.js';
import { explainAgent, type ExplainInput } from '../core/explain.js';
import { isActionable, withDecisions } from '../core/status/compliance.js';
import type { AgentState } from './agentState.js';
import { reloadAndPass } from './actors/policyWatcher.js';
import { auditFields } from './enforcer.js';
import type { DaemonHandlers, Peer } from './ipcServer.js';
import type { ExceptionDesk } from './exceptionDesk.js';
import { mayView, statusFor, type StatusPublisher } from './statusPublisher.js';

export interface IpcHandlerDeps {
  state: AgentState;
  publisher: StatusPublisher;
  audit: AuditLog;
  quarantine: Quarantine;
  exceptions: ExceptionDesk;
  explainInput(): ExplainInput;
  /** cordon.db's table of refused starts (the fleet state). */
  refusedStarts: { recordRefusedStart(r: RefusedStart): void };
  now(): Date;
  /** The machine's OS: whose user names compare without case (Windows). */
  platform: Platform;
}

/**
 * Everything read afresh, then a pass: what `scan` (user) and `enforce` (admin) ask for; answered once its quarantines
 * are done. An admin's `enforce` reads the policy folder too, so a policy changed a moment ago applies without waiting
 * for the folder watch.
 */
async function rescanAndPass(state: AgentState, publisher: StatusPublisher, policies = false): Promise<Status> {
  const result = await state.serial(async () => {
    if (policies) await state.reloadPolicies('enforce');
    await state.collector.rescanAll();
    return state.pass();
  });
  return (await result.queued).length > 0 ? publisher.current() : result.status;
}

/** The employee asks to fix their own finding now: its removal runs whatever the phase, in a pass like any other. */
async function remediate(
  { state, audit, platform, publisher }: IpcHandlerDeps,
  { finding: id }: IpcParams<'remediate'>,
  peer: Peer,
): Promise<{ finding: Finding }> {
  if (peer.user === undefined) throw new CordonError('forbidden', 'say hello first: only a known user can fix findings');
  const known = state.finding(id);
  if (!known) throw new CordonError('not-found', `no finding ${id.slice(0, 64)}`);
  const { target: _target, ...rest } = known;
  const shown = withDecisions(rest);
  const own = (known.user !== undefined && sameUser(platform, known.user, peer.user)) || peer.uid === 0 || peer.admin;
  if (!own) throw new CordonError('forbidden', 'this finding belongs to another user');
  if (known.state !== 'open' && known.state !== 'failed') return { finding: shown };
  if (!isActionable(known)) throw new CordonError('forbidden', `Cordon does not edit your settings: ${known.detail}`);
  audit.write({ event: 'remediation-requested', outcome: 'ok', ...auditFields(known), detail: `by ${peer.user}` });
  const result = await state.serial(async () => {
    await state.collector.rescanAll();
    return state.pass({ insist: id });
  });
  const queued = await result.queued;
  const outcome = [...result.outcomes, ...queued].find((o) => o.step.finding.id === id && o.step.action !== 'notify');
  const after = (queued.length > 0 ? publisher.current() : result.status).findings.find((f) => f.id === id);
  if (!outcome && !after) return { finding: withDecisions({ ...rest, state: 'remediated', outcome: 'it was already gone' }) };
  if (!outcome) throw new CordonError('internal', 'nothing could be done');
  if (outcome.state !== 'remediated') throw new CordonError(outcome.step.action === 'kill' ? 'kill-failed' : 'quarantine-failed', outcome.outcome);
  return { finding: after ?? withDecisions({ ...rest, state: 'remediated', outcome: outcome.outcome }) };
}

/** The proved user asks for an exception for a tool, or for the tool of one of their own findings. */
async function requestException({ state, exceptions, platform }: IpcHandlerDeps, p: IpcParams<'request-exception'>, peer: Peer): Promise<ExceptionRequest> {
  const user = peer.user;
  if (user === undefined) throw new CordonError('forbidden', 'say hello first: a request is made in the name of a proved user');
  let tool = p.tool ?? '';
  if (p.finding !== undefined) {
    const known = state.finding(p.finding);
    if (!known) throw new CordonError('not-found', `no finding ${p.finding.slice(0, 64)}`);
    if (known.user === undefined || !sameUser(platform, known.user, user)) throw new CordonError('forbidden', 'this finding belongs to another user');
    tool = known.tool;
  }
  const { catalog, policies } = state.policyState;
  const toolName = catalog.tools.find((t) => t.id === tool)?.name;
  return state.serial(() => {
    const added = exceptions.request(
      { user, tool, ...(toolName ? { toolName } : {}), ...(p.finding ? { finding: p.finding } : {}), reason: p.reason, ...(p.until ? { until: p.until } : {}) },
      { policies, knownTools: catalog.tools.map((t) => t.id), now: state.trustedNow() },
    );
    state.publishExceptions();
    return added;
  });
}

async function restore({ quarantine, audit }: IpcHandlerDeps, params: IpcParams<'restore'>): Promise<QuarantineItem> {
  const item = await quarantine.restore(params.id);
  audit.write({
    event: 'restore',
    outcome: 'ok',
    tool: item.tool,
    path: item.originalPath,
    policy: item.policy,
    rule: item.rule,
    detail: `quarantine item ${params.id} put back`,
  });
  return item;
}

/** One handler per method of the contract (agent/common/ipc.ts): a missing or mistyped one fails the type check. */
export function ipcHandlers(deps: IpcHandlerDeps): DaemonHandlers {
  const { state, publisher, audit } = deps;
  return {
    status: (_params, peer) => publisher.current(peer),
    scan: async (_params, peer) => statusFor(await rescanAndPass(state, publisher), peer, deps.platform),
    enforce: () => rescanAndPass(state, publisher, true),
    subscribe: (_params, peer) => publisher.subscribe(peer),
    unsubscribe: (_params, peer) => publisher.unsubscribe(peer),
    remediate: (params, peer) => remediate(deps, params, peer),
    explain: (params) => explainAgent(deps.explainInput(), params.lang ?? 'en'),
    history: (params, peer) => audit.history(params.limit ?? DEFAULT_HISTORY, undefined, (e) => mayView(peer, e.user, deps.platform)),
    reload: async () => {
      await reloadAndPass(state, 'reload requested');
      return publisher.current();
    },
    restore: (params) => state.quarantineLane.run(null, () => restore(deps, params)),
    'request-exception': (params, peer) => requestException(deps, params, peer),
    'deny-exception': (params) =>
      state.serial(() => {
        const denied = deps.exceptions.deny(params.request, params.reason, deps.now());
        state.publishExceptions();
        return denied;
      }),
    'quarantine-list': () => ({ items: deps.quarantine.list() }),
    gate: (params, peer) => {
      if (peer.user === undefined) throw new CordonError('forbidden', 'say hello first: the decision depends on who is starting the tool');
      return state.startDecision(params.tool, peer.user);
    },
    'start-refused': (p, peer) => {
      if (peer.user === undefined) throw new CordonError('forbidden', 'say hello first: a refused start is recorded with its user');
      const detail = [p.source ? `decided by the ${p.source}` : '', p.detail ?? ''].filter(Boolean).join('; ') || 'refused at start';
      const rule = { ...(p.policy ? { policy: p.policy } : {}), ...(p.rule ? { rule: p.rule } : {}) };
      audit.write({ event: 'refused-start', outcome: p.reason, user: peer.user, tool: p.tool, ...rule, detail });
      deps.refusedStarts.recordRefusedStart({
        time: deps.now().toISOString(),
        tool: p.tool,
        user: peer.user,
        ...(peer.uid !== undefined ? { uid: peer.uid } : {}),
        ...rule,
        reason: p.reason,
        detail,
      });
      return { recorded: true };
    },
  };
}
