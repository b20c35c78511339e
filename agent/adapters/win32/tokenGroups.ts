// Active Directory group memberships of domain accounts for group exemptions: the groups of the token Windows builds
// for the account (System.Security.Principal.WindowsIdentity from its UPN, an S4U logon through LsaLogonUser), which
// hold nested domain groups and the local groups the account is in through them, as whoami /groups shows its owner.
import type { ReadCommand } from '../commandOutput.js';
import { POWERSHELL, encodedCommand } from '../processes/win32/wmi.js';

/** Accounts of a Windows domain (or the machine's own, whose LDAP lookup fails and which the local groups cover). */
const DOMAIN_ACCOUNT_SID = /^S-1-5-21-\d+-\d+-\d+-\d+$/;
const SID = /^S-1-\d+(-\d+)+$/;

/**
 * One JSON array: per account SID, its token's groups (SID and DOMAIN\name, the name empty where it cannot be
 * translated) or the error that kept them from being read (a local account has no directory entry; the domain is out
 * of reach). The UPN comes from the directory by the SID (LDAP://<SID=…>), so only SIDs, checked to be digits, enter the script.
 */
export function tokenGroupsScript(sids: readonly string[]): string {
  const list = sids.filter((s) => DOMAIN_ACCOUNT_SID.test(s)).map((s) => `'${s}'`);
  return `[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
$out = @()
foreach ($s in @(${list.join(',')})) {
  $groups = @()
  $err = ''
  try {
    $upn = [string]([ADSI]"LDAP://<SID=$s>").Properties['userPrincipalName'].Value
    if (-not $upn) { throw 'no userPrincipalName in the directory' }
    $id = New-Object System.Security.Principal.WindowsIdentity($upn)
    foreach ($g in $id.Groups) {
      $n = ''
      try { $n = $g.Translate([System.Security.Principal.NTAccount]).Value } catch { }
      $groups += [pscustomobject]@{ sid = $g.Value; name = $n }
    }
  } catch { $err = $_.Exception.Message }
  $out += [pscustomobject]@{ sid = $s; groups = $groups; error = $err }
}
[Console]::Out.Write((ConvertTo-Json -InputObject @($out) -Depth 4 -Compress))`;
}

/** The script's JSON: account SID to its groups, by DOMAIN\name and by SID; accounts with an error are left out. */
export function parseTokenGroups(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return out;
  }
  for (const r of Array.isArray(raw) ? raw : [raw]) {
    if (typeof r !== 'object' || r === null) continue;
    const { sid, groups, error } = r as Record<string, unknown>;
    if (typeof sid !== 'string' || !DOMAIN_ACCOUNT_SID.test(sid) || (typeof error === 'string' && error !== '')) continue;
    const rows = Array.isArray(groups) ? groups : typeof groups === 'object' && groups !== null ? [groups] : [];
    out.set(
      sid,
      rows.flatMap((g: unknown) => {
        const { sid: gsid, name } = (g ?? {}) as Record<string, unknown>;
        if (typeof gsid !== 'string' || !SID.test(gsid)) return [];
        return typeof name === 'string' && name !== '' ? [name, gsid] : [gsid];
      }),
    );
  }
  return out;
}

/** How long an account's token groups are kept before the directory is asked again. */
const TOKEN_TTL_MS = 5 * 60_000;

/** Token groups of the domain accounts among `sids`, by one PowerShell run for all of them, kept TOKEN_TTL_MS or until the accounts change. */
export function createTokenGroups(run: ReadCommand, now: () => number = Date.now): (sids: readonly string[]) => Map<string, string[]> {
  let at = -Infinity;
  let asked = '';
  let groups = new Map<string, string[]>();
  return (sids) => {
    const domain = sids.filter((s) => DOMAIN_ACCOUNT_SID.test(s));
    if (domain.length === 0) return new Map();
    if (domain.join(',') === asked && now() - at < TOKEN_TTL_MS) return groups;
    asked = domain.join(',');
    at = now();
    const text = run(POWERSHELL, encodedCommand(tokenGroupsScript(domain)));
    if (text !== null) groups = parseTokenGroups(text);
    return groups;
  };
}
