// The process matcher's rules: exact names from several sources, Windows case, exclusions, no substring guesses.
import { describe, expect, it } from 'vitest';
import { loadBuiltInCatalog } from '../../agent/adapters/catalogFiles.js';
import type { ProcessInfo } from '../../agent/common/model.js';
import { matchProcesses } from '../../agent/core/detect/index.js';

const catalog = loadBuiltInCatalog();
const tools = (p: Omit<ProcessInfo, 'pid'>, platform: 'linux' | 'darwin' | 'win32' = 'linux') =>
  matchProcesses([{ pid: 7, ...p }], catalog, platform).map((o) => o.tool);

describe('matchProcesses', () => {
  it('sees claude in comm even when the exe is the symlink target', () => {
    expect(tools({ comm: 'claude', argv: ['/tmp/x/sleep-copy'], exe: '/usr/bin/sleep' })).toEqual(['claude-code']);
  });

  it('sees the native npm binary by its package path', () => {
    expect(tools({ comm: 'claude', argv: ['claude'], exe: '/usr/lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe' })).toEqual(['claude-code']);
  });

  it('never guesses from substrings', () => {
    expect(tools({ comm: 'claudette', argv: ['claudette', 'claude'], exe: '/usr/bin/claudette' })).toEqual([]);
    expect(tools({ comm: 'less', argv: ['less', '/home/a/claude-monet.txt'], exe: '/usr/bin/less' })).toEqual([]);
    expect(tools({ comm: 'python3', argv: ['python3', '-m', 'http.server'], exe: '/usr/bin/python3.11' })).toEqual([]);
  });

  it('compares names case-insensitively on Windows only', () => {
    expect(tools({ comm: 'CLAUDE.EXE', argv: ['C:\\Users\\a\\.local\\bin\\CLAUDE.EXE'] }, 'win32')).toEqual(['claude-code']);
    expect(tools({ comm: 'Claude', argv: ['/usr/local/bin/Claude'] }, 'linux')).toEqual([]);
  });

  it('tells the desktop app and the IDE extension apart from the CLI by path', () => {
    expect(tools({ comm: 'claude.exe', argv: ['C:\\Users\\a\\AppData\\Local\\AnthropicClaude\\app-0.9.3\\claude.exe'] }, 'win32')).toEqual(['claude-desktop']);
    expect(
      tools({ comm: 'claude', argv: ['/home/a/.cursor-server/extensions/anthropic.claude-code-2.1.74-linux-x64/resources/native-binary/claude'] }),
    ).toEqual(['claude-code-ide']);
  });

  it('carries pid, user and start time for the kill guard', () => {
    const [obs] = matchProcesses([{ pid: 9, comm: 'claude', argv: ['claude'], user: 'bob', startTime: '123' }], catalog, 'linux');
    expect(obs).toMatchObject({ pid: 9, user: 'bob', startTime: '123', kind: 'process', signal: 'comm is claude' });
  });

  it('never copies the command line, which may hold secrets', () => {
    const out = JSON.stringify(matchProcesses([{ pid: 9, comm: 'claude', argv: ['claude', '--api-key', 'sk-ant-SECRET'] }], catalog, 'linux'));
    expect(out).not.toContain('sk-ant-SECRET');
  });
});
