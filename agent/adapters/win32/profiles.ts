// Windows users from the registry's ProfileList: a profile folder's name is not its user's name (alice.CORP beside a
// local alice, Entra ID folders, profiles on another drive), so homes come from ProfileImagePath and names from the SID.
import path from 'node:path';
import type { HomeDir } from '../../ports/index.js';
import type { ReadCommand } from '../commandOutput.js';
import { POWERSHELL, encodedCommand } from '../processes/win32/wmi.js';

export const PROFILE_LIST = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList';

export interface Profile {
  sid: string;
  home: string;
}

/** SIDs of people: local and Active Directory accounts (S-1-5-21-…) and Microsoft Entra ID accounts (S-1-12-1-…). */
export const PERSON_SID = /^S-1-(5-21|12-1)(-\d+)+$/;

/** Expands `%NAME%` as Windows does for a REG_EXPAND_SZ value; an unknown name stays as written. */
function expand(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/%([^%]+)%/g, (all, name: string) => {
    const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
    return key !== undefined && env[key] !== undefined ? (env[key] as string) : all;
  });
}

/**
 * `reg query <ProfileList> /s /v ProfileImagePath` output (reg query's layout: a key's full name on its own line, then
 * `    NAME    TYPE    VALUE`): the profiles of people, with their home expanded.
 */
export function parseProfileList(text: string, env: NodeJS.ProcessEnv = process.env): Profile[] {
  const out: Profile[] = [];
  let sid: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (/^HKEY_/i.test(line)) {
      sid = line.slice(line.lastIndexOf('\\') + 1);
      continue;
    }
    const m = /^\s+ProfileImagePath\s+REG_(?:EXPAND_)?SZ\s+(.+)$/i.exec(line);
    if (m && sid !== null && PERSON_SID.test(sid)) out.push({ sid, home: expand(m[1] as string, env) });
  }
  return out;
}

/** One line per SID: the SID, a tab, the account as DOMAIN\name (empty when Windows cannot name it, e.g. offline). */
export function sidNamesScript(sids: readonly string[]): string {
  const list = sids.map((s) => `'${s}'`).join(',');
  return `[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
foreach ($s in @(${list})) {
  $n = ''
  try { $n = (New-Object System.Security.Principal.SecurityIdentifier($s)).Translate([System.Security.Principal.NTAccount]).Value } catch { }
  [Console]::Out.WriteLine("$s\`t$n")
}`;
}

/** The SID-to-name script's output: SID to the user name alone (`CORP\alice` and `AzureAD\AliceSmith` give the part after the backslash). */
export function parseSidNames(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const [sid, account] = line.split('\t');
    if (!sid || !account || !PERSON_SID.test(sid)) continue;
    out.set(sid, account.slice(account.lastIndexOf('\\') + 1));
  }
  return out;
}

/** A person's profile: their home, named as findings name them, and the SID that says which account it is. */
export interface ProfileAccount extends HomeDir {
  sid: string;
}

/** Profiles to homes: the account's name where Windows gives one, else the folder's name. */
export function profileHomes(profiles: readonly Profile[], names: ReadonlyMap<string, string>): ProfileAccount[] {
  return profiles.map((p) => ({ user: names.get(p.sid) ?? path.win32.basename(p.home), home: p.home, sid: p.sid }));
}

/** Reads the profiles and names them (one reg run and, only when the list of SIDs changed, one PowerShell run); the
 * SIDs put into the script are of PERSON_SID's digits only. */
export function createProfileReader(run: ReadCommand, env: NodeJS.ProcessEnv = process.env): () => ProfileAccount[] {
  const reg = `${env.SystemRoot ?? 'C:\\Windows'}\\System32\\reg.exe`;
  let lastSids = '';
  let names = new Map<string, string>();
  return () => {
    const profiles = parseProfileList(run(reg, ['query', PROFILE_LIST, '/s', '/v', 'ProfileImagePath']) ?? '', env);
    const sids = profiles.map((p) => p.sid);
    if (sids.join(',') !== lastSids) {
      lastSids = sids.join(',');
      names = sids.length ? parseSidNames(run(POWERSHELL, encodedCommand(sidNamesScript(sids))) ?? '') : new Map();
    }
    return profileHomes(profiles, names);
  };
}
