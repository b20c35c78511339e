// <stateDir>/exception-requests.json: the employees' exception requests, kept by the daemon only (root-owned, 0600).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ExceptionRequest } from '../common/model.js';
import { replaceFile } from './stateFiles.js';

export const EXCEPTION_REQUESTS_FILE = 'exception-requests.json';

export function exceptionRequestsFile(stateDir: string): string {
  return path.join(stateDir, EXCEPTION_REQUESTS_FILE);
}

/** A fresh request id (`req-` and 12 hex digits). */
export function newRequestId(): string {
  return `req-${crypto.randomBytes(6).toString('hex')}`;
}

function isRequest(v: unknown): v is ExceptionRequest {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.id === 'string' && typeof r.user === 'string' && typeof r.tool === 'string' && typeof r.reason === 'string' && typeof r.state === 'string';
}

/** The stored requests; none when there is no file. A damaged file throws (the caller says so and starts afresh). */
export function readExceptionRequests(stateDir: string): ExceptionRequest[] {
  let text: string;
  try {
    text = fs.readFileSync(exceptionRequestsFile(stateDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const parsed = JSON.parse(text) as { requests?: unknown };
  if (!Array.isArray(parsed.requests) || !parsed.requests.every(isRequest)) throw new Error(`${exceptionRequestsFile(stateDir)} is not a list of requests`);
  return parsed.requests;
}

export function writeExceptionRequests(stateDir: string, requests: readonly ExceptionRequest[]): void {
  replaceFile(exceptionRequestsFile(stateDir), `${JSON.stringify({ requests }, null, 1)}\n`, 0o600);
}
