// macOS eslogger and Windows WMI records, shaped from their documented outputs, through the real parsers, helper supervisor and matcher.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBuiltInCatalog } from '../../agent/adapters/catalogFiles.js';
import { createEsloggerSource, parseEsloggerLine } from '../../agent/adapters/processes/darwin/eslogger.js';
import { createHelperEventSource, type HelperRecord } from '../../agent/adapters/processes/helperEvents.js';
import { splitWindowsCommandLine } from '../../agent/adapters/processes/win32/commandLine.js';
import { parseWin32Snapshot, parseWmiLine } from '../../agent/adapters/processes/win32/wmi.js';
import { matchProcesses } from '../../agent/core/detect/index.js';
import type { ProcessInfo } from '../../agent/common/model.js';
import type { ProcessEventHandlers, ProcessEventSource } from '../../agent/ports/index.js';

const catalog = loadBuiltInCatalog();
const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'process-events');
const lines = (name: string) =>
  fs
    .readFileSync(path.join(fixtures, name), 'utf8')
    .split('\n')
    .filter((l) => l !== '');
const execs = (recs: (HelperRecord | null)[]) => recs.flatMap((r) => (r?.kind === 'exec' ? [r.proc] : []));
const claudePids = (procs: ProcessInfo[], platform: 'darwin' | 'win32') =>
  matchProcesses(procs, catalog, platform)
    .filter((o) => o.tool === 'claude-code')
    .map((o) => o.pid);

describe('eslogger exec records (macOS)', () => {
  const userName = (uid: number) => ({ 501: 'alice', 502: '李雷' })[uid];
  const procs = execs(lines('eslogger-exec.jsonl').map((l) => parseEsloggerLine(l, userName)));

  it('reads the started program, its arguments, parent, owner and start time', () => {
    expect(procs.find((p) => p.pid === 4242)).toEqual({
      pid: 4242,
      ppid: 4100,
      uid: 501,
      user: 'alice',
      comm: '2.1.89',
      exe: '/Users/alice/.local/share/claude/versions/2.1.89',
      argv: ['claude', '--resume'],
      startTime: String(Date.parse('2026-11-30T09:00:01Z')),
    });
  });

  it('keeps paths with spaces and non-ASCII letters whole', () => {
    expect(procs.find((p) => p.pid === 4243)).toMatchObject({
      exe: '/Users/李雷/My Tools/claude',
      argv: ['/Users/李雷/My Tools/claude', '-p', 'résumé please'],
      user: '李雷',
      comm: 'claude',
    });
  });

  it('matches Claude Code in every form but spares the desktop app and its own bundled claude-code', () => {
    expect(claudePids(procs, 'darwin').sort()).toEqual([4242, 4243, 4244]);
  });

  it('ignores other events, comment lines and a line cut off mid-record', () => {
    expect(procs.map((p) => p.pid)).toEqual([4242, 4243, 4244, 4245, 700, 4246]);
    expect(parseEsloggerLine('{"event":{"exec":{"target":{"audit_token":{"pid":"12"},"executable":{"path":"/bin/ls"}}}}}')).toBeNull();
  });
});

describe('WMI process start records (Windows)', () => {
  const recs = lines('wmi-exec.jsonl').map(parseWmiLine);
  const procs = execs(recs);

  it('announces readiness, and reads path, split command line, parent, owner and creation time', () => {
    expect(recs.filter((r) => r?.kind === 'ready')).toHaveLength(1);
    expect(procs.find((p) => p.pid === 9123)).toEqual({
      pid: 9123,
      ppid: 8004,
      user: 'alice',
      comm: 'node.exe',
      exe: 'C:\\Program Files\\nodejs\\node.exe',
      argv: ['C:\\Program Files\\nodejs\\node.exe', 'C:\\Users\\alice\\AppData\\Roaming\\npm\\node_modules\\@anthropic-ai\\claude-code\\cli.js', '--resume'],
      startTime: '2026-11-30T09:00:03.0000000Z',
    });
  });

  it('keeps a profile path with a space and non-ASCII letters whole', () => {
    expect(procs.find((p) => p.pid === 9120)).toMatchObject({
      exe: 'C:\\Users\\Zoë Müller\\.local\\bin\\claude.exe',
      argv: ['C:\\Users\\Zoë Müller\\.local\\bin\\claude.exe', '--resume'],
      user: 'zoë.müller',
    });
  });

  it('drops a process that exited before it could be read', () => {
    expect(procs.map((p) => p.pid)).not.toContain(9124);
  });

  it("matches Claude Code by path and script but spares the MSIX desktop app and the desktop app's own claude.exe", () => {
    expect(claudePids(procs, 'win32').sort()).toEqual([9120, 9123]);
  });

  it('the same desktop app seen by name alone (what ps-list gives on Windows) would be taken for Claude Code', () => {
    const nameOnly = procs.filter((p) => p.pid === 9121 || p.pid === 9122).map((p) => ({ pid: p.pid, comm: p.comm, argv: [] }));
    expect(claudePids(nameOnly, 'win32').sort()).toEqual([9121, 9122]);
  });

  it('lists processes from a Win32_Process snapshot, skipping the idle process', () => {
    const snap = JSON.parse(fs.readFileSync(path.join(fixtures, 'win32-process-snapshot.json'), 'utf8')) as { output: unknown[] };
    const listed = parseWin32Snapshot(JSON.stringify(snap.output));
    expect(listed.map((p) => p.pid)).toEqual([4, 9120, 9121]);
    expect(claudePids(listed, 'win32')).toEqual([9120]);
    expect(parseWin32Snapshot(JSON.stringify(snap.output[2]))).toHaveLength(1);
  });
});

describe('Windows command lines split like the C runtime', () => {
  // Examples from Microsoft Learn, "Parsing C command-line arguments" (input after the program name → argv[1..]).
  it.each([
    ['"a b c" d e', ['a b c', 'd', 'e']],
    ['"ab\\"c" "\\\\" d', ['ab"c', '\\', 'd']],
    ['a\\\\\\b d"e f"g h', ['a\\\\\\b', 'de fg', 'h']],
    ['a\\\\\\"b c d', ['a\\"b', 'c', 'd']],
    ['a\\\\\\\\"b c" d e', ['a\\\\b c', 'd', 'e']],
    ['a"b"" c d', ['ab" c d']],
  ])('%s', (args, want) => {
    expect(splitWindowsCommandLine(`prog.exe ${args}`)).toEqual(['prog.exe', ...want]);
  });

  it('takes a quoted program name with spaces whole, without escapes', () => {
    expect(splitWindowsCommandLine('"C:\\Program Files\\x\\" --flag')).toEqual(['C:\\Program Files\\x\\', '--flag']);
  });
});

// The stand-in helpers are shell scripts: POSIX only (the parsers above run everywhere).
describe.skipIf(process.platform === 'win32')('a helper process that prints events, dies and is restarted', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-helper-'));
  let source: ProcessEventSource | null = null;
  afterEach(() => source?.stop());

  function recorder() {
    const seen = { exec: [] as number[], gap: [] as string[], down: [] as string[] };
    const handlers: ProcessEventHandlers = {
      exec: (p) => seen.exec.push(p.pid),
      exit: () => undefined,
      gap: (r) => seen.gap.push(r),
      down: (r) => seen.down.push(r),
    };
    return { seen, handlers };
  }

  async function until(cond: () => boolean, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('a WMI helper that dies is restarted, says events may be missed, and its events flow again', async () => {
    // Each run prints the fixture (ready first), lives a moment, then dies as a crashed helper would.
    const runs = path.join(dir, 'runs');
    fs.writeFileSync(runs, '');
    const script = `echo run >> '${runs}'; cat '${path.join(fixtures, 'wmi-exec.jsonl')}'; sleep 0.3; exit 1`;
    source = createHelperEventSource({ name: 'wmi', command: '/bin/sh', args: ['-c', script], parse: parseWmiLine, restartDelaysMs: [50, 50] });
    const { seen, handlers } = recorder();
    expect(await source.start(handlers)).toEqual({ live: true });
    await until(() => seen.exec.length >= 8);
    expect(seen.exec).toEqual([9120, 9121, 9122, 9123, 9125, 9120, 9121, 9122, 9123, 9125].slice(0, seen.exec.length));
    expect(seen.gap.some((g) => /wmi exited \(code 1\); restarting/.test(g))).toBe(true);
    expect(seen.gap.some((g) => /wmi restarted/.test(g))).toBe(true);
    expect(fs.readFileSync(runs, 'utf8').split('\n').length).toBeGreaterThan(2);
  });

  it('a helper that keeps failing after it died is given up, and the source reports itself down', async () => {
    const flag = path.join(dir, 'once');
    const script = `if [ -e '${flag}' ]; then echo 'Access denied' >&2; exit 5; fi; touch '${flag}'; echo '{"kind":"ready"}'; sleep 0.2; exit 1`;
    source = createHelperEventSource({ name: 'wmi', command: '/bin/sh', args: ['-c', script], parse: parseWmiLine, restartDelaysMs: [20, 20] });
    const { seen, handlers } = recorder();
    expect(await source.start(handlers)).toEqual({ live: true });
    await until(() => seen.down.length > 0);
    expect(seen.down[0]).toMatch(/Access denied; gave up after 2 restarts/);
  });

  it('eslogger lines flow through the real eslogger source once it has run without being denied', async () => {
    const fake = path.join(dir, 'eslogger');
    fs.writeFileSync(fake, `#!/bin/sh\n[ "$1" = exec ] || exit 64\ncat '${path.join(fixtures, 'eslogger-exec.jsonl')}'\nexec sleep 30\n`, { mode: 0o755 });
    source = createEsloggerSource({ command: fake, userName: () => 'alice' });
    const { seen, handlers } = recorder();
    expect(await source.start(handlers)).toEqual({ live: true });
    expect(seen.exec).toEqual([4242, 4243, 4244, 4245, 700, 4246]);
  });

  it('eslogger denied Full Disk Access is not live, and says why', async () => {
    // The result eslogger gets from es_new_client without TCC approval (ESClient.h: ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED).
    const fake = path.join(dir, 'eslogger-denied');
    fs.writeFileSync(fake, '#!/bin/sh\necho "ERROR: es_new_client: ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED" >&2\nexit 71\n', { mode: 0o755 });
    source = createEsloggerSource({ command: fake });
    const state = await source.start(recorder().handlers);
    expect(state).toEqual({
      live: false,
      reason: expect.stringMatching(/eslogger exited \(code 71\): ERROR: es_new_client: ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED/),
    });
  });

  it('a missing eslogger (before macOS 13) is not live, and says why', async () => {
    source = createEsloggerSource({ command: path.join(dir, 'no-such-eslogger') });
    expect(await source.start(recorder().handlers)).toEqual({ live: false, reason: expect.stringMatching(/no-such-eslogger not found/) });
  });
});
