// What no policy may kill or quarantine, whatever it says: the system's own processes and folders, a user's keys, and
// the agent itself. Checked when a policy is validated (a signature naming them is refused) and again right before
// each action (a match that slipped through is not acted on).
import type { Platform } from '../common/model.js';
import { parseLocation, segmentMatcher } from './detect/locations.js';
import { pathKey, pathWithin } from './nameCase.js';

/**
 * Executable names that are never a banned tool: process 1 and the system's services, logins and shells, and the
 * interpreters a tool may run under (a tool is recognised by its script, never by the interpreter's name alone).
 */
export const PROTECTED_PROCESS_NAMES: ReadonlySet<string> = new Set([
  'init',
  'systemd',
  'launchd',
  'kernel_task',
  'wininit.exe',
  'winlogon.exe',
  'csrss.exe',
  'lsass.exe',
  'services.exe',
  'smss.exe',
  'svchost.exe',
  'explorer.exe',
  'sshd',
  'sshd-session',
  'login',
  'getty',
  'agetty',
  'sudo',
  'su',
  'doas',
  'polkitd',
  'dbus-daemon',
  'dbus-broker',
  'cron',
  'crond',
  'rsyslogd',
  'journald',
  'Xorg',
  'Xwayland',
  'gnome-shell',
  'kwin_x11',
  'kwin_wayland',
  'WindowServer',
  'loginwindow',
  'Finder',
  'Dock',
  'containerd',
  'dockerd',
  'kubelet',
  'sh',
  'bash',
  'dash',
  'zsh',
  'fish',
  'ksh',
  'tcsh',
  'csh',
  'cmd.exe',
  'powershell.exe',
  'pwsh',
  'pwsh.exe',
  'node',
  'node.exe',
  'python',
  'python3',
  'python.exe',
  'ruby',
  'perl',
  'java',
  'bun',
  'deno',
  'cordon',
]);

/** Names starting so belong to the init system's family (systemd-journald, systemd-logind, …). */
const PROTECTED_NAME_PREFIXES = ['systemd-'];

export function isProtectedProcessName(name: string): boolean {
  return PROTECTED_PROCESS_NAMES.has(name) || PROTECTED_PROCESS_NAMES.has(name.toLowerCase()) || PROTECTED_NAME_PREFIXES.some((p) => name.startsWith(p));
}

/** Folders whose whole tree is off limits (in location syntax). */
const PROTECTED_TREES: readonly string[] = [
  '/etc',
  '/boot',
  '/proc',
  '/sys',
  '/dev',
  '/run',
  '/root/.ssh',
  '/System',
  '/private/etc',
  '%SYSTEMDRIVE%/Windows',
  '~/.ssh',
  '~/.gnupg',
  '~/.pki',
  '~/.password-store',
  '~/Library/Keychains',
];

/** Folders that may hold a tool but may never be taken whole. */
const PROTECTED_FOLDERS: readonly string[] = [
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/usr',
  '/usr/bin',
  '/usr/sbin',
  '/usr/lib',
  '/usr/lib64',
  '/usr/local',
  '/usr/local/bin',
  '/usr/local/lib',
  '/usr/local/lib/node_modules',
  '/usr/lib/node_modules',
  '/usr/share',
  '/opt',
  '/var',
  '/var/lib',
  '/home',
  '/tmp',
  '/Users',
  '/Applications',
  '/Library',
  '%PROGRAMFILES%',
  '%PROGRAMDATA%',
  '%SYSTEMDRIVE%/Users',
  '~/bin',
  '~/.local',
  '~/.local/bin',
  '~/.local/share',
  '~/.local/lib',
  '~/.config',
  '~/.cache',
  '~/.npm',
  '~/.npm-global',
  '~/.npm-global/bin',
  '~/.npm-global/lib',
  '~/.npm-global/lib/node_modules',
  '~/.nvm',
  '~/Library',
  '~/Library/Application Support',
  '~/Applications',
  '~/Desktop',
  '~/Documents',
  '%APPDATA%',
  '%LOCALAPPDATA%',
  '%LOCALAPPDATA%/Programs',
  '%APPDATA%/npm',
  '%APPDATA%/npm/node_modules',
];

/** Path fragments a process signature may not rely on alone: they occur in the paths of the system itself. */
const SYSTEM_PATH_TEXT: readonly string[] = [
  '/usr/bin/',
  '/usr/sbin/',
  '/usr/lib/',
  '/usr/local/bin/',
  '/bin/',
  '/sbin/',
  '/lib/',
  '/etc/',
  '/opt/',
  '/home/',
  '/Users/',
  'C:/Windows/',
];

function segmentsOf(location: string): { scope: 'home' | 'system'; segments: string[] } | null {
  if (location === '~') return { scope: 'home', segments: [] };
  if (location === '/') return { scope: 'system', segments: [] };
  const parsed = parseLocation(location);
  return parsed ? { scope: parsed.scope, segments: parsed.segments } : null;
}

/** Whether a location pattern (with `*`) can name `target` itself, or (with `below`) anything inside it. */
function canReach(pattern: { scope: string; segments: string[] }, target: { scope: string; segments: string[] }, below: boolean, platform: Platform): boolean {
  if (pattern.scope !== target.scope || pattern.segments.length < target.segments.length) return false;
  if (!below && pattern.segments.length !== target.segments.length) return false;
  return target.segments.every((seg, i) => segmentMatcher(pattern.segments[i] as string, platform)(seg));
}

/** Why a declared install location is refused, or null: it could take a protected folder or something inside a protected tree. */
export function protectedLocationReason(location: string, platform: Platform): string | null {
  const pattern = segmentsOf(location);
  if (!pattern) return null;
  if (pattern.segments.length === 0) return `"${location}" is a whole home or the whole system`;
  for (const tree of PROTECTED_TREES) {
    const t = segmentsOf(tree);
    if (t && canReach(pattern, t, true, platform)) return `"${location}" reaches into ${tree}, which no policy may touch`;
  }
  for (const folder of PROTECTED_FOLDERS) {
    const f = segmentsOf(folder);
    if (f && canReach(pattern, f, false, platform)) return `"${location}" can name the folder ${folder} itself, which no policy may take whole`;
  }
  return null;
}

/** Why a process signature is refused, or null: it names a protected process or matches by system paths alone. */
export function protectedProcessReason(sig: { names?: readonly string[]; pathFragments?: readonly string[] }): string | null {
  for (const name of sig.names ?? []) {
    if (isProtectedProcessName(name)) return `the process name "${name}" belongs to the system, a shell or an interpreter, which no policy may kill`;
  }
  for (const fragment of sig.pathFragments ?? []) {
    if (fragment.length < 4 || SYSTEM_PATH_TEXT.some((s) => s.includes(fragment)))
      return `the path fragment "${fragment}" also matches the system's own programs`;
  }
  return null;
}

const norm = (p: string): string => p.replace(/\\/g, '/').replace(/\/+$/, '') || '/';

function resolveAll(locations: readonly string[], homes: readonly string[], systemRoot: string): string[] {
  return locations.flatMap((loc) => {
    const s = segmentsOf(loc);
    if (!s) return [];
    const bases = s.scope === 'home' ? homes : [systemRoot];
    return bases.map((b) => norm([norm(b), ...s.segments].join('/')).replace(/^\/\//, '/'));
  });
}

/** Where a concrete path is judged: the homes and system root the protected folders resolve against, the agent's own
 * folders, and the OS whose disk compares the names (`/applications/…` is `/Applications/…` on macOS). */
type PathScope = [homes: readonly string[], systemRoot: string, extraTrees?: readonly string[], platform?: Platform];

/** The protected tree a concrete path lies in, or null. */
export function protectedTreeOf(path: string, ...[homes, systemRoot, extraTrees = [], platform = 'linux']: PathScope): string | null {
  return [...resolveAll(PROTECTED_TREES, homes, systemRoot), ...extraTrees.map(norm)].find((tree) => pathWithin(platform, path, tree)) ?? null;
}

/** A concrete path to act on, against the protected folders resolved for one home and the system root. */
export function protectedPathReason(path: string, ...[homes, systemRoot, extraTrees = [], platform = 'linux']: PathScope): string | null {
  const tree = protectedTreeOf(path, homes, systemRoot, extraTrees, platform);
  if (tree !== null) return `${path} lies in ${tree}, which Cordon never touches`;
  const key = pathKey(platform);
  const p = key(norm(path));
  for (const folder of [...resolveAll(PROTECTED_FOLDERS, homes, systemRoot), ...homes.map(norm), norm(systemRoot)]) {
    if (p === key(folder)) return `${path} is a folder Cordon never takes whole`;
  }
  return null;
}
