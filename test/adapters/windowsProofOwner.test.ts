// Who a hello proof file names on Windows: the owner SID of its security descriptor and Windows's own name for it,
// as the proof-owner script prints them (SID, a tab, DOMAIN\name: .NET's SecurityIdentifier.Value and NTAccount.Value).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProofOwner, parseRelayHeader, proofOwnerScript, windowsProofOwner } from '../../agent/adapters/win32/proofOwner.js';

describe('the owner of a proof file on Windows', () => {
  it('is a person by the name findings carry: local, Active Directory and Entra ID accounts', () => {
    expect(parseProofOwner('S-1-5-21-1004336348-1177238915-682003330-1001\tDESKTOP-7QK2\\alice\r\n')).toEqual({
      user: 'alice',
      sid: 'S-1-5-21-1004336348-1177238915-682003330-1001',
    });
    expect(parseProofOwner('S-1-5-21-3623811015-3361044348-30300820-1013\tCORP\\José Núñez')).toMatchObject({ user: 'José Núñez' });
    expect(parseProofOwner('S-1-12-1-2058873461-1222452470-2874294662-1849213478\tAzureAD\\AliceSmith')).toMatchObject({ user: 'AliceSmith' });
  });

  it('is the admin when SYSTEM or the Administrators group owns the file (only an elevated process makes such a file)', () => {
    expect(parseProofOwner('S-1-5-18\tNT AUTHORITY\\SYSTEM')).toEqual({ uid: 0, user: 'SYSTEM' });
    expect(parseProofOwner('S-1-5-32-544\tBUILTIN\\Administrators')).toEqual({ uid: 0, user: 'SYSTEM' });
  });

  it('proves no one for service accounts, groups, a SID Windows cannot name, or anything unreadable', () => {
    expect(parseProofOwner('S-1-5-19\tNT AUTHORITY\\LOCAL SERVICE')).toBeNull();
    expect(parseProofOwner('S-1-5-32-545\tBUILTIN\\Users')).toBeNull();
    expect(parseProofOwner('S-1-5-21-1004336348-1177238915-682003330-1001\t')).toBeNull();
    expect(parseProofOwner('')).toBeNull();
    expect(parseProofOwner('Get-Acl : Attempted to perform an unauthorized operation.')).toBeNull();
  });

  it('is read by a script that quotes the path for PowerShell', () => {
    expect(proofOwnerScript("C:\\ProgramData\\Cordon\\proof\\o'brien")).toContain("Get-Acl -LiteralPath 'C:\\ProgramData\\Cordon\\proof\\o''brien'");
  });

  it('runs one PowerShell at a time, however many connections say hello at once, and a failed run does not stop the next', async () => {
    let running = 0;
    let most = 0;
    const run = async (script: string): Promise<string> => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (script.includes('broken')) throw new Error('powershell failed');
      return 'S-1-5-21-1-2-3-1001\tCORP\\alice';
    };
    const owner = windowsProofOwner(run);
    const results = await Promise.allSettled(['a', 'broken', 'b', 'c'].map((f) => owner(`C:\\proof\\${f}`)));
    expect(most).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  });

  it("reads the service host's relay header by the same rules, and nothing smuggled inside it", () => {
    const line = (sid: string, account: string): string => JSON.stringify({ peer: { sid, account } });
    expect(parseRelayHeader(line('S-1-5-21-1004336348-1177238915-682003330-1001', 'CORP\\alice'))).toMatchObject({ user: 'alice' });
    expect(parseRelayHeader(line('S-1-5-18', 'NT AUTHORITY\\SYSTEM'))).toEqual({ uid: 0, user: 'SYSTEM' });
    expect(parseRelayHeader(line('S-1-5-21-1-2-3-1001', 'CORP\\alice\tS-1-5-18'))).toBeNull();
    expect(parseRelayHeader(JSON.stringify({ peer: { sid: 'S-1-5-21-1-2-3-1001' } }))).toBeNull();
    expect(parseRelayHeader('{"id":1,"method":"hello"}')).toBeNull();
    expect(parseRelayHeader('{')).toBeNull();
  });

  it.runIf(process.platform === 'win32')('names the account that made a file on a real Windows host (or the admin, for an elevated process)', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-proof-')), '0123456789abcdef0123456789abcdef');
    fs.writeFileSync(file, 'x');
    const who = await windowsProofOwner()(file);
    expect([{ uid: 0, user: 'SYSTEM' }, { user: os.userInfo().username }]).toContainEqual(
      who && { ...(who.uid !== undefined ? { uid: who.uid } : {}), user: who.user },
    );
  });
});
