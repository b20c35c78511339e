// The files Cordon writes for Claude Code's start hook on each OS, and that it only ever replaces or removes its own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installStartHook, removeStartHook } from '../../agent/adapters/startHookFiles.js';
import { fragmentText, launcherScript, startHookLayout } from '../../agent/core/gate/startHook.js';

const target = {
  node: '/usr/bin/node',
  entry: '/opt/cordon/dist/agent/cli/gate.js',
  tool: 'claude-code',
  socketPath: '/run/cordon/cordon.sock',
  failClosedFrom: null,
};

describe('the files per OS', () => {
  it('Linux: /etc/claude-code, the launcher runs node with an empty environment apart from the language', () => {
    const layout = startHookLayout('linux', 'claude-code');
    expect(layout.fragmentPath).toBe('/etc/claude-code/managed-settings.d/cordon-policy-helper.json');
    expect(JSON.parse(fragmentText(layout, '2.1.175'))).toEqual({
      policyHelper: { path: '/usr/local/lib/cordon-gate/claude-code-gate', timeoutMs: 10000, refreshIntervalMs: 600000 },
      requiredMinimumVersion: '2.1.175',
    });
    expect(launcherScript(layout, { ...target, failClosedFrom: '2026-07-10T00:00:00.000Z' })).toBe(
      "#!/bin/sh\n# Cordon's start hook for Claude Code (its managed policyHelper). Written by the Cordon daemon, removed when no policy needs it.\n" +
        `exec /usr/bin/env -i LANG="$LANG" LC_ALL="$LC_ALL" LC_MESSAGES="$LC_MESSAGES" '/usr/bin/node' '/opt/cordon/dist/agent/cli/gate.js' 'claude-code' '--decisions' '/usr/local/lib/cordon-gate/claude-code.decisions.json' '--managed-dir' '/etc/claude-code' '--socket' '/run/cordon/cordon.sock' '--fail-closed-from' '2026-07-10T00:00:00.000Z'\n`,
    );
  });

  it('macOS: /Library/Application Support/ClaudeCode, and a configuration profile would take precedence', () => {
    const layout = startHookLayout('darwin', 'claude-code');
    expect(layout.fragmentPath).toBe('/Library/Application Support/ClaudeCode/managed-settings.d/cordon-policy-helper.json');
    expect(JSON.parse(fragmentText(layout)).policyHelper.path).toBe('/Library/Application Support/Cordon/gate/claude-code-gate');
    expect(layout.precedingSources[0]).toContain('com.anthropic.claudecode');
    expect(launcherScript(layout, target)).toContain("'/Library/Application Support/Cordon/gate/claude-code.decisions.json'");
  });

  it('Windows: C:\\Program Files\\ClaudeCode, the helper path ends in .exe, and an HKLM policy would take precedence', () => {
    const layout = startHookLayout('win32', 'claude-code');
    expect(layout.fragmentPath).toBe('C:\\Program Files\\ClaudeCode\\managed-settings.d\\cordon-policy-helper.json');
    expect(JSON.parse(fragmentText(layout)).policyHelper.path).toBe('C:\\Program Files\\Cordon\\gate\\claude-code-gate.exe');
    expect(launcherScript(layout, target)).toBeNull();
    expect(layout.precedingSources[0]).toContain('HKLM\\SOFTWARE\\Policies\\ClaudeCode');
    expect(() => fragmentText({ ...layout, launcherPath: 'C:\\Program Files\\Cordon\\gate\\claude-code-gate.cmd' })).toThrow(/must be an \.exe/);
  });
});

describe('installing and removing', () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const setup = () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-hookfiles-'));
    fs.chmodSync(dir, 0o755);
    const layout = startHookLayout('linux', 'claude-code', { managedDir: path.join(dir, 'claude-code'), gateDir: path.join(dir, 'gate') });
    const content = { fragment: fragmentText(layout), launcher: launcherScript(layout, target), decisions: '{}\n' };
    return { layout, content, record: path.join(dir, 'state', 'claude-code.json') };
  };

  it('writes root-owned files not writable by others, then removes them and the folders it created', () => {
    const { layout, content, record } = setup();
    fs.mkdirSync(layout.managedDir);
    fs.writeFileSync(path.join(layout.managedDir, 'managed-settings.json'), '{"org": true}');
    const installed = installStartHook(layout, content, record);
    expect(installed).toEqual({ changed: [layout.decisionsPath, layout.launcherPath, layout.fragmentPath], problems: [] });
    expect(fs.statSync(layout.fragmentPath).mode & 0o7777).toBe(0o644);
    expect(fs.statSync(layout.launcherPath).mode & 0o7777).toBe(0o755);
    expect(fs.statSync(layout.fragmentPath).uid).toBe(0);
    expect(installStartHook(layout, content, record)).toEqual({ changed: [], problems: [] });
    expect(removeStartHook(layout, record).changed).toEqual([layout.fragmentPath, layout.launcherPath, layout.decisionsPath]);
    expect(fs.readdirSync(layout.managedDir)).toEqual(['managed-settings.json']);
    expect(fs.existsSync(layout.gateDir)).toBe(false);
    expect(fs.existsSync(record)).toBe(false);
  });

  it('leaves a fragment it did not write alone, and says so', () => {
    const { layout, content, record } = setup();
    fs.mkdirSync(path.dirname(layout.fragmentPath), { recursive: true });
    fs.writeFileSync(layout.fragmentPath, '{"someone": "else"}');
    const out = installStartHook(layout, content, record);
    expect(out.problems[0]).toContain('was not written by Cordon');
    expect(fs.readFileSync(layout.fragmentPath, 'utf8')).toBe('{"someone": "else"}');
    removeStartHook(layout, record);
    expect(fs.readFileSync(layout.fragmentPath, 'utf8')).toBe('{"someone": "else"}');
  });

  it('keeps a file someone changed after Cordon wrote it', () => {
    const { layout, content, record } = setup();
    installStartHook(layout, content, record);
    fs.appendFileSync(layout.fragmentPath, ' ');
    const out = removeStartHook(layout, record);
    expect(out.problems).toEqual([`${layout.fragmentPath} was changed after Cordon wrote it; it is left in place`]);
    expect(fs.existsSync(layout.fragmentPath)).toBe(true);
    expect(fs.existsSync(layout.launcherPath)).toBe(false);
  });

  it('refuses a gate folder an employee could write to', () => {
    const { layout, content, record } = setup();
    fs.mkdirSync(layout.gateDir, { mode: 0o777 });
    fs.chmodSync(layout.gateDir, 0o777);
    const out = installStartHook(layout, content, record);
    expect(out.problems[0]).toBe(`the start hook is not installed: ${layout.gateDir} is writable by users other than root`);
    expect(fs.existsSync(layout.fragmentPath)).toBe(false);
  });
});
