// Packaged apps in the plan: an MSIX package folder is removed through Windows (Remove-AppxPackage), never moved;
// its user data and a Squirrel or .app install are quarantined as before. Windows's remover is run on recorded answers.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeAppxScript, createMsixRemover } from '../../agent/adapters/win32/packages.js';
import type { AuditRecord } from '../../agent/adapters/auditLog.js';
import type { TargetedFinding } from '../../agent/common/model.js';
import { osPackageOf } from '../../agent/core/enforce/packagedApps.js';
import { planEnforcement } from '../../agent/core/enforce/plan.js';
import { carryOut, type EnforcerDeps } from '../../agent/daemon/enforcer.js';

const folders = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'platforms', 'win32-msix-folders.json'), 'utf8')) as {
  packages: [string, string][];
  notPackages: string[];
};

function install(p: string, scanRoot: string, role: 'program' | 'data' = 'program'): TargetedFinding {
  return {
    id: `f:${p}`,
    tool: 'claude-desktop',
    kind: 'install',
    path: p,
    policy: 'anthropic-ban',
    rule: 'claude-desktop',
    actions: ['report', 'quarantine'],
    state: 'open',
    target: { kind: 'install', path: p, scanRoot, role },
  } as unknown as TargetedFinding;
}

describe('which installs are OS packages', () => {
  it.each(folders.packages)('%s is the MSIX package %s', (folder, name) => {
    expect(osPackageOf(folder)).toEqual({ manager: 'msix', name });
  });
  it.each(folders.notPackages)('%s is no package', (p) => {
    expect(osPackageOf(p)).toBeNull();
  });
});

describe('the plan for Claude Desktop on Windows', () => {
  const msix = 'C:\\Program Files\\WindowsApps\\Claude_1.0.3_x64__pzs8sxrjxfjjc';
  const data = 'C:\\Users\\alice\\AppData\\Local\\Packages\\Claude_pzs8sxrjxfjjc';
  const squirrel = 'C:\\Users\\alice\\AppData\\Local\\AnthropicClaude';
  const steps = planEnforcement([install(msix, 'C:\\'), install(data, 'C:\\Users\\alice', 'data'), install(squirrel, 'C:\\Users\\alice')], {
    platform: 'win32',
  });

  it('removes the MSIX package through Windows and quarantines the rest', () => {
    expect(steps.map((s) => [s.action, s.action === 'uninstall' ? s.package.name : s.finding.path])).toEqual([
      ['uninstall', 'Claude_1.0.3_x64__pzs8sxrjxfjjc'],
      ['quarantine', data],
      ['quarantine', squirrel],
    ]);
  });

  it('runs Remove-AppxPackage for all users and records it as a removal that quarantine cannot undo', async () => {
    const audit: AuditRecord[] = [];
    const ran: string[] = [];
    const deps: EnforcerDeps = {
      killer: { graceful: true, identity: async () => null, stop: async () => 'SIGTERM', alive: async () => false },
      quarantine: { quarantine: async () => ({ id: 'q' }) as never },
      packages: createMsixRemover(async (_file, args) => {
        ran.push(Buffer.from(args.at(-1) as string, 'base64').toString('utf16le'));
        return { code: 0, stdout: 'removed\r\n', stderr: '' };
      }, 'powershell.exe'),
      notifier: { notify: async () => ({ via: 'agent' as const }) },
      audit: { write: (r) => void audit.push(r) },
      lang: 'en',
      sleep: async () => undefined,
    };
    const [outcome] = await carryOut(deps, steps.slice(0, 1), new Map());
    expect(outcome?.state).toBe('remediated');
    expect(ran[0]).toContain("Remove-AppxPackage -Package 'Claude_1.0.3_x64__pzs8sxrjxfjjc' -AllUsers");
    expect(audit[0]).toMatchObject({ event: 'uninstall', outcome: 'ok', path: msix });
    expect(String(audit[0]?.detail)).toContain('not restorable from quarantine');
  });

  it('fails the step, moving nothing, where no Windows remover exists', async () => {
    const moved: string[] = [];
    const deps = {
      quarantine: { quarantine: async (r: { path: string }) => (moved.push(r.path), { id: 'q' }) },
      notifier: { notify: async () => ({ via: 'agent' as const }) },
      audit: { write: () => undefined },
      lang: 'en',
    } as unknown as EnforcerDeps;
    const [outcome] = await carryOut(deps, steps.slice(0, 1), new Map());
    expect(outcome).toMatchObject({
      state: 'failed',
      outcome: 'not removed: Claude_1.0.3_x64__pzs8sxrjxfjjc is an MSIX package, which only Windows can remove',
    });
    expect(moved).toEqual([]);
  });

  it('never builds a script from a name that is not a package full name', () => {
    expect(() => removeAppxScript("Claude_1'; Remove-Item C:\\ -Recurse; '_x64__pzs8sxrjxfjjc")).toThrow(/not an MSIX package full name/);
  });
});

describe('a busy install on Windows', () => {
  const exe = 'C:\\Users\\alice\\AppData\\Local\\AnthropicClaude';

  // libuv maps ERROR_SHARING_VIOLATION to EBUSY and ERROR_ACCESS_DENIED to EPERM (uv_translate_sys_error): what a
  // rename of a folder holding a running or open file gives on Windows.
  it.each(['EBUSY', 'EPERM'])('moves it on a second try when the first is refused with %s while the stopped program lets go', async (code) => {
    const tries: string[] = [];
    const slept: number[] = [];
    const deps = {
      quarantine: {
        quarantine: async (r: { path: string }) => {
          tries.push(r.path);
          if (tries.length === 1)
            throw Object.assign(new Error(`${code}: resource busy or locked, rename`), { cause: Object.assign(new Error(code), { code }) });
          return { id: 'q1' };
        },
      },
      notifier: { notify: async () => ({ via: 'agent' as const }) },
      audit: { write: () => undefined },
      lang: 'en',
      sleep: async (ms: number) => void slept.push(ms),
    } as unknown as EnforcerDeps;
    const [outcome] = await carryOut(deps, planEnforcement([install(exe, 'C:\\Users\\alice')], { platform: 'win32' }), new Map());
    expect(outcome).toMatchObject({ state: 'remediated', outcome: 'moved to quarantine as q1' });
    expect(tries).toEqual([exe, exe]);
    expect(slept).toEqual([1000]);
  });

  it('does not retry a refusal that has nothing to do with a busy file', async () => {
    let tries = 0;
    const deps = {
      quarantine: {
        quarantine: async () => {
          tries++;
          throw Object.assign(new Error('not found'), { code: 'not-found' });
        },
      },
      audit: { write: () => undefined },
      sleep: async () => undefined,
    } as unknown as EnforcerDeps;
    const [outcome] = await carryOut(deps, planEnforcement([install(exe, 'C:\\Users\\alice')], { platform: 'win32' }), new Map());
    expect(outcome?.state).toBe('failed');
    expect(tries).toBe(1);
  });
});
