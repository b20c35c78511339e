// macOS users and groups from Directory Services: real accounts are not in /etc/passwd there (only a few system ones
// are), so the tray's uid 501 must be named "alice" as findings are, and group exemptions need the user's groups from
// `id -G` (numbers) named through Directory Services: `id -Gn` separates names by spaces, and AD groups hold spaces.
import type { HomeDir } from '../../ports/index.js';
import type { ReadCommand } from '../commandOutput.js';

/** Regular accounts start at 501 (System Settings creates them from there); lower ids are macOS's own. */
const FIRST_PERSON_UID = 501;

/**
 * `dscl . -list /Users KEY` prints one record a line: the record name, spaces, the key's value (dscl(1)). Short names
 * hold no spaces, so the value is everything after the first run of spaces (a home may hold spaces).
 */
export function parseDsclList(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(.*\S)\s*$/.exec(line);
    if (m) out.set(m[1] as string, m[2] as string);
  }
  return out;
}

/** `id -G USER` prints the user's group ids separated by spaces (id(1)): numbers, so nothing in a name can split one. */
export function parseIdGids(text: string): number[] {
  const gids = text
    .trim()
    .split(/\s+/)
    .filter((g) => /^-?\d+$/.test(g))
    .map(Number);
  return [...new Set(gids)];
}

/**
 * `dscl . -list /Groups PrimaryGroupID`: the record name, spaces, the gid (dscl(1)). The gid is the last field and a
 * number, so it is taken from the end: a group name holding spaces ("domain users") stays whole.
 */
export function parseDsclGids(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^(.*\S)\s+(-?\d+)\s*$/.exec(line);
    if (m && !out.has(Number(m[2]))) out.set(Number(m[2]), m[1] as string);
  }
  return out;
}

/** `dscacheutil -q group -a gid N` prints one `key: value` line per attribute (dscacheutil(1)); the name is the `name:` line's whole value. */
export function parseDscacheutilGroupName(text: string): string | undefined {
  const m = /^name: (.*\S)\s*$/m.exec(text);
  return m?.[1];
}

/** Accounts of people: uid 501 and up, not a `_` service account, with a home outside /var/empty. */
export function directoryHomes(uids: Map<string, string>, homes: Map<string, string>): HomeDir[] {
  const out: HomeDir[] = [];
  for (const [user, uidText] of uids) {
    const uid = Number(uidText);
    const home = homes.get(user);
    if (!Number.isInteger(uid) || uid < FIRST_PERSON_UID || user.startsWith('_') || !home || !home.startsWith('/') || home === '/var/empty') continue;
    out.push({ user, home, uid });
  }
  return out;
}

export interface DirectoryServices {
  homes(): HomeDir[];
  userName(uid: number): string | undefined;
  groupsOf(user: string): string[];
}

/** How long a user's groups are kept before `id` is asked again (group exemptions follow a change within this). */
const GROUPS_TTL_MS = 5 * 60_000;
/** A uid unknown to Directory Services is asked about again no sooner than this (every process of a daemon would). */
const MISS_RETRY_MS = 60_000;

export function createDirectoryServices(run: ReadCommand, now: () => number = Date.now): DirectoryServices {
  let byUid = new Map<number, string>();
  let listedAt = -Infinity;
  const groups = new Map<string, { at: number; groups: string[] }>();
  const listUids = (): Map<string, string> => {
    const uids = parseDsclList(run('/usr/bin/dscl', ['.', '-list', '/Users', 'UniqueID']) ?? '');
    byUid = new Map([...uids].map(([name, id]) => [Number(id), name]));
    listedAt = now();
    return uids;
  };
  /** Local groups from one dscl listing; a gid the local node does not hold (an Active Directory group) through the search policy. */
  const groupNames = (gids: number[]): string[] => {
    const local = parseDsclGids(run('/usr/bin/dscl', ['.', '-list', '/Groups', 'PrimaryGroupID']) ?? '');
    return gids.flatMap((gid) => {
      const name = local.get(gid) ?? parseDscacheutilGroupName(run('/usr/bin/dscacheutil', ['-q', 'group', '-a', 'gid', String(gid)]) ?? '');
      return name === undefined ? [] : [name];
    });
  };
  return {
    homes() {
      const uids = listUids();
      return directoryHomes(uids, parseDsclList(run('/usr/bin/dscl', ['.', '-list', '/Users', 'NFSHomeDirectory']) ?? ''));
    },
    userName(uid) {
      if (!byUid.has(uid) && now() - listedAt >= MISS_RETRY_MS) listUids();
      return byUid.get(uid);
    },
    groupsOf(user) {
      const cached = groups.get(user);
      if (cached && now() - cached.at < GROUPS_TTL_MS) return cached.groups;
      const text = run('/usr/bin/id', ['-G', '--', user]);
      const list = text === null ? (cached?.groups ?? []) : [...new Set(groupNames(parseIdGids(text)))];
      groups.set(user, { at: now(), groups: list });
      return list;
    },
  };
}
