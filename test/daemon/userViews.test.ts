// Who sees whose findings, inventory, requests and history over the user socket, by each OS's rules for names: on
// Windows and macOS ALICE is alice, on Linux another account; a user's own items come back in the name they were told.
import { describe, expect, it } from 'vitest';
import type { Finding, Status } from '../../agent/common/model.js';
import { mayView, statusFor } from '../../agent/daemon/statusPublisher.js';

const finding = (id: string, user?: string): Finding => ({ id, tool: 'claude-code', kind: 'install', ...(user ? { user } : {}) }) as Finding;
const status = {
  compliance: 'warning',
  findings: [finding('f-alice', 'alice'), finding('f-bob', 'bob'), finding('f-none')],
  inventory: [
    { tool: 'claude-code', user: 'alice' },
    { tool: 'claude-code', user: 'bob' },
  ],
  exceptions: [{ id: 'req-a', user: 'alice', tool: 'claude-code', reason: 'x', state: 'pending' }],
} as unknown as Status;
const peerAlice = { admin: false, uid: 1001, user: 'ALICE' };

describe('a user’s view of the status', () => {
  it('on Windows and macOS holds the findings, inventory and requests of alice for ALICE, named as ALICE was told', () => {
    for (const platform of ['win32', 'darwin'] as const) {
      const seen = statusFor(status, peerAlice, platform);
      expect(seen.findings.map((f) => [f.id, f.user])).toEqual([
        ['f-alice', 'ALICE'],
        ['f-none', undefined],
      ]);
      expect(seen.inventory?.map((i) => i.user)).toEqual(['ALICE']);
      expect(seen.exceptions?.map((r) => [r.id, r.user])).toEqual([['req-a', 'ALICE']]);
    }
  });

  it('on Linux gives ALICE nothing of alice’s: another account', () => {
    const seen = statusFor(status, peerAlice, 'linux');
    expect(seen.findings.map((f) => f.id)).toEqual(['f-none']);
    expect(seen.inventory).toEqual([]);
    expect(seen.exceptions).toEqual([]);
  });

  it('never gives another user’s findings, whatever the spelling, and an admin all as stored', () => {
    expect(statusFor(status, { admin: false, uid: 1002, user: 'Bobby' }, 'win32').findings.map((f) => f.id)).toEqual(['f-none']);
    expect(statusFor(status, { admin: true, uid: 1003, user: 'carol' }, 'win32')).toBe(status);
  });
});

describe('a user’s history', () => {
  it('holds the records of alice for ALICE on Windows and macOS, not on Linux, and unowned records for everyone', () => {
    expect(mayView(peerAlice, 'alice', 'win32')).toBe(true);
    expect(mayView(peerAlice, 'alice', 'darwin')).toBe(true);
    expect(mayView(peerAlice, 'alice', 'linux')).toBe(false);
    expect(mayView(peerAlice, 'bob', 'win32')).toBe(false);
    expect(mayView(peerAlice, undefined, 'linux')).toBe(true);
    expect(mayView({ admin: false, uid: 1004 }, 'alice', 'win32')).toBe(false);
  });
});
