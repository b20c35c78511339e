// The tray starts at login from entries the installers own for every user and their uninstallers remove: HKLM Run from
// the NSIS script, a LaunchAgent from the pkg, /etc/xdg/autostart from the deb/rpm; the tray adds no per-user entry of its
// own and takes away the one older trays left (which would outlive an uninstall).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPerUserLoginItem, type LoginItemSettings } from '../../tray/main/loginItem.js';
import { repoRoot } from '../support/paths.js';

const read = (file: string): string => fs.readFileSync(path.join(repoRoot, file), 'utf8');
const builder = parse(read('electron-builder.yml')) as {
  productName: string;
  appId: string;
  pkg: { scripts: string; installLocation: string };
  nsis: { include: string; perMachine: boolean };
  extraResources: { from: string; to: string; filter: string[] }[];
  deb: { afterInstall: string; afterRemove: string };
  rpm: { afterInstall: string; afterRemove: string };
};
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** The body of one NSIS macro of the include file. */
function nsisMacro(text: string, name: string): string {
  const m = new RegExp(`!macro ${name}\\n([\\s\\S]*?)!macroend`).exec(text);
  if (!m) throw new Error(`no macro ${name}`);
  return m[1] as string;
}

describe('Windows (NSIS, per machine)', () => {
  const nsh = read(builder.nsis.include);
  const run = /(WriteRegStr|DeleteRegValue) (HK\w+) "Software\\Microsoft\\Windows\\CurrentVersion\\Run" "(\w+)"/;

  it('writes the Run value under HKLM on install and deletes that same value on uninstall', () => {
    expect(builder.nsis.perMachine).toBe(true);
    const written = run.exec(nsisMacro(nsh, 'customInstall'));
    const deleted = run.exec(nsisMacro(nsh, 'customUnInstall'));
    expect(written?.slice(1)).toEqual(['WriteRegStr', 'HKLM', 'Cordon']);
    expect(deleted?.slice(1)).toEqual(['DeleteRegValue', 'HKLM', 'Cordon']);
  });

  it('writes nothing per user', () => {
    expect(nsh).not.toMatch(/HKCU|SHCTX|\$SMSTARTUP/);
  });
});

describe('macOS (pkg): a LaunchAgent for every user', () => {
  /** Read by Python's plistlib, a strict property-list parser (plutil's lint as well where it exists). */
  const agentFile = path.join(repoRoot, 'scripts', 'macos', 'com.cordon.tray.plist');
  const parsed = spawnSync('python3', ['-c', 'import json,plistlib,sys; print(json.dumps(plistlib.load(open(sys.argv[1],"rb"))))', agentFile], {
    encoding: 'utf8',
  });
  const agent = JSON.parse(parsed.stdout) as Record<string, unknown>;

  it('starts the installed app in each graphical session', () => {
    expect(parsed.stderr).toBe('');
    if (spawnSync('plutil', ['-help']).error === undefined) expect(spawnSync('plutil', ['-lint', agentFile]).status).toBe(0);
    expect(agent).toEqual({
      Label: 'com.cordon.tray',
      ProgramArguments: [`${builder.pkg.installLocation}/${builder.productName}.app/Contents/MacOS/${builder.productName}`],
      RunAtLoad: true,
      LimitLoadToSessionType: 'Aqua',
      ProcessType: 'Interactive',
      AssociatedBundleIdentifiers: [builder.appId],
    });
  });

  it('ships with the app and is installed by the pkg’s postinstall', () => {
    expect(builder.extraResources.find((r) => r.from === 'scripts')?.filter).toContain('macos/**');
    expect(read(path.join('build', builder.pkg.scripts, 'postinstall'))).toContain('scripts/macos/tray-login-item.sh" install || exit 1');
  });

  /** launchctl and ps as on a Mac with two signed-in users (uid 501 and 502: each session runs a loginwindow). */
  function mac(): { dir: string; env: NodeJS.ProcessEnv; calls: () => string[] } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-tray-login-'));
    dirs.push(dir);
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const log = path.join(dir, 'calls.log');
    fs.writeFileSync(path.join(bin, 'launchctl'), `#!/bin/sh\necho "launchctl $*" >> "${log}"\n`, { mode: 0o755 });
    fs.writeFileSync(
      path.join(bin, 'ps'),
      `#!/bin/sh
printf '%s\\n' '    0 /sbin/launchd' '  501 /System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow' '  502 /System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow' '  501 /Applications/Cordon.app/Contents/MacOS/Cordon' '    0 /System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow'
`,
      { mode: 0o755 },
    );
    return {
      dir,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []),
    };
  }
  const script = path.join(repoRoot, 'scripts', 'macos', 'tray-login-item.sh');

  it('is installed world-readable and started in every signed-in session, then stopped and removed by the uninstaller', () => {
    const { dir, env, calls } = mac();
    const agents = path.join(dir, 'LaunchAgents');
    const installed = path.join(agents, 'com.cordon.tray.plist');
    expect(spawnSync('sh', [script, 'install', '--agents-dir', agents], { env, encoding: 'utf8' }).status).toBe(0);
    expect(fs.readFileSync(installed, 'utf8')).toBe(read('scripts/macos/com.cordon.tray.plist'));
    expect(fs.statSync(installed).mode & 0o777).toBe(0o644);
    expect(calls()).toEqual([
      'launchctl bootout gui/501/com.cordon.tray',
      `launchctl bootstrap gui/501 ${installed}`,
      'launchctl bootout gui/502/com.cordon.tray',
      `launchctl bootstrap gui/502 ${installed}`,
    ]);
    const daemons = path.join(dir, 'LaunchDaemons');
    const r = spawnSync('sh', [path.join(repoRoot, 'scripts', 'macos', 'uninstall-service.sh'), '--dest-dir', daemons], { env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(fs.existsSync(installed)).toBe(false);
    expect(calls().slice(4)).toEqual([
      'launchctl bootout system/com.cordon.agent',
      'launchctl bootout gui/501/com.cordon.tray',
      'launchctl bootout gui/502/com.cordon.tray',
    ]);
  });

  it('refuses an unknown action and changes nothing', () => {
    const { dir, env, calls } = mac();
    expect(spawnSync('sh', [script, 'enable', '--agents-dir', dir], { env, encoding: 'utf8' }).status).toBe(64);
    expect(calls()).toEqual([]);
  });
});

describe('Linux (deb, rpm)', () => {
  it('copies the desktop entry to /etc/xdg/autostart on install and removes that same file on removal', () => {
    for (const pkg of [builder.deb, builder.rpm]) {
      const copied = /cp -f '[^']+' (\/etc\/xdg\/autostart\/[\w.-]+\.desktop)/.exec(read(pkg.afterInstall))?.[1];
      expect(copied).toBe('/etc/xdg/autostart/cordon-tray.desktop');
      expect(read(pkg.afterRemove)).toMatch(/rm -f .*\/etc\/xdg\/autostart\/cordon-tray\.desktop/);
    }
  });
});

describe('the tray itself', () => {
  /** Electron's login-item API as each OS answers it (Electron cannot run in this test): a recorded entry per user. */
  const loginItems = (openAtLogin: boolean) => {
    const calls: { openAtLogin: boolean }[] = [];
    const app: LoginItemSettings = { getLoginItemSettings: () => ({ openAtLogin }), setLoginItemSettings: (s) => void calls.push(s) };
    return { app, calls };
  };

  it('takes away the per-user login item an older tray registered, on Windows and macOS', () => {
    for (const platform of ['win32', 'darwin'] as const) {
      const { app, calls } = loginItems(true);
      expect(dropPerUserLoginItem(app, platform)).toBe(true);
      expect(calls).toEqual([{ openAtLogin: false }]);
    }
  });

  it('changes nothing where there is no such entry, or on Linux', () => {
    const none = loginItems(false);
    expect(dropPerUserLoginItem(none.app, 'win32')).toBe(false);
    const linux = loginItems(true);
    expect(dropPerUserLoginItem(linux.app, 'linux')).toBe(false);
    expect([...none.calls, ...linux.calls]).toEqual([]);
  });

  it('never registers a login item of its own', () => {
    const sources = fs.readdirSync(path.join(repoRoot, 'tray'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const registering = sources.filter((f) => /openAtLogin:\s*true/.test(fs.readFileSync(path.join(repoRoot, 'tray', f), 'utf8')));
    expect(registering).toEqual([]);
  });
});
