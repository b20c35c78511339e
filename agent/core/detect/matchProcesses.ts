// Process matcher: exact executable names and path fragments from the catalog, checked against every name a process goes by.
import type { Observation, Platform, ProcessInfo } from '../../common/model.js';
import type { Catalog, ProcessSignature } from '../catalog/types.js';
import { pathKey } from '../nameCase.js';

/** Linux keeps only the first 15 bytes of a process name in comm. */
const LINUX_COMM_LENGTH = 15;

interface ProcessView {
  /** [source, name] pairs: where the name came from, for the explanation. */
  names: [string, string][];
  /** [source, path] pairs with forward slashes. */
  paths: [string, string][];
  script?: string;
  /** Catalog binary markers found in the executable. */
  marks: string[];
}

export function matchProcesses(procs: ProcessInfo[], catalog: Catalog, platform: Platform): Observation[] {
  // Program names: Windows ignores case; macOS keeps it (claude is Claude Code, Claude the desktop app). Paths: as the disk.
  const fold = platform === 'win32' ? (s: string) => s.toLowerCase() : (s: string) => s;
  const pathFold = pathKey(platform);
  const interpreters = new Set(catalog.interpreters.map(fold));
  const observations: Observation[] = [];
  for (const proc of procs) {
    const view = viewOf(proc, interpreters, fold);
    for (const tool of catalog.tools) {
      for (const sig of tool.processes ?? []) {
        if (sig.platforms && !sig.platforms.includes(platform)) continue;
        const why = matchSignature(sig, view, fold, pathFold, platform);
        if (!why) continue;
        observations.push({
          tool: tool.id,
          kind: 'process',
          pid: proc.pid,
          path: why.path ?? proc.exe ?? view.script ?? proc.argv[0] ?? proc.comm,
          ...(proc.user ? { user: proc.user } : {}),
          signal: why.signal,
          detail: `${tool.name} running as pid ${proc.pid} (${why.signal})`,
          ...(proc.startTime ? { startTime: proc.startTime } : {}),
        });
        break;
      }
    }
  }
  return observations;
}

/**
 * A first look that lets through every process the matcher could match, built once per catalog: the names and path
 * fragments of every signature for this platform. A signature matches only if its names match (when it has names) and
 * its fragments match (when it has fragments), so a process with no such name and no such fragment can match none;
 * a signature with neither would match anything, and then everything passes. Exclusions only narrow a match, so they
 * are left out. The daemon uses it to skip most of the programs that start on a machine.
 */
export function processPrefilter(catalog: Catalog, platform: Platform): (proc: ProcessInfo) => boolean {
  const fold = platform === 'win32' ? (s: string) => s.toLowerCase() : (s: string) => s;
  const pathFold = pathKey(platform);
  const interpreters = new Set(catalog.interpreters.map(fold));
  const names = new Set<string>();
  /** Linux comm keeps 15 bytes: a comm of that length may be the start of a longer name (nameEquals). */
  const commStarts = new Set<string>();
  const fragments: string[] = [];
  let matchesAnything = false;
  for (const tool of catalog.tools) {
    for (const sig of tool.processes ?? []) {
      if (sig.platforms && !sig.platforms.includes(platform)) continue;
      if (sig.names) {
        for (const n of sig.names) {
          names.add(fold(n));
          if (platform === 'linux' && n.length > LINUX_COMM_LENGTH) commStarts.add(n.slice(0, LINUX_COMM_LENGTH));
        }
      } else if (sig.pathFragments) fragments.push(...sig.pathFragments.map(pathFold));
      // Recognised by content: the daemon reads the executable only where nothing else matched (binaryMarkersOf).
      else if (!sig.binaryMarkers) matchesAnything = true;
    }
  }
  if (matchesAnything) return () => true;
  return (proc) => {
    const view = viewOf(proc, interpreters, fold);
    if (view.names.some(([source, n]) => names.has(fold(n)) || (source === 'comm' && n.length === LINUX_COMM_LENGTH && commStarts.has(n)))) return true;
    return view.paths.some(([, p]) => fragments.some((f) => pathFold(p).includes(f)));
  };
}

function viewOf(proc: ProcessInfo, interpreters: Set<string>, fold: (s: string) => string): ProcessView {
  const argv0 = proc.argv[0];
  const names: [string, string][] = [['comm', proc.comm]];
  const paths: [string, string][] = [];
  if (argv0) {
    names.push(['argv[0]', baseName(argv0)]);
    paths.push(['argv[0]', slashed(argv0)]);
  }
  if (proc.exe) {
    names.push(['exe', baseName(proc.exe)]);
    paths.push(['exe', slashed(proc.exe)]);
  }
  const interpreter =
    names.map(([, n]) => fold(stripExe(n))).find((n) => interpreters.has(n)) ?? names.map(([, n]) => fold(n)).find((n) => interpreters.has(n));
  const script = interpreter !== undefined ? scriptOf(interpreter, proc.argv.slice(1)) : undefined;
  if (script) {
    names.push(['script', baseName(script)]);
    paths.push(['script', slashed(script)]);
  }
  return { names, paths, ...(script ? { script } : {}), marks: proc.exeMarks ?? [] };
}

/** Interpreters by family: which options make them run code given inline, so that no argument is a script file. */
const SHELLS = /^(sh|bash|zsh|dash|ksh|fish)$/;
const PYTHONS = /^(python[0-9.]*|pythonw|py)$/;
const EVAL_FLAGS = new Set(['-e', '--eval', '-p', '--print']);

function runsInline(interpreter: string, arg: string): boolean {
  const cluster = /^-[A-Za-z]+$/.test(arg) ? arg.slice(1) : '';
  if (SHELLS.test(interpreter)) return cluster.includes('c');
  if (PYTHONS.test(interpreter)) return cluster.includes('c') || cluster.includes('m');
  return EVAL_FLAGS.has(arg) || arg.startsWith('--eval=') || arg.startsWith('--print=');
}

/**
 * The script an interpreter runs: its first argument that is not an option. `bash -c '… ~/.claude/local …'`,
 * `node -e …` and `python -m …` run no script file, so the text after them is never taken for a path.
 */
function scriptOf(interpreter: string, args: readonly string[]): string | undefined {
  for (const arg of args) {
    if (arg === '') continue;
    if (runsInline(interpreter, arg)) return undefined;
    if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

function matchSignature(
  sig: ProcessSignature,
  view: ProcessView,
  fold: (s: string) => string,
  pathFold: (s: string) => string,
  platform: Platform,
): { signal: string; path?: string } | null {
  const has = (path: string, fragment: string) => pathFold(path).includes(pathFold(fragment));
  if (sig.excludePathFragments?.some((f) => view.paths.some(([, p]) => has(p, f)))) return null;
  const reasons: string[] = [];
  let path: string | undefined;
  if (sig.names) {
    const hit = view.names.find(([source, n]) => sig.names!.some((want) => nameEquals(n, want, source, fold, platform)));
    if (!hit) return null;
    reasons.push(`${hit[0]} is ${hit[1]}`);
    if (hit[0] === 'script') path = view.script;
  }
  if (sig.pathFragments) {
    const hit = view.paths.find(([, p]) => sig.pathFragments!.some((f) => has(p, f)));
    if (!hit) return null;
    const fragment = sig.pathFragments.find((f) => has(hit[1], f))!;
    reasons.push(`${hit[0]} path contains ${fragment}`);
    if (hit[0] === 'script') path = view.script;
  }
  if (sig.binaryMarkers) {
    if (!sig.binaryMarkers.every((m) => view.marks.includes(m))) return null;
    reasons.push('the executable holds the marks of a released build');
  }
  return { signal: reasons.join(', '), ...(path ? { path } : {}) };
}

/** Every binary marker the catalog looks for on this platform: what the daemon searches an executable for. */
export function binaryMarkersOf(catalog: Catalog, platform: Platform): string[] {
  const marks = new Set<string>();
  for (const tool of catalog.tools) {
    for (const sig of tool.processes ?? []) if (!sig.platforms || sig.platforms.includes(platform)) for (const m of sig.binaryMarkers ?? []) marks.add(m);
  }
  return [...marks];
}

function nameEquals(actual: string, wanted: string, source: string, fold: (s: string) => string, platform: Platform): boolean {
  if (fold(actual) === fold(wanted)) return true;
  return platform === 'linux' && source === 'comm' && actual.length === LINUX_COMM_LENGTH && wanted.length > LINUX_COMM_LENGTH && wanted.startsWith(actual);
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] ?? p;
}

function slashed(p: string): string {
  return p.replace(/\\/g, '/');
}

function stripExe(name: string): string {
  return name.replace(/\.exe$/i, '');
}
