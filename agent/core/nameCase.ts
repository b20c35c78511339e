// How each OS compares names, in one place: Linux file systems and accounts are case-sensitive; the default macOS
// volume (APFS, case-insensitive and normalization-insensitive) and Windows's NTFS compare paths without case, and
// Windows and macOS's Directory Services look accounts and groups up without case (ALICE signs in as alice). Every path,
// user or group comparison in matching, protection and who-sees-what goes through here.
import type { Platform } from '../common/model.js';

const PATHS_WITHOUT_CASE: ReadonlySet<Platform> = new Set(['darwin', 'win32']);
const USERS_WITHOUT_CASE: ReadonlySet<Platform> = new Set(['darwin', 'win32']);

/** Linux file names are bytes: two spellings are one file only when they are the same. */
const asIs = (s: string): string => s;
const exact = (s: string): string => s.normalize('NFC');
const folded = (s: string): string => s.normalize('NFC').toLowerCase();

/** Whether two spellings of a path name one file on this OS's default file system. */
export function pathsIgnoreCase(platform: Platform): boolean {
  return PATHS_WITHOUT_CASE.has(platform);
}

/** A path (or path fragment, or segment) in the form two spellings of one file share. */
export function pathKey(platform: Platform): (p: string) => string {
  return pathsIgnoreCase(platform) ? folded : asIs;
}

/** A user name in the form two spellings of one account share. */
export function userKey(platform: Platform): (user: string) => string {
  return USERS_WITHOUT_CASE.has(platform) ? folded : exact;
}

export function sameUser(platform: Platform, a: string, b: string): boolean {
  const key = userKey(platform);
  return key(a) === key(b);
}

/** Groups are accounts too: compared as user names are. */
export const sameGroup = sameUser;

/** Whether `child` is `parent` or lies inside it (either separator), as this OS's file system compares names. */
export function pathWithin(platform: Platform, child: string, parent: string): boolean {
  const key = pathKey(platform);
  const c = key(child.replace(/\\/g, '/').replace(/\/+$/, '') || '/');
  const p = key(parent.replace(/\\/g, '/').replace(/\/+$/, '') || '/');
  return c === p || c.startsWith(p === '/' ? '/' : `${p}/`);
}
