// Users on macOS and Windows from recorded Directory Services and ProfileList outputs, through the real user directory:
// findings and the tray name the same account, group exemptions see macOS groups, and a new user's home is picked up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCommand } from '../../agent/adapters/commandOutput.js';
import { createDirectoryServices, directoryHomes, parseDsclGids, parseDsclList, parseIdGids } from '../../agent/adapters/darwin/directoryServices.js';
import { createUserDirectory } from '../../agent/adapters/users.js';
import type { Platform } from '../../agent/common/model.js';
import { exemptionFor } from '../../agent/core/policy/evaluate.js';
import type { UserDirectory } from '../../agent/ports/index.js';
import { groupsOfAccounts, parseLocalGroups } from '../../agent/adapters/win32/localGroups.js';
import { parseTokenGroups, tokenGroupsScript } from '../../agent/adapters/win32/tokenGroups.js';
import { parseProfileList, parseSidNames, profileHomes, sidNamesScript } from '../../agent/adapters/win32/profiles.js';

const fixtures = path.join(__dirname, '..', 'fixtures', 'platforms');
const ds = JSON.parse(fs.readFileSync(path.join(fixtures, 'darwin-directory-services.json'), 'utf8')) as Record<
  'uniqueId' | 'homeDirectory' | 'idGids' | 'dsclGroups',
  string
> & { dscacheutil: Record<string, string> };
const win = JSON.parse(fs.readFileSync(path.join(fixtures, 'win32-profile-list.json'), 'utf8')) as Record<'regQuery' | 'sidNames', string>;
const winEnv = { SystemDrive: 'C:', SystemRoot: 'C:\\Windows' };

const roots: string[] = [];

/** Whether the policy evaluation exempts a user's finding under an exemption for `group`, with this user directory's groups. */
function exemptedBy(platform: Platform, users: Pick<UserDirectory, 'groupsOf'>, group: string): (user: string) => boolean {
  const exemption = { groups: [group], until: '2099-01-01T00:00:00Z', reason: 'pilot' };
  const ctx = { now: new Date(0), host: 'host-1', groupsOf: (u: string) => users.groupsOf(u), platform };
  return (user) =>
    exemptionFor([exemption], { id: 'r1' } as Parameters<typeof exemptionFor>[1], { user } as Parameters<typeof exemptionFor>[2], ctx, 0) !== null;
}
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

describe('macOS Directory Services', () => {
  it('lists people, not macOS’s own accounts, with homes that hold spaces', () => {
    expect(directoryHomes(parseDsclList(ds.uniqueId), parseDsclList(ds.homeDirectory))).toEqual([
      { user: 'alice', home: '/Users/alice', uid: 501 },
      { user: 'bob', home: '/Users/Bob Smith', uid: 502 },
      { user: 'zoe.muller', home: '/Users/zoe.muller', uid: 1922337615 },
    ]);
  });

  it('names uid 501 "alice", as the findings do, and asks dscl again only after a miss has waited', () => {
    let now = 0;
    const calls: string[] = [];
    const dir = createDirectoryServices(
      (file, args) => {
        calls.push([file, ...args].join(' '));
        return ds.uniqueId;
      },
      () => now,
    );
    expect(dir.userName(501)).toBe('alice');
    expect(dir.userName(-2)).toBe('nobody');
    expect(dir.userName(777)).toBeUndefined();
    expect(dir.userName(778)).toBeUndefined();
    expect(calls).toEqual(['/usr/bin/dscl . -list /Users UniqueID']);
    now = 61_000;
    dir.userName(779);
    expect(calls).toHaveLength(2);
  });

  /** Answers as macOS would: `id -G` for alice, the local groups from dscl, Active Directory groups from dscacheutil. */
  const recordedGroups = (calls: string[] = []) =>
    createDirectoryServices((file, args) => {
      calls.push([file, ...args].join(' '));
      if (file === '/usr/bin/id') return args.at(-1) === 'alice' ? ds.idGids : null;
      if (file === '/usr/bin/dscl' && args.includes('PrimaryGroupID')) return ds.dsclGroups;
      if (file === '/usr/bin/dscacheutil') return ds.dscacheutil[args.at(-1) as string] ?? '';
      return null;
    });

  it('names groups from their ids, so a name with spaces and accents stays one group', () => {
    expect(parseDsclGids(ds.dsclGroups).get(1001)).toBe('Développeurs iOS');
    expect(parseDsclGids(ds.dsclGroups).get(-2)).toBe('nobody');
    const groups = recordedGroups().groupsOf('alice');
    expect(groups).toEqual(expect.arrayContaining(['staff', 'admin', '_developer', 'Développeurs iOS', 'CORP\\domain users', 'CORP\\Équipe Zürich']));
    expect(groups).toHaveLength(18);
    expect(groups).not.toContain('domain');
    expect(groups).not.toContain('users');
  });

  it('asks dscacheutil only for the groups the local node does not hold, and keeps the answer for five minutes', () => {
    const calls: string[] = [];
    const dir = recordedGroups(calls);
    dir.groupsOf('alice');
    dir.groupsOf('alice');
    expect(calls).toEqual([
      '/usr/bin/id -G -- alice',
      '/usr/bin/dscl . -list /Groups PrimaryGroupID',
      '/usr/bin/dscacheutil -q group -a gid 1896053708',
      '/usr/bin/dscacheutil -q group -a gid 1434573214',
    ]);
    expect(dir.groupsOf('mallory')).toEqual([]);
  });

  it('gives a group exemption for "CORP\\domain users" to alice through the real policy evaluation', () => {
    const exempt = exemptedBy('darwin', recordedGroups(), 'CORP\\domain users');
    expect(exempt('alice')).toBe(true);
    expect(exempt('bob')).toBe(false);
  });

  it('reads the real `id -G` the same way (this machine’s id prints the same layout)', () => {
    expect(parseIdGids(readCommand('/usr/bin/id', ['-G', '--', 'root']) ?? '')).toContain(0);
  });

  it('picks up a user who appears, without a restart', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-users-'));
    roots.push(root);
    const at = (text: string) => text.replaceAll('/Users/', `${root}/`);
    for (const h of ['alice', 'Bob Smith']) fs.mkdirSync(path.join(root, h));
    let uniqueId = ds.uniqueId.replace(/^zoe.*\n/m, '');
    let now = 0;
    const users = createUserDirectory({
      platform: 'darwin',
      now: () => now,
      run: (_file, args) => (args.includes('UniqueID') ? uniqueId : args.includes('NFSHomeDirectory') ? at(ds.homeDirectory) : null),
    });
    expect(users.homes().map((h) => h.user)).toEqual(['alice', 'bob']);
    fs.mkdirSync(path.join(root, 'zoe.muller'));
    uniqueId = ds.uniqueId;
    now = 5 * 60_000;
    expect(users.homes().map((h) => h.user)).toEqual(['alice', 'bob', 'zoe.muller']);
  });
});

describe('Windows ProfileList', () => {
  const profiles = parseProfileList(win.regQuery, winEnv);

  it('lists people’s profiles (local, Active Directory, Entra ID), on any drive, not the service accounts', () => {
    expect(profiles).toEqual([
      { sid: 'S-1-5-21-1004336348-1177238915-682003330-1001', home: 'C:\\Users\\alice' },
      { sid: 'S-1-5-21-3623811015-3361044348-30300820-1013', home: 'C:\\Users\\alice.CORP' },
      { sid: 'S-1-12-1-1911152045-1131233339-2612536229-1429398442', home: 'C:\\Users\\ZoeMuller' },
      { sid: 'S-1-5-21-3623811015-3361044348-30300820-1107', home: 'D:\\Profiles\\bob' },
      { sid: 'S-1-5-21-3623811015-3361044348-30300820-1200', home: 'C:\\Users\\carol' },
    ]);
  });

  it('names each home by its account, as Windows names the process owner, not by the folder', () => {
    expect(profileHomes(profiles, parseSidNames(win.sidNames)).map((h) => [h.user, h.home])).toEqual([
      ['alice', 'C:\\Users\\alice'],
      ['alice', 'C:\\Users\\alice.CORP'],
      ['ZoeMüller', 'C:\\Users\\ZoeMuller'],
      ['bob', 'D:\\Profiles\\bob'],
      ['carol', 'C:\\Users\\carol'],
    ]);
  });

  it('puts only SIDs into the naming script', () => {
    expect(sidNamesScript(profiles.map((p) => p.sid))).toContain("@('S-1-5-21-1004336348-1177238915-682003330-1001',");
    expect(parseSidNames("S-1-5-21-1'; Remove-Item C:\\ -Recurse; '\tCORP\\x\r\n").size).toBe(0);
  });

  it('runs reg once a listing and PowerShell only when the profiles changed', () => {
    const calls: string[] = [];
    const users = createUserDirectory({
      platform: 'win32',
      env: winEnv,
      now: () => 0,
      run: (file) => {
        calls.push(path.win32.basename(file));
        return file.endsWith('reg.exe') ? win.regQuery : win.sidNames;
      },
    });
    users.homes();
    expect(calls).toEqual(['reg.exe', 'powershell.exe']);
  });
});

describe('Windows local groups', () => {
  const listing = JSON.parse(fs.readFileSync(path.join(fixtures, 'win32-local-groups.json'), 'utf8')) as { json: string };
  const tokens = JSON.parse(fs.readFileSync(path.join(fixtures, 'win32-token-groups.json'), 'utf8')) as { json: string };
  const script = (args: readonly string[]) => Buffer.from(args.at(-1) ?? '', 'base64').toString('utf16le');
  /** Answers as Windows would: reg for the profiles, then the SID-naming or the local-groups script by what it runs. */
  const windows = (calls: string[] = []) =>
    createUserDirectory({
      platform: 'win32',
      env: winEnv,
      now: () => 0,
      run: (file, args) => {
        if (file.endsWith('reg.exe')) return win.regQuery;
        const text = script(args);
        const kind = text.includes("[ADSI]'WinNT://.'") ? 'groups' : text.includes('WindowsIdentity($upn)') ? 'tokens' : 'names';
        calls.push(kind);
        return kind === 'groups' ? listing.json : kind === 'tokens' ? tokens.json : win.sidNames;
      },
    });

  it('reads every group whose members could be read, by SID, a lone member written as a string included', () => {
    const groups = parseLocalGroups(listing.json);
    expect(groups.map((g) => g.name)).toEqual(['Administrators', 'Guests', 'Remote Desktop Users', 'Users', 'Entwickler Zürich', 'Kiosk']);
    expect(groups.find((g) => g.name === 'Kiosk')?.members).toEqual(['S-1-5-21-3623811015-3361044348-30300820-1107']);
    expect(parseLocalGroups('not json')).toEqual([]);
    expect(parseLocalGroups('[{"name":"x","sid":"S-1-5-32-544; rm","members":[]}]')).toEqual([]);
  });

  it('gives each account the groups its SID is in, by name and SID, whatever the case of the name asked', () => {
    const users = windows();
    expect(users.groupsOf('bob')).toEqual(expect.arrayContaining(['Kiosk', 'S-1-5-21-1004336348-1177238915-682003330-1010']));
    expect(users.groupsOf('BOB')).toEqual(users.groupsOf('bob'));
    expect(users.groupsOf('zoemüller')).toEqual(['Remote Desktop Users', 'S-1-5-32-555']);
    expect(users.groupsOf('mallory')).toEqual([]);
    expect(users.groupsOf('carol')).toEqual([]);
  });

  it('grants a name only what all its accounts share: the local alice is an administrator, CORP\\alice is not', () => {
    const groups = parseLocalGroups(listing.json);
    expect(groupsOfAccounts(groups, ['S-1-5-21-1004336348-1177238915-682003330-1001'])).toContain('Administrators');
    expect(windows().groupsOf('alice')).toEqual(['Entwickler Zürich', 'S-1-5-21-1004336348-1177238915-682003330-1009']);
  });

  it('gives a domain account its token’s groups: domain groups, nested ones and local groups through them', () => {
    const bob = windows().groupsOf('bob');
    expect(bob).toEqual(expect.arrayContaining(['CORP\\Domain Users', 'CORP\\Équipe Pilote', 'BUILTIN\\Users', 'S-1-5-32-545']));
    expect(bob).toContain('S-1-5-21-3623811015-3361044348-30300820-1999');
    expect(bob).not.toContain('');
    expect(exemptedBy('win32', windows(), 'corp\\domain users')('bob')).toBe(true);
    expect(exemptedBy('linux', windows(), 'corp\\domain users')('bob')).toBe(false);
  });

  it('reads no token groups where the directory cannot answer (a local account, a domain out of reach)', () => {
    const tokenGroups = parseTokenGroups(tokens.json);
    expect([...tokenGroups.keys()]).toEqual(['S-1-5-21-3623811015-3361044348-30300820-1013', 'S-1-5-21-3623811015-3361044348-30300820-1107']);
    expect(windows().groupsOf('carol')).toEqual([]);
  });

  it('puts only domain-account SIDs into the token script', () => {
    const text = tokenGroupsScript([
      'S-1-5-21-1-2-3-1107',
      "S-1-5-21-1'; Remove-Item C:\\ -Recurse; '",
      'S-1-12-1-1911152045-1131233339-2612536229-1429398442',
    ]);
    expect(text).toContain("@('S-1-5-21-1-2-3-1107')");
    expect(text).not.toContain('Remove-Item');
    expect(text).not.toContain('S-1-12-1');
  });

  it('never takes a group whose members could not be read', () => {
    expect(windows().groupsOf('bob')).not.toContain('Pilot AI');
  });

  it('lists the groups once for five minutes, however many users are asked about', () => {
    const calls: string[] = [];
    const users = windows(calls);
    users.groupsOf('bob');
    users.groupsOf('alice');
    users.groupsOf('zoemüller');
    expect(calls.filter((c) => c === 'groups')).toHaveLength(1);
    expect(calls.filter((c) => c === 'tokens')).toHaveLength(1);
  });

  it('applies a group exemption through the real policy evaluation', () => {
    const exempt = exemptedBy('win32', windows(), 'Kiosk');
    expect(exempt('bob')).toBe(true);
    expect(exempt('alice')).toBe(false);
  });
});

describe.skipIf(process.platform !== 'darwin')('on a real macOS host', () => {
  it('names this process’s uid and lists its groups through Directory Services', () => {
    const users = createUserDirectory({ platform: 'darwin' });
    expect(users.userName(os.userInfo().uid)).toBe(os.userInfo().username);
    expect(users.groupsOf(os.userInfo().username)).toContain('staff');
  });
});

describe.skipIf(process.platform !== 'win32')('on a real Windows host', () => {
  it('lists the signed-in account’s profile under its own name', () => {
    const homes = createUserDirectory({ platform: 'win32' }).homes();
    expect(homes.find((h) => h.home.toLowerCase() === os.homedir().toLowerCase())?.user.toLowerCase()).toBe(os.userInfo().username.toLowerCase());
  });

  it('finds the signed-in account, an administrator of the hosted runner, in Administrators by its SID', () => {
    expect(createUserDirectory({ platform: 'win32' }).groupsOf(os.userInfo().username)).toContain('S-1-5-32-544');
  });
});
