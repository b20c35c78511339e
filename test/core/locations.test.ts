// The catalog's location syntax: which prefixes exist, which segments are refused, and how paths are joined and shown.
import { describe, expect, it } from 'vitest';
import { displayPath, hasWildcard, joinPath, parseLocation, resolveLocation, segmentMatcher } from '../../agent/core/detect/locations.js';

const alice = { user: 'alice', home: '/home/alice' };
const bob = { user: 'bob', home: '/home/bob' };

describe('parseLocation', () => {
  it.each([
    ['~/.local/bin/claude', 'home', ['.local', 'bin', 'claude']],
    ['%USERPROFILE%/.claude', 'home', ['.claude']],
    ['%APPDATA%/Claude', 'home', ['AppData', 'Roaming', 'Claude']],
    ['%LOCALAPPDATA%/AnthropicClaude', 'home', ['AppData', 'Local', 'AnthropicClaude']],
    ['/usr/local/bin/claude', 'system', ['usr', 'local', 'bin', 'claude']],
    ['%SYSTEMDRIVE%/tools/claude.exe', 'system', ['tools', 'claude.exe']],
    ['C:/tools/claude.exe', 'system', ['tools', 'claude.exe']],
    ['%PROGRAMFILES%/Claude', 'system', ['Program Files', 'Claude']],
    ['%PROGRAMFILES(X86)%/Claude', 'system', ['Program Files (x86)', 'Claude']],
    ['%PROGRAMDATA%/Claude', 'system', ['ProgramData', 'Claude']],
  ])('%s lies under the %s root as %j', (pattern, scope, segments) => {
    expect(parseLocation(pattern)).toEqual({ prefix: pattern.split('/')[0], scope, segments });
  });

  it.each([
    ['an unknown prefix', '$HOME/.claude'],
    ['a relative path', '.claude/settings.json'],
    ['a prefix alone', '~'],
    ['an empty segment', '~//claude'],
    ['a trailing slash', '~/.claude/'],
    ['a dot segment', '~/./claude'],
    ['a parent segment', '~/../root/.claude'],
    ['a parent segment deeper down', '/opt/claude/../../etc/shadow'],
    ['a recursive wildcard', '~/**/claude'],
    ['a recursive wildcard inside a segment', '~/a**b/claude'],
    ['a backslash', '~/.local\\bin/claude'],
  ])('refuses %s', (_why, pattern) => {
    expect(parseLocation(pattern)).toBeNull();
  });

  it('accepts single wildcards and dots that are part of a name', () => {
    expect(parseLocation('~/.vscode/extensions/anthropic.claude-code-*')?.segments).toEqual(['.vscode', 'extensions', 'anthropic.claude-code-*']);
    expect(parseLocation('~/..hidden/x')?.segments).toEqual(['..hidden', 'x']);
  });
});

describe('resolveLocation', () => {
  const ctx = { systemRoot: '/mnt/image', homes: [alice, bob] };

  it('resolves a home location once per home, carrying the home', () => {
    expect(resolveLocation('~/.claude', ctx)).toEqual([
      { base: '/home/alice', segments: ['.claude'], home: alice },
      { base: '/home/bob', segments: ['.claude'], home: bob },
    ]);
  });

  it('resolves a system location once, below the system root, with no home', () => {
    expect(resolveLocation('/usr/bin/claude', ctx)).toEqual([{ base: '/mnt/image', segments: ['usr', 'bin', 'claude'] }]);
  });

  it('resolves nothing for a malformed location or when there are no homes', () => {
    expect(resolveLocation('~/../etc', ctx)).toEqual([]);
    expect(resolveLocation('~/.claude', { systemRoot: '/', homes: [] })).toEqual([]);
  });
});

describe('joinPath', () => {
  it('joins POSIX bases with slashes and drops trailing separators', () => {
    expect(joinPath('/home/a', '.local', 'bin')).toBe('/home/a/.local/bin');
    expect(joinPath('/', 'usr', 'bin')).toBe('/usr/bin');
    expect(joinPath('/home/a//', 'x')).toBe('/home/a/x');
  });

  it('keeps a Windows base Windows-like', () => {
    expect(joinPath('C:\\Users\\a', 'AppData', 'Roaming')).toBe('C:\\Users\\a\\AppData\\Roaming');
    expect(joinPath('C:\\Users\\a\\', 'x')).toBe('C:\\Users\\a\\x');
  });

  it('uses slashes for a base that already mixes in forward slashes', () => {
    expect(joinPath('C:/Users\\a', 'x')).toBe('C:/Users\\a/x');
  });

  it('returns the base itself with no segments', () => {
    expect(joinPath('/home/a')).toBe('/home/a');
  });
});

describe('hasWildcard', () => {
  it('tells wildcard segments from literal ones', () => {
    expect(hasWildcard('anthropic.claude-code-*')).toBe(true);
    expect(hasWildcard('claude')).toBe(false);
  });
});

describe('segmentMatcher', () => {
  it('matches a star as any run inside one segment, and the rest literally', () => {
    const m = segmentMatcher('anthropic.claude-code-*', 'linux');
    expect(m('anthropic.claude-code-2.1.0')).toBe(true);
    expect(m('anthropic.claude-code-')).toBe(true);
    expect(m('anthropicXclaude-code-2.1.0')).toBe(false);
    expect(m('xanthropic.claude-code-2')).toBe(false);
    expect(m('anthropic.claude-code-2/evil')).toBe(false);
    expect(m('anthropic.claude-code-2\\evil')).toBe(false);
  });

  it('treats regular-expression characters literally', () => {
    expect(segmentMatcher('a+b(c)', 'linux')('a+b(c)')).toBe(true);
    expect(segmentMatcher('a+b(c)', 'linux')('aab(c)')).toBe(false);
    expect(segmentMatcher('v[1]', 'linux')('v1')).toBe(false);
    expect(segmentMatcher('x|y', 'linux')('y')).toBe(false);
  });

  it('anchors at both ends', () => {
    const m = segmentMatcher('claude', 'linux');
    expect(m('claude')).toBe(true);
    expect(m('claude-monet')).toBe(false);
    expect(m('my-claude')).toBe(false);
  });

  it('folds case where the default disk does (Windows, macOS APFS), not on Linux', () => {
    expect(segmentMatcher('Claude*', 'win32')('claude-1.0')).toBe(true);
    expect(segmentMatcher('Claude*', 'linux')('claude-1.0')).toBe(false);
    expect(segmentMatcher('Claude*', 'darwin')('claude-1.0')).toBe(true);
  });
});

describe('displayPath', () => {
  it('writes a path inside the home with a tilde and forward slashes', () => {
    expect(displayPath('/home/alice/.local/bin/claude', alice)).toBe('~/.local/bin/claude');
    expect(displayPath('C:\\Users\\a\\.claude', { user: 'a', home: 'C:\\Users\\a\\' })).toBe('~/.claude');
  });

  it('leaves system paths and paths outside the home as they are', () => {
    expect(displayPath('/usr/bin/claude')).toBe('/usr/bin/claude');
    expect(displayPath('/srv/claude', alice)).toBe('/srv/claude');
  });
});
