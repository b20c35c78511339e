// Installs and removes Cordon's start hook files (fragment, launcher, decisions), only ever touching files Cordon wrote.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { StartHookLayout } from '../core/gate/startHook.js';

/** What Cordon wrote, so it removes or replaces only its own files and only the folders it created. */
interface OwnershipRecord {
  files: Record<string, string>;
  createdDirs: string[];
}

export interface StartHookContent {
  fragment: string;
  /** null where the launcher is installed with the agent (Windows .exe). */
  launcher: string | null;
  decisions: string;
}

export interface StartHookOutcome {
  /** Files written or removed in this call. */
  changed: string[];
  /** Plain sentences for status: what could not be done and why. */
  problems: string[];
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

function readRecord(file: string): OwnershipRecord {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<OwnershipRecord>;
    return { files: typeof v.files === 'object' && v.files !== null ? v.files : {}, createdDirs: Array.isArray(v.createdDirs) ? v.createdDirs : [] };
  } catch {
    return { files: {}, createdDirs: [] };
  }
}

function writeRecord(file: string, record: OwnershipRecord): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(record, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

function currentHash(file: string): string | null {
  try {
    return sha256(fs.readFileSync(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Writes via a temporary file in the same folder and a rename, with the mode set explicitly (the umask does not apply). */
function writeAtomic(file: string, data: string, mode: number): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, data, { mode, flag: 'wx' });
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** A folder anyone but root could change would let an employee swap the launcher or the decisions. */
function unsafeAncestor(dir: string): string | null {
  if (process.platform === 'win32' || process.getuid?.() !== 0) return null;
  let at = path.resolve(dir);
  for (;;) {
    try {
      const st = fs.statSync(at);
      const sticky = (st.mode & 0o1000) !== 0;
      if (st.uid !== 0) return `${at} is owned by uid ${st.uid}, not root`;
      if ((st.mode & 0o022) !== 0 && !sticky) return `${at} is writable by users other than root`;
    } catch {
      // A folder that does not exist yet is created by root below.
    }
    const up = path.dirname(at);
    if (up === at) return null;
    at = up;
  }
}

function ensureDir(dir: string, record: OwnershipRecord): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); !fs.existsSync(at); at = path.dirname(at)) missing.unshift(at);
  for (const d of missing) {
    fs.mkdirSync(d, { mode: 0o755 });
    fs.chmodSync(d, 0o755);
    record.createdDirs.push(d);
  }
}

/**
 * Puts the hook in place: decisions, then launcher, then the fragment last, so Claude Code never meets a fragment
 * whose launcher is missing. A file at one of these paths that Cordon did not write is left alone and reported.
 */
export function installStartHook(layout: StartHookLayout, content: StartHookContent, recordFile: string): StartHookOutcome {
  const out: StartHookOutcome = { changed: [], problems: [] };
  const unsafe = unsafeAncestor(layout.gateDir) ?? unsafeAncestor(path.dirname(layout.fragmentPath));
  if (unsafe) {
    out.problems.push(`the start hook is not installed: ${unsafe}`);
    return out;
  }
  const record = readRecord(recordFile);
  const files: [string, string, number][] = [[layout.decisionsPath, content.decisions, 0o644]];
  if (content.launcher !== null) files.push([layout.launcherPath, content.launcher, 0o755]);
  else if (!fs.existsSync(layout.launcherPath)) {
    // A fragment naming a missing helper would stop Claude Code for everyone, exempt or not.
    out.problems.push(
      `the start hook is not installed: the launcher ${layout.launcherPath} is missing (on Windows it must be an .exe installed with the agent)`,
    );
    return out;
  }
  files.push([layout.fragmentPath, content.fragment, 0o644]);
  try {
    for (const [file, data, mode] of files) {
      const now = currentHash(file);
      if (now !== null && record.files[file] !== now) {
        out.problems.push(`${file} exists and was not written by Cordon; it is left as it is, so the start hook is not installed`);
        return out;
      }
      ensureDir(path.dirname(file), record);
      if (now === sha256(data) && (fs.statSync(file).mode & 0o7777) === mode) continue;
      writeAtomic(file, data, mode);
      record.files[file] = sha256(data);
      out.changed.push(file);
    }
  } finally {
    writeRecord(recordFile, record);
  }
  return out;
}

/** Removes what Cordon wrote (fragment first) and the folders it created, if empty; anything changed by others stays. */
export function removeStartHook(layout: StartHookLayout, recordFile: string): StartHookOutcome {
  const out: StartHookOutcome = { changed: [], problems: [] };
  const record = readRecord(recordFile);
  if (Object.keys(record.files).length === 0 && record.createdDirs.length === 0) return out;
  for (const file of [layout.fragmentPath, layout.launcherPath, layout.decisionsPath, ...Object.keys(record.files)]) {
    const wrote = record.files[file];
    if (wrote === undefined) continue;
    const now = currentHash(file);
    if (now === wrote) {
      fs.rmSync(file, { force: true });
      out.changed.push(file);
    } else if (now !== null) {
      out.problems.push(`${file} was changed after Cordon wrote it; it is left in place`);
    }
    delete record.files[file];
  }
  for (const dir of [...record.createdDirs].sort((a, b) => b.length - a.length)) {
    try {
      fs.rmdirSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
  }
  record.createdDirs = [];
  if (Object.keys(record.files).length === 0) fs.rmSync(recordFile, { force: true });
  else writeRecord(recordFile, record);
  return out;
}

/**
 * Managed sources Claude Code reads before its files: when one holds a policy, the files and so Cordon's hook are
 * ignored. macOS: the configuration profile's preferences file; Windows: the HKLM policy value (read with reg.exe).
 */
export function precedingPolicySources(layout: StartHookLayout, systemRoot = '/'): string[] {
  switch (layout.platform) {
    case 'linux':
      return [];
    case 'darwin': {
      const plist = path.join(systemRoot, 'Library', 'Managed Preferences', 'com.anthropic.claudecode.plist');
      return fs.existsSync(plist) ? [`a configuration profile (${plist}) sets Claude Code's managed settings`] : [];
    }
    case 'win32': {
      if (process.platform !== 'win32') return [];
      const r = spawnSync('reg', ['query', 'HKLM\\SOFTWARE\\Policies\\ClaudeCode', '/v', 'Settings'], { encoding: 'utf8', timeout: 5000, windowsHide: true });
      return r.status === 0 ? ["the registry value HKLM\\SOFTWARE\\Policies\\ClaudeCode\\Settings sets Claude Code's managed settings"] : [];
    }
  }
}
