// Homes come from passwd on Linux: people with a real home directory, not daemons; uid lookups and groups from /etc files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createUserDirectory } from '../../agent/adapters/users.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-users-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('createUserDirectory on Linux', () => {
  const etc = path.join(dir, 'etc');
  const alice = path.join(dir, 'home', 'alice');
  fs.mkdirSync(etc, { recursive: true });
  fs.mkdirSync(alice, { recursive: true });
  fs.symlinkSync(alice, path.join(dir, 'home', 'linked'));
  fs.writeFileSync(
    path.join(etc, 'passwd'),
    [
      'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
      `alice:x:1000:1000:Alice:${alice}:/bin/bash`,
      `ghost:x:1001:1001::${path.join(dir, 'home', 'ghost')}:/bin/bash`,
      `linked:x:1002:1002::${path.join(dir, 'home', 'linked')}:/bin/bash`,
      `svc:x:1003:1003::${alice}:/bin/false`,
    ].join('\n'),
  );
  fs.writeFileSync(path.join(etc, 'group'), 'alice:x:1000:\ndevs:x:2000:bob,alice\nops:x:2001:bob\n');
  const users = createUserDirectory({ platform: 'linux', etcDir: etc });

  it('lists people with a real home, not daemons, missing or symlinked homes', () => {
    expect(users.homes()).toEqual([{ user: 'alice', home: alice, uid: 1000 }]);
  });

  it('names uids and lists groups', () => {
    expect(users.userName(1000)).toBe('alice');
    expect(users.userName(4242)).toBeUndefined();
    expect(users.groupsOf('alice').sort()).toEqual(['alice', 'devs']);
  });

  it('uses configured homes as given, named by owner or else by folder', () => {
    const configured = createUserDirectory({ platform: 'linux', etcDir: etc, homes: [alice] }).homes();
    expect(configured).toEqual([{ user: 'alice', home: alice, uid: os.userInfo().uid }]);
  });
});
