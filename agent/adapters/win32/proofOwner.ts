// Who wrote a `hello` proof file on Windows. Node reports every file's owner there as uid 0, so the owner is read from
// the file's security descriptor instead: its owner SID, named by Windows's own account lookup.
import { execFile } from 'node:child_process';
import type { ProvenUser } from '../proofOwner.js';
import { POWERSHELL, encodedCommand } from '../processes/win32/wmi.js';
import { PERSON_SID } from './profiles.js';

/** LocalSystem and the Administrators group: only an elevated process (or the OS) creates a file they own. */
const ADMIN_OWNERS: ReadonlySet<string> = new Set(['S-1-5-18', 'S-1-5-32-544']);

/** A proof file's path is one the daemon built (its proof folder and a 32-hex-digit nonce), so it needs no escaping beyond quotes. */
export function proofOwnerScript(file: string): string {
  return `$ErrorActionPreference = 'Stop'
[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
$sid = (Get-Acl -LiteralPath '${file.replace(/'/g, "''")}').GetOwner([System.Security.Principal.SecurityIdentifier]).Value
$name = ''
try { $name = (New-Object System.Security.Principal.SecurityIdentifier($sid)).Translate([System.Security.Principal.NTAccount]).Value } catch { }
[Console]::Out.WriteLine("$sid\`t$name")`;
}

/**
 * The script's one line (`SID<TAB>DOMAIN\name`) as the user the connection is: a person's account by its name alone
 * (the form findings carry, see profiles.ts), SYSTEM or Administrators as the admin; null for any other owner (a
 * service account, a group, a SID Windows cannot name), which proves no one.
 */
export function parseProofOwner(text: string): ProvenUser | null {
  const [sid = '', account = ''] = text.trim().split('\t');
  if (ADMIN_OWNERS.has(sid)) return { uid: 0, user: 'SYSTEM' };
  const name = account.slice(account.lastIndexOf('\\') + 1);
  return PERSON_SID.test(sid) && name !== '' ? { user: name, sid } : null;
}

/**
 * The first line the service host writes on each relayed connection, `{"peer":{"sid":…,"account":"DOMAIN\\name"}}`
 * (scripts/windows/CordonService.cs, from the pipe client's impersonation token): who the client is, by the same rules
 * as a proof file's owner. Null for anything else.
 */
export function parseRelayHeader(line: string): ProvenUser | null {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return null;
  }
  const peer = typeof doc === 'object' && doc !== null ? (doc as { peer?: unknown }).peer : undefined;
  if (typeof peer !== 'object' || peer === null) return null;
  const { sid, account } = peer as { sid?: unknown; account?: unknown };
  if (typeof sid !== 'string' || typeof account !== 'string' || /[\t\r\n]/.test(sid + account)) return null;
  return parseProofOwner(`${sid}\t${account}`);
}

/** One PowerShell run at a time, however many connections say hello at once: a flood of hellos cannot flood the machine. */
export function windowsProofOwner(run: (script: string) => Promise<string> = runPowerShell): (file: string) => Promise<ProvenUser | null> {
  let queue: Promise<unknown> = Promise.resolve();
  return (file) => {
    const next = queue.then(() => run(proofOwnerScript(file))).then(parseProofOwner);
    queue = next.catch(() => undefined);
    return next;
  };
}

function runPowerShell(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(POWERSHELL, encodedCommand(script), { encoding: 'utf8', timeout: 30_000, windowsHide: true }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}
