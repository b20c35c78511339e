// Who lives on this machine: home directories to scan, uid-to-name lookups and groups, from /etc/passwd and /etc/group
// on Linux, Directory Services on macOS (darwin/directoryServices.ts), the registry's ProfileList and the local groups on
// Windows (win32/profiles.ts, win32/localGroups.ts, win32/tokenGroups.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Platform } from '../common/model.js';
import { sameUser } from '../core/nameCase.js';
import type { HomeDir, UserDirectory } from '../ports/index.js';
import { readCommand, type ReadCommand } from './commandOutput.js';
import { createDirectoryServices, type DirectoryServices } from './darwin/directoryServices.js';
import { createLocalGroups, groupsOfAccounts } from './win32/localGroups.js';
import { createTokenGroups } from './win32/tokenGroups.js';
import { createProfileReader, type ProfileAccount } from './win32/profiles.js';

export interface PasswdEntry {
  user: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    if (line.startsWith('#') || f.length < 7) return [];
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) return [];
    return [{ user: f[0]!, uid, gid, home: f[5]!, shell: f[6]! }];
  });
}

/** Shells that mean "no login": such accounts (daemons) have no home worth scanning. */
const NO_LOGIN_SHELL = /(nologin|\/false|\/sync|\/shutdown|\/halt)$/;
export interface UserDirectoryOptions {
  /** Configured homes (the agent config's `homes`); default: every user's home on the machine. */
  homes?: string[];
  platform?: Platform;
  /** Where passwd and group live (tests point it at a fixture). */
  etcDir?: string;
  /** Runs dscl, id and reg (tests give recorded outputs where the OS is not this one). */
  run?: ReadCommand;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}

/** The machine's homes are listed again when the folder that holds them changed (a profile was created) or after this. */
const RELIST_MS = 5 * 60_000;

/** `list` again only when `dir` changed or RELIST_MS passed: a new user's home is scanned without a restart. */
function relisted(dir: string, list: () => HomeDir[], now: () => number): () => HomeDir[] {
  let stamp = '';
  let at = -Infinity;
  let homes: HomeDir[] = [];
  return () => {
    const st = fs.statSync(dir, { throwIfNoEntry: false });
    const next = st ? `${st.mtimeMs}` : '';
    if (next !== stamp || now() - at >= RELIST_MS) {
      stamp = next;
      at = now();
      homes = list().filter((h) => isRealDir(h.home));
    }
    return homes;
  };
}

export function createUserDirectory(opts: UserDirectoryOptions = {}): UserDirectory {
  const platform = opts.platform ?? (process.platform as Platform);
  const etcDir = opts.etcDir ?? '/etc';
  const now = opts.now ?? Date.now;
  const run = opts.run ?? readCommand;
  const env = opts.env ?? process.env;
  const configured = opts.homes;
  const base = { hostName: () => os.hostname() };
  switch (platform) {
    case 'linux': {
      const names = createUserNameCache(path.join(etcDir, 'passwd'));
      return {
        ...base,
        homes: () => (configured ? configured.map((h) => configuredHome(h, names)) : linuxHomes(etcDir)),
        userName: names,
        groupsOf: (user) => groupsFromEtc(etcDir, user),
      };
    }
    case 'darwin': {
      const ds = directoryServicesOf(run, now);
      const homes = relisted('/Users', () => ds.homes(), now);
      return {
        ...base,
        homes: () => (configured ? configured.map((h) => configuredHome(h, (uid) => ds.userName(uid))) : homes()),
        userName: (uid) => ds.userName(uid),
        groupsOf: (user) => ds.groupsOf(user),
      };
    }
    case 'win32': {
      const groups = createLocalGroups(run, now);
      const tokenGroups = createTokenGroups(run, now);
      const readProfiles = createProfileReader(run, env);
      let profiles: ProfileAccount[] = [];
      const listed = relisted(
        path.win32.join(env.SystemDrive ?? 'C:', '\\Users'),
        () => (profiles = readProfiles()).map(({ user, home }) => ({ user, home })),
        now,
      );
      return {
        ...base,
        homes: () => (configured ? configured.map((h) => ({ user: path.win32.basename(h), home: h })) : listed()),
        userName: () => undefined,
        groupsOf: (user) => {
          listed();
          const sids = profiles.filter((p) => sameUser('win32', p.user, user)).map((p) => p.sid);
          return groupsOfAccounts(groups(), sids, tokenGroups(profiles.map((p) => p.sid)));
        },
      };
    }
  }
}

/** One Directory Services reader per process on macOS: the process sources and the user directory share its caches. */
let sharedDirectory: DirectoryServices | null = null;
function directoryServicesOf(run: ReadCommand, now: () => number): DirectoryServices {
  if (run !== readCommand) return createDirectoryServices(run, now);
  sharedDirectory ??= createDirectoryServices(readCommand);
  return sharedDirectory;
}

/** uid to user name for the process sources: passwd on Linux, Directory Services on macOS, none on Windows. */
export function createUserNames(platform: Platform = process.platform as Platform): (uid: number) => string | undefined {
  if (platform === 'darwin') {
    const ds = directoryServicesOf(readCommand, Date.now);
    return (uid) => ds.userName(uid);
  }
  return createUserNameCache();
}

/**
 * uid to user name from passwd, read once and again only when the file changed, so a per-process lookup costs a Map hit.
 * On Windows there is no passwd; the lookup answers undefined.
 */
export function createUserNameCache(passwdPath = '/etc/passwd'): (uid: number) => string | undefined {
  let mtime = -1;
  let byUid = new Map<number, string>();
  const refresh = () => {
    try {
      const st = fs.statSync(passwdPath);
      if (st.mtimeMs === mtime) return;
      mtime = st.mtimeMs;
      byUid = new Map(parsePasswd(fs.readFileSync(passwdPath, 'utf8')).map((e) => [e.uid, e.user]));
    } catch {
      byUid = new Map();
    }
  };
  refresh();
  return (uid) => {
    if (!byUid.has(uid)) refresh();
    return byUid.get(uid);
  };
}

function linuxHomes(etcDir: string): HomeDir[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(etcDir, 'passwd'), 'utf8');
  } catch {
    return [];
  }
  const seen = new Set<string>();
  return parsePasswd(text)
    .filter((e) => (e.uid === 0 || e.uid >= 1000) && e.uid !== 65534 && !NO_LOGIN_SHELL.test(e.shell))
    .filter((e) => isRealDir(e.home) && !seen.has(e.home) && seen.add(e.home))
    .map((e) => ({ user: e.user, home: e.home, uid: e.uid }));
}

function configuredHome(home: string, names: (uid: number) => string | undefined): HomeDir {
  try {
    const uid = fs.statSync(home).uid;
    return { user: names(uid) ?? path.basename(home), home, uid };
  } catch {
    return { user: path.basename(home), home };
  }
}

function isRealDir(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

function groupsFromEtc(etcDir: string, user: string): string[] {
  try {
    const entry = parsePasswd(fs.readFileSync(path.join(etcDir, 'passwd'), 'utf8')).find((e) => e.user === user);
    const groups = fs
      .readFileSync(path.join(etcDir, 'group'), 'utf8')
      .split('\n')
      .flatMap((line) => {
        const [name, , gid, members] = line.split(':');
        if (!name || gid === undefined) return [];
        const isMember = (members ?? '').split(',').includes(user) || (entry !== undefined && Number(gid) === entry.gid);
        return isMember ? [name] : [];
      });
    return [...new Set(groups)];
  } catch {
    return [];
  }
}

/** The name of the user this process runs as (the uid as text when the system has no name for it). */
export function currentUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}
