// The service installers for Linux (systemd), macOS (launchd) and Windows, rendered and run against fake service managers.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/adapters/config.js';
import { installStartHook } from '../../agent/adapters/startHookFiles.js';
import { fragmentText, launcherScript, type StartHookLayout } from '../../agent/core/gate/startHook.js';
import { startHookLayoutFor, startHookRecordFile } from '../../agent/daemon/startHooks.js';
import { cliEntry, repoRoot } from '../support/paths.js';

const scripts = path.join(repoRoot, 'scripts');

/** Claude Code's start hook as the agent of `config` would have installed it. */
function hookIn(config: string): { layout: StartHookLayout } {
  const cfg = loadAgentConfig(config);
  const layout = startHookLayoutFor(cfg, 'claude-code');
  const target = { node: process.execPath, entry: cliEntry, tool: 'claude-code', socketPath: cfg.socketPath, failClosedFrom: null };
  const installed = installStartHook(
    layout,
    { fragment: fragmentText(layout), launcher: launcherScript(layout, target), decisions: '{}\n' },
    startHookRecordFile(cfg, 'claude-code'),
  );
  expect(installed.problems).toEqual([]);
  return { layout };
}
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-service-'));

/** A PATH whose `systemctl`/`launchctl` only record their arguments. */
function fakeTools(dir: string, ...names: string[]): { env: NodeJS.ProcessEnv; calls: () => string[] } {
  const bin = path.join(dir, 'fakebin');
  fs.mkdirSync(bin, { recursive: true });
  const log = path.join(dir, 'calls.log');
  // A systemctl on a machine booted with systemd: `is-system-running` answers `running` (the installer asks first).
  const answers = (name: string) => (name === 'systemctl' ? '[ "$1" = is-system-running ] && { echo running; exit 0; }\n' : '');
  for (const name of names) fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${answers(name)}echo "${name} $*" >> "${log}"\n`, { mode: 0o755 });
  return {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
    calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []),
  };
}

function run(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', [path.join(scripts, script), ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('systemd service (Linux)', () => {
  const renderUnit = (dir: string, node = process.execPath): string => {
    const r = run('linux/install-service.sh', ['--node', node, '--config', '/etc/cordon/agent.json', '--print']);
    expect(r.stderr).toBe('');
    const file = path.join(dir, 'cordon.service');
    fs.writeFileSync(file, r.stdout);
    return file;
  };

  it('renders a unit that systemd-analyze verify accepts without a single warning', () => {
    expect(fs.existsSync(cliEntry)).toBe(true);
    const unit = renderUnit(tmp());
    const text = fs.readFileSync(unit, 'utf8');
    expect(text).toContain(
      `ExecStart="${process.execPath}" --max-semi-space-size=1 --single-threaded-gc --lite-mode "${cliEntry}" run --config "/etc/cordon/agent.json"`,
    );
    const verify = spawnSync('systemd-analyze', ['verify', '--man=no', unit], { encoding: 'utf8' });
    expect({ status: verify.status, out: `${verify.stdout}${verify.stderr}`.trim() }).toEqual({ status: 0, out: '' });
  });

  it('is a unit that systemd-analyze would reject if the agent binary were missing (the check can fail)', () => {
    const dir = tmp();
    const unit = renderUnit(dir);
    fs.writeFileSync(unit, fs.readFileSync(unit, 'utf8').replace(`"${process.execPath}"`, `"${path.join(dir, 'missing-node')}"`));
    expect(spawnSync('systemd-analyze', ['verify', '--man=no', unit], { encoding: 'utf8' }).status).not.toBe(0);
  });

  it('restarts the agent whenever it dies and never gives up', () => {
    const text = fs.readFileSync(renderUnit(tmp()), 'utf8');
    expect(text).toMatch(/^Restart=always$/m);
    expect(text).toMatch(/^StartLimitIntervalSec=0$/m);
    expect(text).toMatch(/^WantedBy=multi-user.target$/m);
    expect(text).toMatch(/^KillSignal=SIGTERM$/m);
  });

  it('installs the unit, creates a default config, and enables and starts the service; uninstall removes it', () => {
    const dir = tmp();
    const { env, calls } = fakeTools(dir, 'systemctl');
    const config = path.join(dir, 'etc', 'agent.json');
    const r = run('linux/install-service.sh', ['--node', process.execPath, '--config', config, '--dest-dir', path.join(dir, 'units')], env);
    expect(r.status).toBe(0);
    const unit = path.join(dir, 'units', 'cordon.service');
    expect(fs.statSync(unit).mode & 0o777).toBe(0o644);
    expect(fs.readFileSync(config, 'utf8')).toBe('{}\n');
    expect(fs.existsSync(path.join(dir, 'etc', 'policies'))).toBe(true);
    expect(calls()).toEqual(['systemctl daemon-reload', 'systemctl enable --now cordon.service', 'systemctl restart cordon.service']);
    const un = run('linux/uninstall-service.sh', ['--agent', path.join(dir, 'gone'), '--config', config, '--dest-dir', path.join(dir, 'units')], env);
    expect(un.status).toBe(0);
    expect(un.stderr).toContain(
      `the agent is not at ${path.join(dir, 'gone', 'dist/agent/cli/main.js')}: its start hooks (if any) are left; remove them with 'cordon start-hook remove'`,
    );
    expect(fs.existsSync(unit)).toBe(false);
    expect(calls().slice(3)).toEqual(['systemctl disable --now cordon.service', 'systemctl daemon-reload']);
  });

  it('refuses, changing nothing and saying what to do, where systemctl exists but systemd is not running (a container, WSL)', () => {
    const dir = tmp();
    const bin = path.join(dir, 'fakebin');
    fs.mkdirSync(bin, { recursive: true });
    // What systemctl says where systemd is not PID 1 (recorded in a Debian 12 container): "offline" on stdout, exit 1.
    fs.writeFileSync(path.join(bin, 'systemctl'), '#!/bin/sh\n[ "$1" = is-system-running ] && { echo offline; exit 1; }\necho "$*" >> "$0.calls"\nexit 1\n', {
      mode: 0o755,
    });
    const config = path.join(dir, 'etc', 'agent.json');
    const r = run('linux/install-service.sh', ['--node', process.execPath, '--config', config, '--dest-dir', path.join(dir, 'units')], {
      ...process.env,
      PATH: `${bin}:${process.env.PATH ?? ''}`,
    });
    expect(r.status).toBe(69);
    expect(r.stderr).toContain(
      'systemd is not running on this machine (systemctl is-system-running: offline), so no service was installed and nothing was changed.',
    );
    expect(r.stderr).toContain('/etc/wsl.conf');
    expect(r.stderr).toContain(`${process.execPath} ${cliEntry} run --config ${config}`);
    expect(fs.existsSync(config)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'units'))).toBe(false);
    expect(fs.existsSync(path.join(bin, 'systemctl.calls'))).toBe(false);
  });

  const realState = spawnSync('systemctl', ['is-system-running'], { encoding: 'utf8' });
  it.skipIf(realState.error !== undefined || /^(running|degraded|starting|initializing|maintenance)$/.test(realState.stdout.trim()))(
    'refuses the same way with this machine’s own systemctl, whose systemd is not running',
    () => {
      const dir = tmp();
      const config = path.join(dir, 'agent.json');
      const r = run('linux/install-service.sh', ['--node', process.execPath, '--config', config, '--dest-dir', path.join(dir, 'units')]);
      expect(r.status).toBe(69);
      expect(r.stderr).toContain(`systemd is not running on this machine (systemctl is-system-running: ${realState.stdout.trim() || 'no answer'})`);
      expect(fs.existsSync(config)).toBe(false);
      expect(fs.existsSync(path.join(dir, 'units'))).toBe(false);
    },
  );

  it('uninstall takes out the start hook the agent installed, after the service stopped, and keeps a file someone changed', () => {
    const dir = tmp();
    const { env, calls } = fakeTools(dir, 'systemctl');
    const config = path.join(dir, 'agent.json');
    const startHook = { managedSettingsDir: path.join(dir, 'claude-code'), dir: path.join(dir, 'gate') };
    fs.writeFileSync(config, JSON.stringify({ stateDir: path.join(dir, 'state'), socketPath: path.join(dir, 'run', 'cordon.sock'), startHook }));
    const hook = hookIn(config);
    expect(run('linux/install-service.sh', ['--node', process.execPath, '--config', config, '--dest-dir', dir], env).status).toBe(0);
    fs.appendFileSync(hook.layout.decisionsPath, ' ');
    const r = run('linux/uninstall-service.sh', ['--node', process.execPath, '--config', config, '--dest-dir', dir], env);
    expect(r.status).toBe(0);
    expect(calls().slice(3)).toEqual(['systemctl disable --now cordon.service', 'systemctl daemon-reload']);
    expect(r.stdout).toContain(`claude-code: removed ${hook.layout.fragmentPath}, ${hook.layout.launcherPath}`);
    expect(r.stdout).toContain(`${hook.layout.decisionsPath} was changed after Cordon wrote it; it is left in place`);
    expect(fs.existsSync(hook.layout.fragmentPath)).toBe(false);
    expect(fs.existsSync(hook.layout.launcherPath)).toBe(false);
    expect(fs.existsSync(hook.layout.decisionsPath)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'cordon.service'))).toBe(false);
  });

  it('keeps an existing config untouched', () => {
    const dir = tmp();
    const { env } = fakeTools(dir, 'systemctl');
    const config = path.join(dir, 'agent.json');
    fs.writeFileSync(config, '{"pollIntervalMs": 500}\n');
    run('linux/install-service.sh', ['--node', process.execPath, '--config', config, '--dest-dir', dir, '--no-start'], env);
    expect(fs.readFileSync(config, 'utf8')).toBe('{"pollIntervalMs": 500}\n');
  });

  it('refuses a missing Node binary or an unknown option with a usage error', () => {
    const missing = run('linux/install-service.sh', ['--node', '/nonexistent/node', '--print']);
    expect(missing.status).toBe(64);
    expect(missing.stderr).toContain('no Node.js binary: pass --node PATH');
    expect(run('linux/install-service.sh', ['--bogus']).status).toBe(64);
  });
});

describe('launchd daemon (macOS)', () => {
  const plistOf = (config: string): { text: string; parsed: Record<string, unknown> } => {
    const r = run('macos/install-service.sh', ['--node', process.execPath, '--config', config, '--print']);
    expect(r.status).toBe(0);
    const file = path.join(tmp(), 'com.cordon.agent.plist');
    fs.writeFileSync(file, r.stdout);
    if (spawnSync('plutil', ['-help']).error === undefined) expect(spawnSync('plutil', ['-lint', file]).status).toBe(0);
    const py = spawnSync('python3', ['-c', 'import json,plistlib,sys; print(json.dumps(plistlib.load(open(sys.argv[1],"rb"))))', file], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    return { text: r.stdout, parsed: JSON.parse(py.stdout) as Record<string, unknown> };
  };

  it('renders a valid property list that keeps the agent alive from boot', () => {
    const { parsed } = plistOf('/Library/Application Support/Cordon/agent.json');
    expect(parsed).toMatchObject({
      Label: 'com.cordon.agent',
      ProgramArguments: [
        process.execPath,
        '--max-semi-space-size=1',
        '--single-threaded-gc',
        '--lite-mode',
        cliEntry,
        'run',
        '--config',
        '/Library/Application Support/Cordon/agent.json',
      ],
      EnvironmentVariables: { ELECTRON_RUN_AS_NODE: '1' },
      RunAtLoad: true,
      KeepAlive: true,
    });
  });

  it('escapes paths so the property list stays valid XML', () => {
    expect(plistOf('/tmp/R&D <lab>/agent.json').parsed.ProgramArguments).toContain('/tmp/R&D <lab>/agent.json');
  });

  /** launchctl as launchd answers it: `print` succeeds while the label is loaded; `fails` names a subcommand that exits 5. */
  function fakeLaunchctl(dir: string, opts: { loaded?: boolean; fails?: string } = {}) {
    const { env, calls } = fakeTools(dir, 'launchctl');
    const state = path.join(dir, 'loaded');
    if (opts.loaded) fs.writeFileSync(state, '');
    const log = path.join(dir, 'calls.log');
    fs.writeFileSync(
      path.join(dir, 'fakebin', 'launchctl'),
      `#!/bin/sh
echo "launchctl $*" >> "${log}"
[ "$1" = "${opts.fails ?? 'none'}" ] && exit 5
case "$1" in
  print) [ -e "${state}" ] ;;
  bootstrap) touch "${state}" ;;
  bootout) rm -f "${state}" ;;
esac
`,
      { mode: 0o755 },
    );
    return { env, calls };
  }

  it('enables the label before bootstrapping it, then kickstarts; uninstall boots it out', () => {
    const dir = tmp();
    const { env, calls } = fakeLaunchctl(dir);
    const plist = path.join(dir, 'LaunchDaemons', 'com.cordon.agent.plist');
    const r = run('macos/install-service.sh', ['--node', process.execPath, '--config', path.join(dir, 'agent.json'), '--dest-dir', path.dirname(plist)], env);
    expect(r.status).toBe(0);
    expect(fs.statSync(plist).mode & 0o777).toBe(0o644);
    expect(calls()).toEqual([
      'launchctl print system/com.cordon.agent',
      'launchctl enable system/com.cordon.agent',
      `launchctl bootstrap system ${plist}`,
      'launchctl kickstart -k system/com.cordon.agent',
    ]);
    run('macos/uninstall-service.sh', ['--dest-dir', path.dirname(plist)], env);
    expect(fs.existsSync(plist)).toBe(false);
  });

  it('upgrades a loaded daemon by booting it out and waiting until launchd let go before bootstrapping', () => {
    const dir = tmp();
    const { env, calls } = fakeLaunchctl(dir, { loaded: true });
    const plist = path.join(dir, 'LaunchDaemons', 'com.cordon.agent.plist');
    expect(
      run('macos/install-service.sh', ['--node', process.execPath, '--config', path.join(dir, 'agent.json'), '--dest-dir', path.dirname(plist)], env).status,
    ).toBe(0);
    expect(calls().slice(0, 4)).toEqual([
      'launchctl print system/com.cordon.agent',
      'launchctl bootout system/com.cordon.agent',
      'launchctl print system/com.cordon.agent',
      'launchctl enable system/com.cordon.agent',
    ]);
  });

  it('fails with launchctl’s exit code named when bootstrap fails, and starts nothing after it', () => {
    const dir = tmp();
    const { env, calls } = fakeLaunchctl(dir, { fails: 'bootstrap' });
    const plist = path.join(dir, 'LaunchDaemons', 'com.cordon.agent.plist');
    const r = run('macos/install-service.sh', ['--node', process.execPath, '--config', path.join(dir, 'agent.json'), '--dest-dir', path.dirname(plist)], env);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('launchctl bootstrap failed (exit 5)');
    expect(calls().some((c) => c.includes('kickstart'))).toBe(false);
  });
});

describe('Windows service', () => {
  const install = fs.readFileSync(path.join(scripts, 'windows', 'install-service.ps1'), 'utf8');
  const host = fs.readFileSync(path.join(scripts, 'windows', 'CordonService.cs'), 'utf8');
  const uninstall = fs.readFileSync(path.join(scripts, 'windows', 'uninstall-service.ps1'), 'utf8');

  it('registers an automatic service whose failures trigger restarts', () => {
    expect(install).toContain('-StartupType Automatic');
    expect(install).toContain('sc.exe failure $ServiceName reset= 86400 actions= restart/2000/restart/5000/restart/10000');
    expect(install).toContain('sc.exe failureflag $ServiceName 1');
    expect(install).toContain("Add-Type -TypeDefinition (Get-Content -Raw (Join-Path $PSScriptRoot 'CordonService.cs'))");
    expect(install).toContain("-ReferencedAssemblies 'System.ServiceProcess', 'System.Core'");
  });

  it('refuses a Cordon folder that exists and is not owned by SYSTEM or Administrators, or is a junction', () => {
    const check = install.indexOf('if (Test-Path -LiteralPath $root)');
    expect(check).toBeGreaterThan(0);
    expect(check).toBeLessThan(install.indexOf('New-Item -ItemType Directory'));
    expect(install).toContain("$trusted = @('S-1-5-18', 'S-1-5-32-544')");
    expect(install).toContain('GetOwner([Security.Principal.SecurityIdentifier]).Value');
    expect(install).toMatch(/if \(\$trusted -notcontains \$owner\) \{\s*throw "Refusing/);
    expect(install).toContain('[IO.FileAttributes]::ReparsePoint) { throw');
  });

  it('gives the folder to SYSTEM and Administrators with inheritance removed, naming accounts by SID', () => {
    expect(install).toContain("icacls $root /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' '*S-1-5-32-545:RX'");
    expect(install).toContain("icacls $root /setowner '*S-1-5-32-544' /T");
    // The hello proof folder: Users add files but cannot list it or read another's; the creator owns each file.
    expect(install).toContain(
      "icacls $proof /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' '*S-1-5-32-545:(WD,X)' '*S-1-3-0:(OI)(IO)F'",
    );
    expect(install).not.toMatch(/BUILTIN|NT AUTHORITY/);
  });

  it('fails the NSIS installation when the service script fails, instead of reporting success without an agent', () => {
    const nsh = fs.readFileSync(path.join(scripts, '..', 'build', 'windows', 'installer.nsh'), 'utf8');
    const install = nsh.slice(nsh.indexOf('!macro customInstall'), nsh.indexOf('!macroend'));
    expect(install).toMatch(
      /install-service\.ps1[^\n]*'\n(\s*;[^\n]*\n)*\s*Pop \$0\n\s*StrCmp \$0 "0" cordon_service_installed\n[\s\S]*Abort [\s\S]*cordon_service_installed:\n\s*WriteRegStr/,
    );
  });

  it('checks the exit code of every native program it runs', () => {
    const lines = install.split('\n').filter((l) => /^\s*[^#]*\b(sc\.exe|icacls)\b/.test(l) && !l.includes('function'));
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(l, l).toMatch(/Invoke-Checked '/);
    expect(uninstall).toMatch(/sc\.exe delete \$ServiceName 2>&1\s*\n\s*if \(\$LASTEXITCODE -ne 0\)/);
  });

  it('compiles a host that exits when the agent dies, so the failure actions restart it', () => {
    expect(host).toMatch(/agent\.Exited \+= [\s\S]*if \(stopping\) return;[\s\S]*Environment\.Exit\(1\);/);
    expect(host).toContain('info.EnvironmentVariables["ELECTRON_RUN_AS_NODE"] = "1";');
    expect(host.split('{').length).toBe(host.split('}').length);
  });

  it('runs the package’s prebuilt host only when its signature is valid, and compiles one only from a checkout', () => {
    expect(install).toContain("$prebuilt = Join-Path $PSScriptRoot '..\\..\\service\\CordonService.exe'");
    expect(install).toMatch(
      /Get-AuthenticodeSignature -LiteralPath \$prebuilt\s*\n\s*if \(\$signature\.Status -ne 'Valid' -and -not \$AllowUnsignedHost\) \{\s*\n\s*throw "Refusing/,
    );
    expect(install).toMatch(/if \(-not \$hostExe\) \{[\s\S]*Add-Type -TypeDefinition/);
  });

  it('ends the agent with the host (a kill-on-close job), so a new host never meets an old agent', () => {
    expect(host).toContain('JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000');
    expect(host).toMatch(/job = KillOnCloseJob\(\);\s*agent = Process\.Start\(info\);[\s\S]*AssignProcessToJobObject\(job, agent\.Handle\)/);
  });

  it('owns the user pipe with users allowed to read and write but not to create instances, and names each client to the agent', () => {
    expect(host).toContain(
      'new PipeAccessRule(new SecurityIdentifier(WellKnownSidType.AuthenticatedUserSid, null), PipeAccessRights.ReadWrite, AccessControlType.Allow)',
    );
    expect(host).not.toMatch(/AuthenticatedUserSid[^\n]*(FullControl|CreateNewInstance)/);
    expect(host).toMatch(/client\.RunAsClient\([\s\S]*WindowsIdentity\.GetCurrent\(\)/);
    // The relay pipe must belong to the agent the host started, not to whoever made the name first.
    expect(host).toMatch(/GetNamedPipeServerProcessId\([\s\S]*server != \(uint\)agent\.Id\) return;/);
    expect(host).toContain('"{\\"peer\\":{\\"sid\\":" + Json(sid) + ",\\"account\\":" + Json(account) + "}}\\n"');
  });

  it('uninstalls by stopping and deleting the service, keeping ProgramData', () => {
    expect(uninstall).toContain('Stop-Service -Name $ServiceName -Force');
    expect(uninstall).toContain('sc.exe delete $ServiceName');
    expect(uninstall).not.toMatch(/Remove-Item[^\n]*Cordon'\)?\s*$/m);
  });
});
