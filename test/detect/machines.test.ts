// Whole machines laid out as real Linux, macOS and Windows homes and system roots: every install form is found, look-alikes are not.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBuiltInCatalog } from '../../agent/adapters/catalogFiles.js';
import { nodeFileSystem } from '../../agent/adapters/fileSystem.js';
import { createUserNameCache } from '../../agent/adapters/users.js';
import { scanConfigs, scanInstalls } from '../../agent/core/detect/index.js';
import { tempMachine, type TempMachine } from './layout.js';

const catalog = loadBuiltInCatalog();
const machines: TempMachine[] = [];
afterAll(() => machines.forEach((m) => m.cleanup()));
const machine = (platform: 'linux' | 'darwin' | 'win32') => {
  const m = tempMachine(platform);
  machines.push(m);
  return m;
};
const scan = (m: TempMachine) => [...scanInstalls(nodeFileSystem, catalog.tools, m.ctx), ...scanConfigs(nodeFileSystem, catalog.tools, m.ctx)];
/** Every path found, parts of grouped installs included: grouping never loses a path. */
const found = (m: TempMachine) => scan(m).flatMap((o) => (o.parts?.map((p) => p.path) ?? [o.path ?? '']).map((p) => `${o.tool} ${path.relative(m.root, p)}`));

describe('a Linux laptop', () => {
  it('shows every Claude Code install form with its role and user', () => {
    const m = machine('linux');
    const version = m.file('~/.local/share/claude/versions/2.1.89', '\x7fELF');
    fs.mkdirSync(m.at('~/.local/bin'), { recursive: true });
    fs.symlinkSync(version, m.at('~/.local/bin/claude'));
    m.file('~/.claude/settings.json', '{}');
    m.file('~/.nvm/versions/node/v22.11.0/lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe');
    m.file('/usr/bin/claude');
    m.file('/etc/apt/sources.list.d/claude-code.list', 'deb https://downloads.claude.ai/claude-code/apt/stable stable main\n');
    m.dirAt('~/.vscode-server/extensions/anthropic.claude-code-2.1.74-linux-x64');
    m.dirAt('~/.local/share/JetBrains/IntelliJIdea2025.2/claude-code-jetbrains-plugin');
    m.file('~/.bashrc', 'alias ll="ls -l"\n\nexport ANTHROPIC_API_KEY=sk-ant-api03-abc\n');

    m.ctx.userName = createUserNameCache();
    const obs = scan(m);
    const byPath = new Map(obs.map((o) => [path.relative(m.root, o.path ?? ''), o]));
    expect(byPath.get('home/alice/.local/bin/claude')).toMatchObject({
      tool: 'claude-code',
      role: 'program',
      user: 'alice',
      form: 'native',
      signal: 'native installer',
    });
    expect(byPath.get('home/alice/.local/bin/claude')?.parts).toEqual([
      { path: m.at('~/.local/bin/claude'), what: 'native installer launcher', role: 'program', linkTarget: version },
      { path: m.at('~/.local/share/claude'), what: 'native installer version store', role: 'program' },
      { path: m.at('~/.local/share/claude/versions/2.1.89'), what: 'native installer version', role: 'program' },
    ]);
    expect(byPath.has('home/alice/.local/share/claude')).toBe(false);
    expect(byPath.get('home/alice/.claude')).toMatchObject({ tool: 'claude-code', role: 'data' });
    expect(byPath.get('etc/apt/sources.list.d/claude-code.list')).toMatchObject({ role: 'evidence', user: os.userInfo().username });
    expect(byPath.get('home/alice/.bashrc')).toMatchObject({
      tool: 'anthropic-model-config',
      kind: 'config',
      detail: 'ANTHROPIC_API_KEY set in ~/.bashrc line 3',
    });
    expect(found(m).sort()).toEqual(
      [
        'claude-code home/alice/.claude',
        'claude-code home/alice/.local/bin/claude',
        'claude-code home/alice/.local/share/claude',
        'claude-code home/alice/.local/share/claude/versions/2.1.89',
        'claude-code home/alice/.nvm/versions/node/v22.11.0/lib/node_modules/@anthropic-ai/claude-code',
        'claude-code usr/bin/claude',
        'claude-code etc/apt/sources.list.d/claude-code.list',
        'claude-code-ide home/alice/.vscode-server/extensions/anthropic.claude-code-2.1.74-linux-x64',
        'claude-code-ide home/alice/.local/share/JetBrains/IntelliJIdea2025.2/claude-code-jetbrains-plugin',
        'anthropic-model-config home/alice/.bashrc',
      ].sort(),
    );
  });

  it('is clean when full of look-alikes', () => {
    const m = machine('linux');
    m.file('~/notes/claude-monet.txt', 'Claude Monet painted water lilies.\n');
    m.file('~/Documents/Claude Monet.md', '# Claude Monet\n');
    m.file('~/.local/bin/claudette', '#!/bin/sh\n');
    m.file('/usr/local/bin/claudette');
    m.dirAt('~/.claudette');
    m.file('~/.bashrc', 'export OPENAI_API_KEY=sk-proj-123\n# export ANTHROPIC_API_KEY=old\necho "Claude Monet"\n');
    m.dirAt('~/.vscode/extensions/anthropic-fan.theme-1.0.0');
    m.dirAt('~/.vscode/extensions/ms-python.python-2025.1.0');
    m.file('~/.config/Code/User/settings.json', '{\n  // theme\n  "workbench.colorTheme": "Claude Monet",\n}\n');
    m.dirAt('~/.nvm/versions/node/v22.11.0/lib/node_modules/@anthropic-fan/claude-code-notes');
    m.dirAt('~/.local/share/claude-monet');
    expect(found(m)).toEqual([]);
  });

  it('reports a symlinked ~/.local/share/claude as a link and never enters it', () => {
    const m = machine('linux');
    fs.mkdirSync(m.at('~/.local/share'), { recursive: true });
    const outside = m.dirAt('/etc');
    fs.mkdirSync(path.join(outside, 'versions', '9.9.9'), { recursive: true });
    fs.symlinkSync(outside, m.at('~/.local/share/claude'));
    const obs = scanInstalls(nodeFileSystem, catalog.tools, m.ctx);
    expect(obs).toEqual([expect.objectContaining({ tool: 'claude-code', path: m.at('~/.local/share/claude'), linkTarget: outside })]);
  });

  it('never copies a secret or any matched value into its output', () => {
    const m = machine('linux');
    const secret = 'sk-ant-api03-SECRETVALUE-do-not-leak';
    m.file('~/.bashrc', `export ANTHROPIC_API_KEY=${secret}\nexport ANTHROPIC_BASE_URL=https://${secret}.example\n`);
    m.file('~/.claude/settings.json', JSON.stringify({ model: 'claude-opus-4-1', env: { ANTHROPIC_AUTH_TOKEN: secret } }));
    m.file('~/.aider.conf.yml', `anthropic-api-key: ${secret}\nmodel: sonnet\n`);
    const out = JSON.stringify(scan(m));
    expect(out).toContain('ANTHROPIC_API_KEY set in ~/.bashrc line 1');
    expect(out).toContain('Aider has an Anthropic API key');
    expect(out).not.toContain(secret);
    expect(out).not.toContain('SECRETVALUE');
    expect(out).not.toContain('claude-opus-4-1');
  });

  it('skips config files above their size cap', () => {
    const m = machine('linux');
    m.file('~/.bashrc', `export ANTHROPIC_API_KEY=x\n${'#'.repeat(1024 * 1024)}\n`);
    expect(scan(m)).toEqual([]);
  });
});

describe('a macOS disk image scanned from Linux', () => {
  it('shows Homebrew, native, npm-under-fnm, Claude Desktop and the IDE extensions', () => {
    const m = machine('darwin');
    m.file('/opt/homebrew/Caskroom/claude-code/2.1.89/claude');
    m.dirAt('/Applications/Claude.app/Contents/MacOS');
    m.dirAt('~/Library/Application Support/Claude');
    m.dirAt('~/Library/Application Support/fnm/node-versions/v22.11.0/installation/lib/node_modules/@anthropic-ai/claude-code');
    m.dirAt('~/.cursor/extensions/anthropic.claude-code-2.1.74-darwin-arm64');
    m.dirAt('~/Library/Application Support/JetBrains/PyCharm2025.1/plugins/claude-code-jetbrains-plugin');
    m.file('~/.zshrc', 'export PATH="$HOME/.local/bin:$PATH"\nexport ANTHROPIC_BASE_URL=https://gw.example\n');
    m.dirAt('/Applications/Claudette.app');
    expect(found(m).sort()).toEqual(
      [
        'claude-code opt/homebrew/Caskroom/claude-code',
        'claude-code Users/alice/Library/Application Support/fnm/node-versions/v22.11.0/installation/lib/node_modules/@anthropic-ai/claude-code',
        'claude-desktop Applications/Claude.app',
        'claude-desktop Users/alice/Library/Application Support/Claude',
        'claude-code-ide Users/alice/.cursor/extensions/anthropic.claude-code-2.1.74-darwin-arm64',
        'claude-code-ide Users/alice/Library/Application Support/JetBrains/PyCharm2025.1/plugins/claude-code-jetbrains-plugin',
        'cursor Users/alice/.cursor',
        'anthropic-model-config Users/alice/.zshrc',
      ].sort(),
    );
  });
});

describe('a Windows disk image scanned from Linux', () => {
  it('shows the native installer, npm shims, WinGet, Claude Desktop MSIX and Squirrel', () => {
    const m = machine('win32');
    m.file('~/.local/bin/claude.exe', 'MZ');
    m.file('%APPDATA%/npm/claude.cmd');
    m.dirAt('%APPDATA%/npm/node_modules/@anthropic-ai/claude-code');
    m.dirAt('%LOCALAPPDATA%/Microsoft/WinGet/Packages/Anthropic.ClaudeCode_Microsoft.Winget.Source_8wekyb3d8bbwe');
    m.dirAt('%PROGRAMFILES%/WindowsApps/Claude_1.0.3_x64__pzs8sxrjxfjjc/app');
    m.dirAt('%LOCALAPPDATA%/AnthropicClaude/app-0.9.3');
    m.dirAt('~/.vscode/extensions/anthropic.claude-code-2.1.222-win32-x64');
    m.dirAt('%APPDATA%/JetBrains/WebStorm2025.2/plugins/claude-code-jetbrains-plugin');
    m.file('~/Documents/PowerShell/Microsoft.PowerShell_profile.ps1', "$env:ANTHROPIC_API_KEY = 'sk-ant'\n");
    m.dirAt('~/.vscode/extensions/ms-python.python-2025.1.0');
    expect(found(m).sort()).toEqual(
      [
        'claude-code Users/alice/.local/bin/claude.exe',
        'claude-code Users/alice/AppData/Roaming/npm/claude.cmd',
        'claude-code Users/alice/AppData/Roaming/npm/node_modules/@anthropic-ai/claude-code',
        'claude-code Users/alice/AppData/Local/Microsoft/WinGet/Packages/Anthropic.ClaudeCode_Microsoft.Winget.Source_8wekyb3d8bbwe',
        'claude-desktop Program Files/WindowsApps/Claude_1.0.3_x64__pzs8sxrjxfjjc',
        'claude-desktop Users/alice/AppData/Local/AnthropicClaude',
        'claude-code-ide Users/alice/.vscode/extensions/anthropic.claude-code-2.1.222-win32-x64',
        'claude-code-ide Users/alice/AppData/Roaming/JetBrains/WebStorm2025.2/plugins/claude-code-jetbrains-plugin',
        'anthropic-model-config Users/alice/Documents/PowerShell/Microsoft.PowerShell_profile.ps1',
      ].sort(),
    );
  });
});
