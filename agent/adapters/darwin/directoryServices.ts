// macOS users and groups from Directory Services: real accounts are not in /etc/passwd there (only a few system ones
// are), so the tray's uid 501 must be named "alice" as findings are, and group exemptions need `id -Gn`.
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

/** `id -Gn USER` prints the user's group names separated by spaces (id(1)); a group name holding a space cannot be told apart. */
export function parseIdGroups(text: string): string[] {
  return [
    ...new Set(
      text
        .trim()
        .split(/\s+/)
        .filter((g) => g !== ''),
    ),
  ];
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
      const text = run('/usr/bin/id', ['-Gn', '--', user]);
      const list = text === null ? (cached?.groups ?? []) : parseIdGroups(text);
      groups.set(user, { at: now(), groups: list });
      return list;
    },
  };
}
