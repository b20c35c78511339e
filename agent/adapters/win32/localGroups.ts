// Windows group memberships for group exemptions: a service running as SYSTEM cannot ask `whoami /groups` about
// another user, so it lists the machine's local groups and their members' SIDs and looks the user's SID up there.
import type { ReadCommand } from '../commandOutput.js';
import { POWERSHELL, encodedCommand } from '../processes/win32/wmi.js';

export interface LocalGroup {
  name: string;
  sid: string;
  /** Members' SIDs (users and groups, local or of a domain), as the group lists them: nested groups are not expanded. */
  members: string[];
}

/**
 * One JSON array of the local groups: name, SID, members' SIDs and the error that kept a group's members from being read.
 * Members come from the WinNT ADSI provider with their objectSid bytes, not from Get-LocalGroupMember, which throws
 * for the whole group (Administrators included) when one member's SID cannot be resolved (an orphaned or Entra ID
 * member, a domain controller out of reach), and SIDs need no name lookup at all.
 */
export const LOCAL_GROUPS_SCRIPT = `[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
$out = @()
foreach ($g in @(([ADSI]'WinNT://.').Children | Where-Object { $_.SchemaClassName -eq 'Group' })) {
  $members = @()
  $err = ''
  try {
    foreach ($m in @($g.psbase.Invoke('Members'))) {
      $bytes = [byte[]]$m.GetType().InvokeMember('objectSid', 'GetProperty', $null, $m, $null)
      if ($bytes) { $members += (New-Object System.Security.Principal.SecurityIdentifier($bytes, 0)).Value }
    }
  } catch { $err = $_.Exception.Message }
  $sid = (New-Object System.Security.Principal.SecurityIdentifier([byte[]]$g.objectSid[0], 0)).Value
  $out += [pscustomobject]@{ name = [string]$g.Name[0]; sid = $sid; members = $members; error = $err }
}
[Console]::Out.Write((ConvertTo-Json -InputObject @($out) -Depth 3 -Compress))`;

const SID = /^S-1-\d+(-\d+)+$/;

/**
 * The script's JSON: the groups whose members were read. A group with an error is left out (its members are unknown,
 * and an exemption must not be granted on a guess). ConvertTo-Json writes a one-element array inside an object as an
 * array, but older PowerShell unrolls some; a lone string is taken as a one-member list.
 */
export function parseLocalGroups(text: string): LocalGroup[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return [];
  }
  const rows = Array.isArray(raw) ? raw : [raw];
  return rows.flatMap((r: unknown) => {
    if (typeof r !== 'object' || r === null) return [];
    const { name, sid, members, error } = r as Record<string, unknown>;
    if (typeof name !== 'string' || typeof sid !== 'string' || !SID.test(sid) || (typeof error === 'string' && error !== '')) return [];
    const list = (Array.isArray(members) ? members : typeof members === 'string' ? [members] : []).filter(
      (m): m is string => typeof m === 'string' && SID.test(m),
    );
    return [{ name, sid, members: list }];
  });
}

/**
 * The groups every one of `sids` is in, by name and by SID (a policy may name `S-1-5-32-544` to mean Administrators in
 * any display language): the local groups it is a direct member of, and for a domain account its token's groups
 * (`tokenGroups`, nested and domain groups). Two accounts may share a short name (a local alice and CORP\alice): a
 * group counts only when all of them are in it, so a name never gains what only one of its accounts holds.
 */
export function groupsOfAccounts(groups: readonly LocalGroup[], sids: readonly string[], tokenGroups: ReadonlyMap<string, string[]> = new Map()): string[] {
  const of = (sid: string): string[] => [...groups.filter((g) => g.members.includes(sid)).flatMap((g) => [g.name, g.sid]), ...(tokenGroups.get(sid) ?? [])];
  const [first, ...rest] = sids.map(of);
  if (!first) return [];
  return [...new Set(first.filter((g) => rest.every((other) => other.includes(g))))];
}

/** How long the listing of local groups is kept before PowerShell is asked again (a change applies within this). */
const GROUPS_TTL_MS = 5 * 60_000;

/** The machine's local groups, listed by one PowerShell run and kept GROUPS_TTL_MS; a failed run keeps the last listing. */
export function createLocalGroups(run: ReadCommand, now: () => number = Date.now): () => LocalGroup[] {
  let at = -Infinity;
  let groups: LocalGroup[] = [];
  return () => {
    if (now() - at < GROUPS_TTL_MS) return groups;
    at = now();
    const text = run(POWERSHELL, encodedCommand(LOCAL_GROUPS_SCRIPT));
    if (text !== null) groups = parseLocalGroups(text);
    return groups;
  };
}
