// The closed, typed IPC vocabulary shared by the daemon, the CLI and the tray: methods, events, errors, limits, sockets.
import { CordonError, type ErrorCode } from './errors.js';
import type { GateDecision } from './gate.js';
import type { ExceptionRequest, Finding, Platform, QuarantineItem, Status } from './model.js';

/** One entry of the action history shown in the tray (from the audit log). */
export interface HistoryEntry {
  time: string;
  event: string;
  tool?: string;
  path?: string;
  pid?: number;
  user?: string;
  policy?: string;
  rule?: string;
  outcome: string;
  detail?: string;
}

/** The languages the transparency declaration is written in. */
export type ExplainLanguage = 'en' | 'zh-CN';

/** The transparency declaration: everything the agent reads, runs, writes and sends. */
export interface Explanation {
  summary: string;
  reads: { what: string; where: string[]; why: string }[];
  runs: { what: string; why: string }[];
  writes: { what: string; where: string; why: string }[];
  sends: { what: string; to: string; why: string }[];
  never: string[];
  /** How it decides when several policies and rules cover one thing (the table evaluation follows). */
  decides: { when: string; then: string; reason: string }[];
  tools: { id: string; name: string; vendor: string; category: string; installLocations: number; configFiles: number; processSignatures: number }[];
}

/** `hello {}`: the daemon's challenge. Write `nonce` into a file named `nonce` in `proofDir`, then send `hello {nonce}`. */
export interface HelloChallenge {
  nonce: string;
  proofDir: string;
  /** Already known on the admin socket (its owner is root). */
  user?: string;
}

/** `hello {nonce}`: the user that owns the proof file; the connection acts for this user from now on. */
export interface HelloIdentity {
  user: string;
  /** Absent on Windows, where accounts have SIDs, not uids. */
  uid?: number;
}

type NoParams = Record<string, never>;

/** `start-refused`: a start hook refused a start (the user comes from the `hello` proof), for the audit log. */
export interface StartRefusedParams {
  tool: string;
  reason: 'policy' | 'no-common-model' | 'unknown-decision';
  policy?: string;
  rule?: string;
  /** Where the decision came from: the decision file or the agent. */
  source?: string;
  detail?: string;
}

/** `request-exception`: the proved user asks for a time-bound exception for a tool (or the tool of one of their findings). */
export interface RequestExceptionParams {
  tool?: string;
  finding?: string;
  reason: string;
  /** The end asked for: an ISO time with its offset, in the future. */
  until?: string;
}

/** Every method: its parameters, its result, and which socket serves it (the admin socket serves every method). */
export interface IpcMethods {
  status: { params: NoParams; result: Status; socket: 'user' };
  /** Detects and evaluates again now, carrying out what is due, and answers the new status. */
  scan: { params: NoParams; result: Status; socket: 'user' };
  /** Pushes each new status as a `status` event until `unsubscribe` or the connection closes. */
  subscribe: { params: NoParams; result: { subscribed: true }; socket: 'user' };
  unsubscribe: { params: NoParams; result: { subscribed: false }; socket: 'user' };
  /** The user asks to remove their own finding now (needs `hello` first). */
  remediate: { params: { finding: string }; result: { finding: Finding }; socket: 'user' };
  /** In English, or in Simplified Chinese with `lang: "zh-CN"`. */
  explain: { params: { lang?: ExplainLanguage }; result: Explanation; socket: 'user' };
  /** Newest first; `limit` 1..1000, 200 when absent. */
  history: { params: { limit?: number }; result: HistoryEntry[]; socket: 'user' };
  hello: { params: { nonce?: string }; result: HelloChallenge | HelloIdentity; socket: 'user' };
  /** A tool's start hook asks for the proved user's decision now (needs `hello` first). */
  gate: { params: { tool: string }; result: GateDecision; socket: 'user' };
  /** A tool's start hook says it refused a start (needs `hello` first); written to the audit log. */
  'start-refused': { params: StartRefusedParams; result: { recorded: true }; socket: 'user' };
  /** The proved user asks for an exception (needs `hello` first); it is pending until a signed exemption grants it. */
  'request-exception': { params: RequestExceptionParams; result: ExceptionRequest; socket: 'user' };
  /** An administrator refuses a pending request. */
  'deny-exception': { params: { request: string; reason?: string }; result: ExceptionRequest; socket: 'admin' };
  reload: { params: NoParams; result: Status; socket: 'admin' };
  restore: { params: { id: string }; result: QuarantineItem; socket: 'admin' };
  'quarantine-list': { params: NoParams; result: { items: QuarantineItem[] }; socket: 'admin' };
  enforce: { params: NoParams; result: Status; socket: 'admin' };
}

export type Method = keyof IpcMethods;
export type IpcParams<M extends Method> = IpcMethods[M]['params'];
export type IpcResult<M extends Method> = IpcMethods[M]['result'];
export type UserMethod = { [M in Method]: IpcMethods[M]['socket'] extends 'user' ? M : never }[Method];
export type AdminMethod = Exclude<Method, UserMethod>;

/** The socket each method is served on; a Record so that a method added to IpcMethods without a socket fails typecheck. */
export const METHOD_SOCKET: { readonly [M in Method]: IpcMethods[M]['socket'] } = {
  status: 'user',
  scan: 'user',
  subscribe: 'user',
  unsubscribe: 'user',
  remediate: 'user',
  explain: 'user',
  history: 'user',
  hello: 'user',
  gate: 'user',
  'start-refused': 'user',
  'request-exception': 'user',
  'deny-exception': 'admin',
  reload: 'admin',
  restore: 'admin',
  'quarantine-list': 'admin',
  enforce: 'admin',
};

export const METHODS = Object.keys(METHOD_SOCKET) as Method[];
/** Methods served on the user socket. */
export const USER_METHODS = METHODS.filter((m): m is UserMethod => METHOD_SOCKET[m] === 'user');
/** Methods served only on the owner-only admin socket (which also serves every user method). */
export const ADMIN_METHODS = METHODS.filter((m): m is AdminMethod => METHOD_SOCKET[m] === 'admin');

export function isMethod(name: string): name is Method {
  return Object.hasOwn(METHOD_SOCKET, name);
}

/** Server-side handlers, one per method: a missing or mistyped one fails typecheck. */
export type IpcHandlers<Peer, M extends Method = Method> = {
  [K in M]: (params: IpcParams<K>, peer: Peer) => IpcResult<K> | Promise<IpcResult<K>>;
};

// --- checking what a client sent -------------------------------------------------------------------

function badParam(message: string): CordonError {
  return new CordonError('ipc-bad-request', message);
}

/** A text parameter of at most `max` characters, or undefined when absent. */
function optionalText(raw: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > max) throw badParam(`params.${key} must be text of at most ${max} characters`);
  return v;
}

function noParams(): NoParams {
  return {};
}

/** Turns a request's `params` (already known to be an object) into the method's typed parameters, or an `ipc-bad-request`. */
export const PARAMS: { readonly [M in Method]: (raw: Record<string, unknown>) => IpcParams<M> } = {
  status: noParams,
  scan: noParams,
  subscribe: noParams,
  unsubscribe: noParams,
  remediate: (raw) => {
    if (typeof raw.finding !== 'string' || raw.finding === '') throw badParam('params.finding must be a finding id');
    return { finding: raw.finding };
  },
  explain: (raw) => {
    if (raw.lang === undefined) return {};
    if (raw.lang !== 'en' && raw.lang !== 'zh-CN') throw badParam('params.lang must be "en" or "zh-CN"');
    return { lang: raw.lang };
  },
  history: (raw) => {
    if (raw.limit === undefined) return {};
    if (typeof raw.limit !== 'number' || !Number.isInteger(raw.limit)) throw badParam('params.limit must be a whole number');
    return { limit: Math.min(Math.max(1, raw.limit), MAX_HISTORY) };
  },
  hello: (raw) => {
    if (raw.nonce === undefined) return {};
    if (typeof raw.nonce !== 'string') throw badParam('params.nonce must be the nonce of a previous hello');
    return { nonce: raw.nonce };
  },
  gate: (raw) => {
    if (typeof raw.tool !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(raw.tool)) throw badParam('params.tool must be a tool id');
    return { tool: raw.tool };
  },
  'start-refused': (raw) => {
    const text = (k: string, max: number): string | undefined => optionalText(raw, k, max);
    const reason = raw.reason;
    if (reason !== 'policy' && reason !== 'no-common-model' && reason !== 'unknown-decision')
      throw badParam('params.reason must be policy, no-common-model or unknown-decision');
    const tool = text('tool', 64);
    if (!tool) throw badParam('params.tool must be a tool id');
    const out: StartRefusedParams = { tool, reason };
    for (const k of ['policy', 'rule', 'source'] as const) {
      const v = text(k, 64);
      if (v !== undefined) out[k] = v;
    }
    const detail = text('detail', 2000);
    if (detail !== undefined) out.detail = detail;
    return out;
  },
  'request-exception': (raw) => {
    const tool = optionalText(raw, 'tool', 64);
    const finding = optionalText(raw, 'finding', 128);
    if ((tool === undefined) === (finding === undefined)) throw badParam('params must name either a tool or a finding');
    const reason = optionalText(raw, 'reason', 4000);
    if (reason === undefined) throw badParam('params.reason must say why the exception is needed');
    const until = optionalText(raw, 'until', 64);
    return { ...(tool !== undefined ? { tool } : {}), ...(finding !== undefined ? { finding } : {}), reason, ...(until !== undefined ? { until } : {}) };
  },
  'deny-exception': (raw) => {
    const request = optionalText(raw, 'request', 64);
    if (!request) throw badParam('params.request must be an exception request id');
    const reason = optionalText(raw, 'reason', 4000);
    return { request, ...(reason !== undefined ? { reason } : {}) };
  },
  reload: noParams,
  restore: (raw) => {
    if (typeof raw.id !== 'string' || raw.id === '') throw badParam('params.id must be a quarantine item id');
    return { id: raw.id };
  },
  'quarantine-list': noParams,
  enforce: noParams,
};

/** History entries answered when `limit` is absent, and the most ever answered. */
export const DEFAULT_HISTORY = 200;
export const MAX_HISTORY = 1000;

// --- messages on the wire ---------------------------------------------------------------------------

/** A request as it travels: `params` are checked by PARAMS on arrival. */
export interface IpcRequest {
  id: number | string;
  method: Method;
  params?: Record<string, unknown>;
}

export interface IpcErrorBody {
  code: IpcErrorCode;
  message: string;
}

export type IpcReply = { id: number | string | null; result: unknown } | { id: number | string | null; error: IpcErrorBody };

/** Pushed to subscribers; carries no id. */
export interface StatusEvent {
  event: 'status';
  result: Status;
}
/** A notification the daemon asks the user's tray to show in the user's own session (a service's own rarely reaches it). */
export interface NotificationEvent {
  event: 'notification';
  result: { title: string; message: string; finding?: string };
}
export type IpcEvent = StatusEvent | NotificationEvent;

/** Codes an error reply may carry; a client reads any other code as `internal`. */
export const IPC_ERROR_CODES = [
  'ipc-bad-request',
  'ipc-too-large',
  'ipc-timeout',
  'ipc-busy',
  'ipc-unknown-method',
  'forbidden',
  'not-found',
  'unsafe-path',
  'kill-failed',
  'quarantine-failed',
  'restore-failed',
  'internal',
] as const satisfies readonly ErrorCode[];
export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];

export function ipcErrorCode(code: unknown): IpcErrorCode {
  return (IPC_ERROR_CODES as readonly unknown[]).includes(code) ? (code as IpcErrorCode) : 'internal';
}

// --- limits -----------------------------------------------------------------------------------------

/** Largest request line the daemon reads; longer lines get an `ipc-too-large` error and the connection is closed. */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** A connection that sends a partial line and nothing else for this long is closed. */
export const REQUEST_IDLE_TIMEOUT_MS = 10_000;
/** Largest reply line a client reads (a status with a big inventory stays far below); longer ones close the connection. */
export const MAX_REPLY_BYTES = 16 * 1024 * 1024;

/** How long a client waits for each reply: a pass or a removal (moving a large install) takes longer than a lookup. */
export const REPLY_TIMEOUT_MS: { readonly [M in Method]: number } = {
  status: 10_000,
  scan: 120_000,
  subscribe: 10_000,
  unsubscribe: 10_000,
  remediate: 600_000,
  explain: 10_000,
  history: 10_000,
  hello: 10_000,
  gate: 10_000,
  'start-refused': 10_000,
  'request-exception': 10_000,
  'deny-exception': 10_000,
  reload: 120_000,
  restore: 600_000,
  'quarantine-list': 10_000,
  enforce: 120_000,
};

// --- where the sockets are --------------------------------------------------------------------------

/** The daemon's user socket when the config names none: a Unix socket on Linux and macOS, a named pipe on Windows. */
export function defaultSocketPath(platform: Platform): string {
  switch (platform) {
    case 'darwin':
      return '/var/run/cordon/cordon.sock';
    case 'win32':
      return '\\\\.\\pipe\\cordon';
    case 'linux':
      return '/run/cordon/cordon.sock';
  }
}

export function isNamedPipe(socketPath: string): boolean {
  return socketPath.startsWith('\\\\.\\pipe\\') || socketPath.startsWith('//./pipe/');
}

/**
 * Windows: the pipe the service host relays the user pipe to. The host owns the user pipe itself (with a security
 * descriptor that lets signed-in users connect but not create instances) and tells the agent who each client is.
 */
export function relaySocketFor(socketPath: string): string {
  return `${socketPath}-relay`;
}

/** The admin socket lies beside the user socket (`cordon.sock` → `cordon-admin.sock`, `\\.\pipe\cordon` → `…\cordon-admin`). */
export function adminSocketFor(socketPath: string): string {
  if (isNamedPipe(socketPath)) return `${socketPath}-admin`;
  const slash = Math.max(socketPath.lastIndexOf('/'), socketPath.lastIndexOf('\\'));
  const dir = socketPath.slice(0, slash + 1);
  const name = socketPath.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '.sock';
  return `${dir}${stem}-admin${ext}`;
}

/** The user socket a tray finds without a config: `CORDON_SOCKET`, else the OS default. */
export function userSocketFromEnv(platform: string, env: Record<string, string | undefined>): string {
  if (env.CORDON_SOCKET) return env.CORDON_SOCKET;
  return defaultSocketPath(platform === 'darwin' || platform === 'win32' ? platform : 'linux');
}
