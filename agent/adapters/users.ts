// Who lives on this machine: home directories to scan, uid-to-name lookups and groups, from /etc/passwd, /Users or C:\Users.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Platform } from '../common/model.js';
import type { HomeDir, UserDirectory } from '../ports/index.js';

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
/** Profile folders of Windows and macOS that belong to no person. */
const NOT_A_PERSON = new Set(['Public', 'Default', 'Default User', 'All Users', 'Shared', 'Guest', 'desktop.ini', '.localized']);

export interface UserDirectoryOptions {
  /** Configured homes (the agent config's `homes`); default: every user's home on the machine. */
  homes?: string[];
  platform?: Platform;
  /** Where passwd and group live (tests point it at a fixture). */
  etcDir?: string;
}

export function createUserDirectory(opts: UserDirectoryOptions = {}): UserDirectory {
  const platform = opts.platform ?? (process.platform as Platform);
  const etcDir = opts.etcDir ?? '/etc';
  const names = createUserNameCache(path.join(etcDir, 'passwd'));
  return {
    homes: () => (opts.homes ? opts.homes.map((h) => configuredHome(h, names)) : machineHomes(platform, etcDir)),
    userName: (uid) => names(uid),
    groupsOf: (user) => (platform === 'win32' ? [] : groupsFromEtc(etcDir, user)),
    hostName: () => os.hostname(),
  };
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

function machineHomes(platform: Platform, etcDir: string): HomeDir[] {
  switch (platform) {
    case 'linux': {
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
    case 'darwin':
      return profileFolders('/Users');
    case 'win32':
      return profileFolders(path.join(process.env['SystemDrive'] ?? 'C:', '\\Users'));
  }
}

function profileFolders(dir: string): HomeDir[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => !NOT_A_PERSON.has(n) && !n.startsWith('.'))
    .map((n) => path.join(dir, n))
    .filter(isRealDir)
    .map((home) => ({ user: path.basename(home), home, uid: fs.lstatSync(home).uid }));
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
