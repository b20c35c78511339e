// Whether a Windows file the agent obeys could have been written by someone else: its owner and DACL, read as an SDDL
// string from Get-Acl. SDDL names accounts by SID, so the check holds on every display language, and carries the owner
// and the inheritance flag, which icacls's listing does not show.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { POWERSHELL, encodedCommand } from '../processes/win32/wmi.js';

/** Accounts whose files the agent trusts: LocalSystem, the Administrators group and TrustedInstaller. */
const TRUSTED_SIDS: ReadonlyMap<string, string> = new Map([
  ['SY', 'SYSTEM'],
  ['S-1-5-18', 'SYSTEM'],
  ['BA', 'Administrators'],
  ['S-1-5-32-544', 'Administrators'],
  ['S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464', 'TrustedInstaller'],
]);

/** SDDL SID aliases a reader meets on file ACLs (Microsoft Learn, "SID Strings"). */
const SID_NAMES: Readonly<Record<string, string>> = {
  AU: 'Authenticated Users',
  BU: 'Users',
  WD: 'Everyone',
  CO: 'CREATOR OWNER',
  OW: 'OWNER RIGHTS',
  IU: 'INTERACTIVE',
  AN: 'ANONYMOUS LOGON',
  PU: 'Power Users',
  AC: 'ALL APPLICATION PACKAGES',
};

/** File access-right aliases of SDDL rights strings (Microsoft Learn, "ACE Strings"), as access-mask bits. */
const RIGHT_BITS: Readonly<Record<string, number>> = {
  GA: 0x10000000,
  GR: 0x80000000,
  GW: 0x40000000,
  GX: 0x20000000,
  RC: 0x00020000,
  SD: 0x00010000,
  WD: 0x00040000,
  WO: 0x00080000,
  RP: 0x00000010,
  WP: 0x00000020,
  CC: 0x00000001,
  DC: 0x00000002,
  LC: 0x00000004,
  SW: 0x00000008,
  LO: 0x00000080,
  DT: 0x00000040,
  CR: 0x00000100,
  FA: 0x001f01ff,
  FR: 0x00120089,
  FW: 0x00120116,
  FX: 0x001200a0,
};

/** Rights that change what is in a file or folder, or who may: write data/add file, append/add folder, delete child,
 * delete, change the DACL, take ownership, and the generic all and write. */
const WRITE_MASK = 0x2 | 0x4 | 0x40 | 0x10000 | 0x40000 | 0x80000 | 0x10000000 | 0x40000000;
/** Rights that let someone replace an existing entry inside a folder above the file (adding new entries is harmless there,
 * as in a sticky POSIX folder): delete child, delete the folder, change its DACL or owner, generic all. */
const REPLACE_MASK = 0x40 | 0x10000 | 0x40000 | 0x80000 | 0x10000000;

export interface Ace {
  type: string;
  flags: string[];
  mask: number;
  sid: string;
}

export interface SecurityDescriptor {
  owner: string | null;
  /** `P` in the DACL flags: inheritance from the parent is removed. */
  protected: boolean;
  aces: Ace[];
}

/** Two-letter tokens of an SDDL flags or rights string. */
function pairs(s: string): string[] {
  return s.match(/.{1,2}/g) ?? [];
}

function rightsMask(s: string): number {
  if (/^0x[0-9a-f]+$/i.test(s)) return Number.parseInt(s.slice(2), 16);
  return pairs(s).reduce((m, r) => m | (RIGHT_BITS[r] ?? 0), 0);
}

/**
 * Parses the owner and DACL of an SDDL string (`O:owner G:group D:flags(ace)(ace)… S:…`; Microsoft Learn, "Security
 * Descriptor String Format"). Each ACE is `type;flags;rights;object;inherited object;sid`. Null when it is no SDDL.
 */
export function parseSddl(sddl: string): SecurityDescriptor | null {
  const text = sddl.trim();
  const owner = /^O:([^:()]+?)(?=[GDS]:|$)/.exec(text)?.[1] ?? null;
  const dacl = /D:([A-Z]*)((?:\([^)]*\))*)/.exec(text);
  if (owner === null && dacl === null) return null;
  const aces: Ace[] = [];
  for (const m of (dacl?.[2] ?? '').matchAll(/\(([^)]*)\)/g)) {
    const f = (m[1] ?? '').split(';');
    if (f.length < 6) return null;
    aces.push({ type: f[0] ?? '', flags: pairs(f[1] ?? ''), mask: rightsMask(f[2] ?? ''), sid: f[5] ?? '' });
  }
  return { owner, protected: (dacl?.[1] ?? '').includes('P'), aces };
}

function nameOf(sid: string): string {
  return TRUSTED_SIDS.get(sid) ?? SID_NAMES[sid] ?? sid;
}

/**
 * Why the security descriptor lets someone other than SYSTEM, Administrators or TrustedInstaller change `entry`, or null.
 * `strict` for the file and its own folder (any write counts); folders further up may let others add entries, not
 * replace them. An inherit-only ACE does not apply to the entry itself; deny ACEs only take rights away.
 */
export function aclProblem(entry: string, sd: SecurityDescriptor, strict: boolean): string | null {
  if (sd.owner === null || !TRUSTED_SIDS.has(sd.owner))
    return `${entry} is owned by ${sd.owner === null ? 'nobody known' : nameOf(sd.owner)}, not by SYSTEM or Administrators`;
  const mask = strict ? WRITE_MASK : REPLACE_MASK;
  for (const ace of sd.aces) {
    if (ace.type !== 'A' || ace.flags.includes('IO') || TRUSTED_SIDS.has(ace.sid)) continue;
    if ((ace.mask & mask) !== 0) {
      const how = ace.flags.includes('ID') ? ' (inherited from the folder above)' : '';
      return `${entry} can be changed by ${nameOf(ace.sid)}${how}`;
    }
  }
  return null;
}

/** A PowerShell single-quoted string: nothing inside is expanded, a quote is doubled. */
function psQuote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The SDDL of one entry by Get-Acl (no link followed by -LiteralPath's name matching), or null when it does not exist. */
export function readSddl(entry: string): string | null {
  const script = `$ErrorActionPreference = 'Stop'
if (-not (Test-Path -LiteralPath ${psQuote(entry)})) { exit 3 }
[Console]::Out.WriteLine((Get-Acl -LiteralPath ${psQuote(entry)}).Sddl)`;
  try {
    return execFileSync(POWERSHELL, encodedCommand(script), { encoding: 'utf8', timeout: 30_000, windowsHide: true });
  } catch (err) {
    if ((err as { status?: number }).status === 3) return null;
    throw err;
  }
}

/** Folders' ACLs stay read this long: each policy file of a reload asks about the same folders (one PowerShell run each). */
const FOLDER_ACL_TTL_MS = 30_000;
const folderAcls = new Map<string, { at: number; sddl: string | null }>();

/** readSddl for a folder above the file, kept briefly; the file itself is always read afresh. */
function readFolderSddl(entry: string): string | null {
  const key = entry.toLowerCase();
  const hit = folderAcls.get(key);
  if (hit && Date.now() - hit.at < FOLDER_ACL_TTL_MS) return hit.sddl;
  const sddl = readSddl(entry);
  folderAcls.set(key, { at: Date.now(), sddl });
  return sddl;
}

/** The file and every folder above it, the file first. */
function chainOf(file: string): string[] {
  const out: string[] = [];
  for (let d = path.win32.resolve(file); ; d = path.win32.dirname(d)) {
    out.push(d);
    if (d === path.win32.dirname(d)) return out;
  }
}

/**
 * Null when `file` is safe to obey on Windows; else why not. The file and its folder must be owned by SYSTEM,
 * Administrators or TrustedInstaller and writable by no one else (so a folder that still inherits the Users' write of
 * C:\ProgramData is refused); the folders above must let no one else replace them. The volume root is not checked: its
 * owner and its create-folder right for users are the OS's.
 */
export function windowsUntrustedReason(
  file: string,
  read: (entry: string, isFolder: boolean) => string | null = (entry, isFolder) => (isFolder ? readFolderSddl(entry) : readSddl(entry)),
): string | null {
  const chain = chainOf(file).slice(0, -1);
  for (const [i, entry] of chain.entries()) {
    const sddl = read(entry, i > 0);
    if (sddl === null) continue;
    const sd = parseSddl(sddl);
    if (sd === null) return `${entry} has an access list that cannot be read (${sddl.trim().slice(0, 80)})`;
    const problem = aclProblem(entry, sd, i <= 1);
    if (problem) return problem;
  }
  return null;
}
