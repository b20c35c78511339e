// Exception requests decided in one place: what a valid new request is, who sees which, and what state each is in.
// A request never weakens enforcement on its own: only a signed exemption naming it (cordon policy exempt) grants it.
import { CordonError } from '../../common/errors.js';
import { didYouMean } from '../../common/didYouMean.js';
import type { ExceptionRequest, ExceptionRequestState, Platform } from '../../common/model.js';
import { sameUser } from '../nameCase.js';
import { exemptionsOf, policyInForce } from '../policy/evaluate.js';
import type { Exemption, LoadedPolicy } from '../policy/types.js';

/** A reason is a few sentences, not a document. */
export const MAX_REASON_CHARS = 500;
/** Open requests one user may have at once. */
export const MAX_PENDING_PER_USER = 5;
/** Requests one user may make in a day (decided ones included), so nobody can fill the store or the admins' list. */
export const MAX_REQUESTS_PER_USER_PER_DAY = 10;
/** Requests kept in all; beyond this the oldest decided ones go first. */
export const MAX_KEPT_REQUESTS = 500;
/** The longest exception an employee may ask for. */
export const MAX_REQUEST_DAYS = 366;

const DAY_MS = 24 * 60 * 60 * 1000;
export const REQUEST_ID = /^req-[0-9a-f]{8,32}$/;

/** Who is looking: an admin (admin socket or root) sees every request, a proved user their own, anyone else none. */
export interface Viewer {
  admin: boolean;
  user?: string;
}

/** A user's own requests, however the OS lets their name be spelled (ALICE is alice on Windows and macOS). */
export function requestsVisibleTo(requests: readonly ExceptionRequest[], viewer: Viewer, platform: Platform): ExceptionRequest[] {
  if (viewer.admin) return [...requests];
  const user = viewer.user;
  return user === undefined ? [] : requests.filter((r) => sameUser(platform, r.user, user));
}

function bad(message: string, fix?: string): CordonError {
  return new CordonError('ipc-bad-request', message, fix ? { fix } : {});
}

/** The reason as it will be stored: trimmed, one to MAX_REASON_CHARS characters, no control characters. */
export function checkReason(raw: string): string {
  const reason = raw.normalize('NFC').trim();
  if (reason === '') throw bad('the reason is empty', 'say in a sentence why you need the tool');
  if (reason.length > MAX_REASON_CHARS) throw bad(`the reason is ${reason.length} characters long; at most ${MAX_REASON_CHARS} are kept`, 'shorten it');
  const control = [...reason].some((c) => {
    const code = c.codePointAt(0) ?? 0;
    return (code < 0x20 && c !== '\n' && c !== '\t') || code === 0x7f;
  });
  if (control) throw bad('the reason holds control characters', 'write plain text');
  return reason;
}

/** An end date in the future and not further than MAX_REQUEST_DAYS away (an ISO time with its offset). */
export function checkUntil(until: string, now: Date, maxDays = MAX_REQUEST_DAYS): string {
  const at = Date.parse(until);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(until) || Number.isNaN(at)) {
    throw bad(`"${until.slice(0, 64)}" is not a date and time with its offset`, 'write it like 2026-12-31T18:00:00+08:00');
  }
  if (at <= now.getTime()) throw bad(`${until} is already past`, 'choose a later date');
  if (at - now.getTime() > maxDays * DAY_MS) throw bad(`${until} is more than ${maxDays} days away`, 'ask for a shorter exception');
  return until;
}

/** The rules of the policies in force that cover `tool` (started or not yet), which an exemption would lift. */
export function rulesCovering(tool: string, policies: readonly LoadedPolicy[], now: Date): { policy: string; rule: string }[] {
  const at = now.getTime();
  return policies
    .filter((p) => policyInForce(p.policy, at))
    .flatMap((p) => p.policy.rules.filter((r) => r.tools.includes(tool)).map((r) => ({ policy: p.policy.id, rule: r.id })));
}

/** What a new request is made of; the rest the agent decides. */
export type NewRequest = Pick<ExceptionRequest, 'id' | 'user' | 'host' | 'tool' | 'toolName' | 'finding' | 'reason' | 'until'>;

/** A new pending request, or a clear refusal: unknown tool, nothing to exempt, limits, one open request per tool. */
export function newRequest(
  input: NewRequest,
  existing: readonly ExceptionRequest[],
  ctx: { policies: readonly LoadedPolicy[]; knownTools: readonly string[]; now: Date },
): ExceptionRequest {
  if (!ctx.knownTools.includes(input.tool))
    throw bad(`unknown tool "${input.tool}"${didYouMean(input.tool, ctx.knownTools)}`, 'use a tool id from `cordon catalog`');
  const rules = rulesCovering(input.tool, ctx.policies, ctx.now);
  if (rules.length === 0) throw bad(`no policy in force restricts ${input.toolName ?? input.tool}: there is nothing to ask an exception for`);
  const reason = checkReason(input.reason);
  const until = input.until === undefined ? undefined : checkUntil(input.until, ctx.now);
  const own = existing.filter((r) => r.user === input.user);
  const open = own.find((r) => r.tool === input.tool && r.state === 'pending');
  if (open) throw new CordonError('forbidden', `you already asked for an exception for ${input.toolName ?? input.tool} (${open.id}); it is pending`);
  if (own.filter((r) => r.state === 'pending').length >= MAX_PENDING_PER_USER) {
    throw new CordonError('forbidden', `you have ${MAX_PENDING_PER_USER} pending requests; wait until an administrator decides on them`);
  }
  const since = ctx.now.getTime() - DAY_MS;
  if (own.filter((r) => Date.parse(r.requestedAt) > since).length >= MAX_REQUESTS_PER_USER_PER_DAY) {
    throw new CordonError('forbidden', `you made ${MAX_REQUESTS_PER_USER_PER_DAY} requests in the last 24 hours; try again tomorrow`);
  }
  return {
    id: input.id,
    user: input.user,
    host: input.host,
    tool: input.tool,
    ...(input.toolName ? { toolName: input.toolName } : {}),
    ...(input.finding ? { finding: input.finding } : {}),
    rules,
    reason,
    ...(until ? { until } : {}),
    requestedAt: ctx.now.toISOString(),
    state: 'pending',
  };
}

/** Adds a request, dropping the oldest decided ones when the store is full (pending ones are never dropped). */
export function withRequest(requests: readonly ExceptionRequest[], added: ExceptionRequest): ExceptionRequest[] {
  const all = [...requests, added];
  let excess = all.length - MAX_KEPT_REQUESTS;
  return all.filter((r) => !(excess > 0 && r.state !== 'pending' && excess-- > 0));
}

/** An admin refuses a pending request; a granted one is withdrawn by removing its exemption policy instead. */
export function denyRequest(requests: readonly ExceptionRequest[], id: string, denial: string | undefined, now: Date): ExceptionRequest[] {
  const found = requests.find((r) => r.id === id);
  if (!found) throw new CordonError('not-found', `no exception request ${id.slice(0, 64)}`, { fix: 'see the ids with `cordon exception list`' });
  if (found.state !== 'pending') {
    throw new CordonError('forbidden', `request ${id} is ${found.state}, not pending`, {
      ...(found.grantedBy ? { fix: `to withdraw it, remove the exemption policy ${found.grantedBy} from the policy folder` } : {}),
    });
  }
  const decided: ExceptionRequest = { ...found, state: 'denied', decidedAt: now.toISOString(), ...(denial ? { denial: checkReason(denial) } : {}) };
  return requests.map((r) => (r.id === id ? decided : r));
}

/** The longest exemption in force that names this request for its user, with the exemption policy that carries it. */
function grantOf(request: ExceptionRequest, policies: readonly LoadedPolicy[], at: number): { exemption: Exemption; by: string } | null {
  let best: { exemption: Exemption; by: string } | null = null;
  for (const loaded of policies) {
    if (!policyInForce(loaded.policy, at)) continue;
    for (const ex of loaded.policy.exemptions ?? []) {
      if (ex.request !== request.id || !(ex.users ?? []).includes(request.user)) continue;
      const target = ex.policy ?? loaded.policy.id;
      const lifted = policies.find((p) => p.policy.id === target);
      // Granted only if the exemption really reaches the policy it names (that policy accepts it as one of its exemptions).
      if (lifted && !exemptionsOf(lifted.policy, policies, at).includes(ex)) continue;
      if (!best || Date.parse(ex.until) > Date.parse(best.exemption.until)) best = { exemption: ex, by: loaded.policy.id };
    }
  }
  return best;
}

export interface RequestChange {
  request: ExceptionRequest;
  from: ExceptionRequestState;
}

/**
 * Each request's state as the policies in force say now: granted while an exemption naming it lasts, expired after;
 * a denied request stays denied. Returns the requests and those whose state changed (for the audit log).
 */
export function settleRequests(
  requests: readonly ExceptionRequest[],
  policies: readonly LoadedPolicy[],
  now: Date,
): { requests: ExceptionRequest[]; changes: RequestChange[] } {
  const at = now.getTime();
  const changes: RequestChange[] = [];
  const settled = requests.map((r) => {
    if (r.state === 'denied') return r;
    const grant = grantOf(r, policies, at);
    let next: ExceptionRequest;
    if (grant) {
      const state: ExceptionRequestState = Date.parse(grant.exemption.until) > at ? 'granted' : 'expired';
      next = { ...r, state, grantedUntil: grant.exemption.until, grantedBy: grant.by };
    } else if (r.state === 'granted' || r.state === 'expired') {
      // The exemption policy was removed or ran out: the exception is over.
      next = { ...r, state: 'expired' };
    } else next = r;
    if (next.state !== r.state || next.grantedUntil !== r.grantedUntil) changes.push({ request: next, from: r.state });
    return next;
  });
  return { requests: settled, changes };
}
