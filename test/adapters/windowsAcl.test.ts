// Windows file trust on recorded Get-Acl SDDL: a Cordon folder the installer locked is obeyed, one a user created first
// or one that still inherits the Users' write of C:\ProgramData is refused, whatever the display language.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aclProblem, parseSddl, readSddl, windowsUntrustedReason } from '../../agent/adapters/win32/acl.js';

const sddl = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'platforms', 'win32-sddl.json'), 'utf8')) as Record<string, string>;

/** A Windows machine's folders as Get-Acl reads them: each path's recorded SDDL, null where nothing exists. */
function machine(acls: Record<string, string>) {
  const lower = new Map(Object.entries(acls).map(([k, v]) => [k.toLowerCase(), v]));
  return (entry: string): string | null => lower.get(entry.toLowerCase()) ?? null;
}

const CONFIG = 'C:\\ProgramData\\Cordon\\agent.json';

describe('reading SDDL', () => {
  it('reads the owner, the protection flag and each ACE of Microsoft’s own example', () => {
    expect(parseSddl(sddl.docExample as string)).toEqual({ owner: 'AO', protected: false, aces: [expect.objectContaining({ type: 'A', sid: 'S-1-0-0' })] });
    expect(parseSddl(sddl.docExample as string)?.aces[0]?.mask).toBe(0x10000000 | 0x80000 | 0x40000 | 0x20000 | 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20);
  });

  it('reads hex masks, inheritance flags and a user SID as owner', () => {
    const sd = parseSddl(sddl.cordonPrecreatedByUser as string);
    expect(sd?.owner).toBe('S-1-5-21-1004336348-1177238915-682003330-1001');
    expect(sd?.protected).toBe(false);
    expect(sd?.aces.map((a) => [a.flags.join(''), a.sid, a.mask])).toContainEqual(['CIID', 'BU', 0x100116]);
    expect(parseSddl(sddl.cordonInstalled as string)?.protected).toBe(true);
  });

  it('gives nothing for text that is no SDDL, and refuses an ACE cut short', () => {
    expect(parseSddl('Access is denied.')).toBeNull();
    expect(parseSddl('O:SYD:(A;;FA)')).toBeNull();
  });
});

describe('whether the agent obeys a file under C:\\ProgramData\\Cordon', () => {
  it('obeys a config in the folder the installer locked (SYSTEM and Administrators, inheritance removed)', () => {
    const read = machine({
      [CONFIG]: sddl.fileInInstalled as string,
      'C:\\ProgramData\\Cordon': sddl.cordonInstalled as string,
      'C:\\ProgramData': sddl.programData as string,
    });
    expect(windowsUntrustedReason(CONFIG, read)).toBeNull();
  });

  it('refuses a Cordon folder a user created before the install, naming its owner', () => {
    const read = machine({
      [CONFIG]: sddl.fileInInstalled as string,
      'C:\\ProgramData\\Cordon': sddl.cordonPrecreatedByUser as string,
      'C:\\ProgramData': sddl.programData as string,
    });
    expect(windowsUntrustedReason(CONFIG, read)).toBe(
      'C:\\ProgramData\\Cordon is owned by S-1-5-21-1004336348-1177238915-682003330-1001, not by SYSTEM or Administrators',
    );
  });

  it('refuses a folder that still inherits the Users’ right to add files from C:\\ProgramData', () => {
    const read = machine({
      [CONFIG]: sddl.fileInInheriting as string,
      'C:\\ProgramData\\Cordon': sddl.cordonInheriting as string,
      'C:\\ProgramData': sddl.programData as string,
    });
    expect(windowsUntrustedReason(CONFIG, read)).toBe('C:\\ProgramData\\Cordon can be changed by Users (inherited from the folder above)');
  });

  it('lets C:\\ProgramData itself let users add folders (as a sticky /tmp), but not delete what is in it', () => {
    expect(aclProblem('C:\\ProgramData', parseSddl(sddl.programData as string)!, false)).toBeNull();
    expect(aclProblem('C:\\ProgramData', parseSddl(sddl.usersMayDeleteChildren as string)!, false)).toBe('C:\\ProgramData can be changed by Users');
  });

  it('refuses a file Everyone may write, and obeys one where Everyone is only denied', () => {
    expect(aclProblem(CONFIG, parseSddl(sddl.everyoneMayWrite as string)!, true)).toBe(`${CONFIG} can be changed by Everyone`);
    expect(aclProblem(CONFIG, parseSddl(sddl.everyoneDenied as string)!, true)).toBeNull();
  });

  it('skips entries that do not exist and never asks about the volume root', () => {
    const asked: string[] = [];
    const read = (entry: string) => {
      asked.push(entry);
      return entry === 'C:\\ProgramData' ? (sddl.programData as string) : null;
    };
    expect(windowsUntrustedReason(CONFIG, read)).toBeNull();
    expect(asked).toEqual([CONFIG, 'C:\\ProgramData\\Cordon', 'C:\\ProgramData']);
  });
});

describe.skipIf(process.platform !== 'win32')('on a real Windows host', () => {
  it('reads C:\\Windows as owned by TrustedInstaller and not changeable by Users', () => {
    const text = readSddl(process.env.SystemRoot ?? 'C:\\Windows');
    const sd = parseSddl(text ?? '');
    expect(sd?.owner).toBe('S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464');
    expect(aclProblem('C:\\Windows', sd!, false)).toBeNull();
  });
});

describe.skipIf(process.platform !== 'win32')('the config loader on a real Windows host', () => {
  it('refuses a config in a folder owned by the signed-in account rather than SYSTEM or Administrators', async () => {
    const { loadAgentConfig } = await import('../../agent/adapters/config.js');
    const dir = fs.mkdtempSync(path.join(process.env.TEMP ?? 'C:\\Windows\\Temp', 'cordon-acl-'));
    const file = path.join(dir, 'agent.json');
    fs.writeFileSync(file, '{}');
    try {
      expect(() => loadAgentConfig(file, {})).toThrow(/another user could have written it/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
