// The closed, typed IPC vocabulary shared by the daemon, the CLI and the tray (newline-delimited JSON).
import type { Status } from './model.js';

/** Methods served on the user socket. */
export const USER_METHODS = ['status', 'scan', 'subscribe', 'unsubscribe', 'remediate', 'explain', 'history', 'hello'] as const;
/** Methods served only on the owner-only admin socket (which also serves every user method). */
export const ADMIN_METHODS = ['reload', 'restore', 'quarantine-list', 'enforce'] as const;

export type UserMethod = (typeof USER_METHODS)[number];
export type AdminMethod = (typeof ADMIN_METHODS)[number];
export type Method = UserMethod | AdminMethod;

/** Largest request line the daemon reads; longer lines get an `ipc-too-large` error and the connection is closed. */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** A connection that sends a partial line and nothing else for this long is closed. */
export const REQUEST_IDLE_TIMEOUT_MS = 10_000;

export interface IpcRequest {
  id: number | string;
  method: Method;
  params?: Record<string, unknown>;
}

export interface IpcErrorBody {
  code: string;
  message: string;
}

export type IpcReply =
  | { id: number | string | null; result: unknown }
  | { id: number | string | null; error: IpcErrorBody };

export interface StatusEvent {
  event: 'status';
  result: Status;
}

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
