// macOS exec events from the built-in `eslogger exec` (Endpoint Security as JSON lines), parsed into the process model.
import type { ProcessInfo } from '../../../common/model.js';
import type { ProcessEventSource } from '../../../ports/index.js';
import { createHelperEventSource, type HelperRecord } from '../helperEvents.js';

export const ESLOGGER = '/usr/bin/eslogger';
/** eslogger prints nothing until an event; one that was denied (no root, no Full Disk Access) exits within this. */
const ESLOGGER_SETTLE_MS = 1_500;

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/**
 * One eslogger line. The format "is NOT API" (eslogger(1)) and is modelled on `es_message_t` (EndpointSecurity's
 * ESMessage.h): an exec is `event.exec` with `target` (an `es_process_t`: `audit_token.{pid,ruid}`, `ppid`,
 * `executable.path`, `start_time`) and `args`. Fields are looked up by name only, so added fields change nothing;
 * anything else (other events, garbage, a record missing the pid or path) yields null.
 */
export function parseEsloggerLine(line: string, userName?: (uid: number) => string | undefined): HelperRecord | null {
  let msg: Json | undefined;
  try {
    msg = obj(JSON.parse(line));
  } catch {
    return null;
  }
  const exec = obj(obj(msg?.event)?.exec);
  const target = obj(exec?.target);
  const token = obj(target?.audit_token);
  const pid = num(token?.pid);
  const exe = obj(target?.executable)?.path;
  if (pid === undefined || pid === 0 || typeof exe !== 'string' || exe === '') return null;
  const args = Array.isArray(exec?.args) && exec.args.every((a) => typeof a === 'string') ? (exec.args as string[]) : [exe];
  const uid = num(token?.ruid);
  const ppid = num(target?.ppid);
  const user = uid === undefined ? undefined : userName?.(uid);
  const started = typeof target?.start_time === 'string' ? Date.parse(target.start_time) : NaN;
  const proc: ProcessInfo = {
    pid,
    comm: exe.slice(exe.lastIndexOf('/') + 1),
    argv: args,
    exe,
    ...(ppid === undefined ? {} : { ppid }),
    ...(uid === undefined ? {} : { uid }),
    ...(user ? { user } : {}),
    // The same marker as the ps-list source: start time in epoch milliseconds, to the second (what `ps` shows).
    ...(Number.isNaN(started) ? {} : { startTime: String(Math.floor(started / 1000) * 1000) }),
  };
  return { kind: 'exec', proc };
}

export function createEsloggerSource(opts: { userName?: (uid: number) => string | undefined; command?: string } = {}): ProcessEventSource {
  return createHelperEventSource({
    name: 'eslogger',
    command: opts.command ?? ESLOGGER,
    args: ['exec'],
    parse: (line) => parseEsloggerLine(line, opts.userName),
    readyAfterMs: ESLOGGER_SETTLE_MS,
  });
}
