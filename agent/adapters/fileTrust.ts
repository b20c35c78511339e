// Whether a file the agent obeys (config, policy, signature) could have been written by someone else: the file and
// every folder above it, as named and as really resolved, must be owned by root or the agent's own account and
// writable by nobody else. A sticky folder (/tmp) is fine: others cannot replace what they do not own in it. On Windows
// the same question is asked of the owner and DACL (win32/acl.ts).
import fs from 'node:fs';
import path from 'node:path';
import { windowsUntrustedReason } from './win32/acl.js';

/** Accounts whose files the agent trusts: root and the account it runs as. */
function trustedOwners(): ReadonlySet<number> {
  const uid = process.geteuid?.();
  return new Set(uid === undefined ? [0] : [0, uid]);
}

function chainOf(p: string): string[] {
  const out: string[] = [];
  for (let d = path.resolve(p); ; d = path.dirname(d)) {
    out.push(d);
    if (d === path.dirname(d)) return out;
  }
}

function problemWith(entry: string, owners: ReadonlySet<number>, isTarget: boolean): string | null {
  const st = fs.lstatSync(entry, { throwIfNoEntry: false });
  if (!st) return null;
  if (!owners.has(st.uid)) return `${entry} is owned by uid ${st.uid}, not by root or the agent's account`;
  const othersWrite = (st.mode & 0o022) !== 0;
  if (othersWrite && st.isSymbolicLink()) return null;
  const sticky = st.isDirectory() && (st.mode & 0o1000) !== 0;
  if (othersWrite && !(sticky && !isTarget))
    return `${entry} is writable by ${(st.mode & 0o002) !== 0 ? 'every user' : 'its group'} (mode ${(st.mode & 0o7777).toString(8)})`;
  return null;
}

/** Null when `file` is safe to obey; else why not (the first entry found that another user could change). */
export function untrustedReason(file: string): string | null {
  return process.platform === 'win32' ? windowsUntrustedReason(file) : posixUntrustedReason(file);
}

/** The POSIX owners and modes (Windows reads its ACLs instead: win32/acl.ts). */
function posixUntrustedReason(file: string): string | null {
  const owners = trustedOwners();
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return null;
  }
  const named = chainOf(file);
  const resolved = real === path.resolve(file) ? [] : chainOf(real);
  for (const [i, entry] of [...named, ...resolved].entries()) {
    const problem = problemWith(entry, owners, i === 0 || i === named.length);
    if (problem) return problem;
  }
  return null;
}
