// The process matcher's decision rules, on a small catalog written here: names, paths, exclusions, scripts and platforms.
import { describe, expect, it } from 'vitest';
import type { Platform, ProcessInfo } from '../../agent/common/model.js';
import type { Catalog, ProcessSignature, ToolSignature } from '../../agent/core/catalog/types.js';
import { matchProcesses } from '../../agent/core/detect/matchProcesses.js';

function tool(id: string, processes: ProcessSignature[]): ToolSignature {
  return { id, name: `Tool ${id}`, vendor: 'v', category: 'cli', description: 'd', processes, examples: {} };
}

const catalog: Catalog = {
  interpreters: ['node', 'python3'],
  tools: [
    tool('desktop', [{ names: ['claude.exe'], pathFragments: ['/AnthropicClaude/'] }]),
    tool('cli', [
      { names: ['claude', 'claude.exe', 'claude-code-longname'], excludePathFragments: ['/AnthropicClaude/'] },
      { pathFragments: ['/@anthropic-ai/claude-code/'] },
    ]),
    tool('mac-only', [{ platforms: ['darwin'], names: ['macclaude'] }]),
  ],
};

const proc = (p: Partial<ProcessInfo>): ProcessInfo => ({ pid: 7, comm: 'x', argv: [], ...p });
const match = (p: Partial<ProcessInfo>, platform: Platform = 'linux') => matchProcesses([proc(p)], catalog, platform);
const tools = (p: Partial<ProcessInfo>, platform: Platform = 'linux') => match(p, platform).map((o) => o.tool);

describe('matchProcesses: names', () => {
  it('takes a name from comm, argv[0] or exe, and says which', () => {
    expect(match({ comm: 'claude' })[0]?.signal).toBe('comm is claude');
    expect(match({ comm: 'sleep', argv: ['/opt/bin/claude', '60'] })[0]?.signal).toBe('argv[0] is claude');
    expect(match({ comm: 'sleep', argv: ['sleep'], exe: '/opt/bin/claude' })[0]?.signal).toBe('exe is claude');
  });

  it('accepts a comm cut to 15 bytes on Linux only, and only when the full name is longer', () => {
    expect(tools({ comm: 'claude-code-lon' })).toEqual(['cli']);
    expect(tools({ comm: 'claude-code-lon' }, 'darwin')).toEqual([]);
    expect(tools({ comm: 'claude-code-lo' })).toEqual([]);
    expect(tools({ comm: 'sleep', argv: ['claude-code-lon'] })).toEqual([]);
    expect(tools({ comm: 'claude-code-xyz' })).toEqual([]);
  });

  it('folds case on Windows, for names and paths', () => {
    expect(tools({ comm: 'CLAUDE.EXE' }, 'win32')).toEqual(['cli']);
    expect(tools({ comm: 'CLAUDE.EXE' }, 'linux')).toEqual([]);
    expect(tools({ comm: 'claude.exe', argv: ['C:\\Users\\a\\AppData\\Local\\anthropicclaude\\claude.exe'] }, 'win32')).toEqual(['desktop']);
  });
});

describe('matchProcesses: paths and exclusions', () => {
  it('matches a path fragment in argv[0] or exe, with backslashes read as slashes', () => {
    expect(match({ comm: 'node', argv: ['/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js'] })[0]).toMatchObject({
      tool: 'cli',
      signal: 'argv[0] path contains /@anthropic-ai/claude-code/',
    });
    expect(tools({ comm: 'claude.exe', exe: 'C:\\npm\\node_modules\\@anthropic-ai\\claude-code\\bin\\claude.exe' }, 'win32')).toEqual(['cli']);
  });

  it('needs both the name and the fragment when a signature gives both', () => {
    expect(tools({ comm: 'claude.exe', argv: ['C:/Users/a/AppData/Local/AnthropicClaude/app-1/claude.exe'] }, 'win32')).toEqual(['desktop']);
    expect(tools({ comm: 'other.exe', argv: ['C:/Users/a/AppData/Local/AnthropicClaude/app-1/other.exe'] }, 'win32')).toEqual([]);
  });

  it('lets an excluded fragment veto a signature, whichever path carries it', () => {
    expect(tools({ comm: 'claude', exe: '/opt/AnthropicClaude/claude' })).toEqual([]);
    expect(tools({ comm: 'claude', argv: ['/opt/AnthropicClaude/claude'] })).toEqual([]);
  });

  it('reports the first matching signature of a tool once, and the path that matched', () => {
    const [obs, ...rest] = match({ comm: 'claude', exe: '/usr/lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe' });
    expect(rest).toEqual([]);
    expect(obs).toMatchObject({ tool: 'cli', signal: 'comm is claude', path: '/usr/lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe' });
  });
});

describe('matchProcesses: scripts run by an interpreter', () => {
  it('takes the first argument that is not an option as the script', () => {
    const [obs] = match({ comm: 'node', argv: ['node', '--inspect', '', '/home/a/bin/claude', 'mcp'] });
    expect(obs).toMatchObject({ tool: 'cli', signal: 'script is claude', path: '/home/a/bin/claude' });
  });

  it('recognises an interpreter by argv[0], exe, or a Windows .exe name', () => {
    expect(tools({ comm: 'x', argv: ['/usr/bin/node', '/tmp/claude'] })).toEqual(['cli']);
    expect(tools({ comm: 'x', argv: ['n'], exe: '/usr/bin/python3' })).toEqual([]);
    expect(tools({ comm: 'x', argv: ['C:\\node\\node.exe', 'C:\\tools\\claude'] }, 'win32')).toEqual(['cli']);
    expect(tools({ comm: 'x', argv: ['C:\\node\\NODE.EXE', 'C:\\tools\\claude'] }, 'win32')).toEqual(['cli']);
  });

  it('takes no script from a program that is not an interpreter', () => {
    expect(tools({ comm: 'less', argv: ['less', '/home/a/claude'] })).toEqual([]);
  });

  it('finds a path fragment in the script path and reports the script as the path', () => {
    const [obs] = match({ comm: 'node', argv: ['node', '/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js'], exe: '/usr/bin/node' });
    expect(obs).toMatchObject({ signal: 'script path contains /@anthropic-ai/claude-code/', path: '/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js' });
  });
});

describe('matchProcesses: what an observation carries', () => {
  it('uses exe, then the script, then argv[0], then comm as the path', () => {
    expect(match({ comm: 'claude', argv: ['claude'], exe: '/bin/claude' })[0]?.path).toBe('/bin/claude');
    expect(match({ comm: 'claude', argv: ['claude'] })[0]?.path).toBe('claude');
    expect(match({ comm: 'claude', argv: [] })[0]?.path).toBe('claude');
  });

  it('carries pid, user and start time when known, and words for people', () => {
    const [obs] = matchProcesses([proc({ pid: 42, comm: 'claude', user: 'bob', startTime: '99' })], catalog, 'linux');
    expect(obs).toEqual({
      tool: 'cli',
      kind: 'process',
      pid: 42,
      path: 'claude',
      user: 'bob',
      signal: 'comm is claude',
      detail: 'Tool cli running as pid 42 (comm is claude)',
      startTime: '99',
    });
    const [bare] = matchProcesses([proc({ comm: 'claude' })], catalog, 'linux');
    expect(bare).not.toHaveProperty('user');
    expect(bare).not.toHaveProperty('startTime');
  });

  it('applies platform-bound signatures on their platform only', () => {
    expect(tools({ comm: 'macclaude' }, 'darwin')).toEqual(['mac-only']);
    expect(tools({ comm: 'macclaude' }, 'linux')).toEqual([]);
  });

  it('matches every process of a list', () => {
    const obs = matchProcesses([proc({ pid: 1, comm: 'claude' }), proc({ pid: 2, comm: 'bash' }), proc({ pid: 3, comm: 'claude' })], catalog, 'linux');
    expect(obs.map((o) => o.pid)).toEqual([1, 3]);
  });
});
