// Windows processes with paths and command lines (Win32_Process), listed and announced at start (Win32_ProcessStartTrace).
import { execFile } from 'node:child_process';
import type { ProcessInfo } from '../../../common/model.js';
import type { ProcessEventSource, ProcessSource } from '../../../ports/index.js';
import { createHelperEventSource, type HelperRecord } from '../helperEvents.js';
import { splitWindowsCommandLine } from './commandLine.js';

export const POWERSHELL = 'powershell.exe';
const SNAPSHOT_TIMEOUT_MS = 60_000;

/** One Win32_Process instance as both scripts print it (property names of the WMI class; CreationDate as ISO 8601 UTC). */
const RECORD = `function Get-CordonRecord($p) {
  if (-not $p) { return $null }
  [ordered]@{ ProcessId = $p.ProcessId; ParentProcessId = $p.ParentProcessId; Name = $p.Name; ExecutablePath = $p.ExecutablePath;
    CommandLine = $p.CommandLine; CreationDate = $(if ($p.CreationDate) { $p.CreationDate.ToUniversalTime().ToString('o') } else { $null }) }
}
$props = 'ProcessId','ParentProcessId','Name','ExecutablePath','CommandLine','CreationDate'`;

/** Every process in one JSON array; owners from Get-Process -IncludeUserName (needs elevation; absent otherwise). */
export const SNAPSHOT_SCRIPT = `$ErrorActionPreference = 'Stop'
[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
${RECORD}
$users = @{}
try { Get-Process -IncludeUserName | ForEach-Object { if ($_.UserName) { $users[[int]$_.Id] = $_.UserName } } } catch { }
$out = foreach ($p in Get-CimInstance -ClassName Win32_Process -Property $props) {
  $r = Get-CordonRecord $p; $r.User = $users[[int]$p.ProcessId]; $r
}
[Console]::Out.WriteLine((ConvertTo-Json -InputObject @($out) -Compress -Depth 3))`;

/**
 * The long-lived helper: subscribes to Win32_ProcessStartTrace (needs Administrator or SYSTEM), says it is ready, then
 * prints one line per started process with the trace's fields, the owner from its SID, and the Win32_Process instance
 * read right away (null when the process already exited). It exits when the agent that started it is gone.
 */
export function helperScript(agentPid: number): string {
  return `$ErrorActionPreference = 'Stop'
[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
${RECORD}
Register-CimIndicationEvent -ClassName Win32_ProcessStartTrace -SourceIdentifier CordonExec | Out-Null
[Console]::Out.WriteLine('{"kind":"ready"}')
while ($true) {
  $e = Wait-Event -SourceIdentifier CordonExec -Timeout 5
  if (-not $e) { if (-not (Get-Process -Id ${agentPid} -ErrorAction SilentlyContinue)) { exit 0 }; continue }
  Remove-Event -EventIdentifier $e.EventIdentifier
  $n = $e.SourceEventArgs.NewEvent
  $user = $null
  try { $user = (New-Object System.Security.Principal.SecurityIdentifier($n.Sid, 0)).Translate([System.Security.Principal.NTAccount]).Value } catch { }
  $p = Get-CimInstance -ClassName Win32_Process -Filter "ProcessId = $($n.ProcessID)" -Property $props -ErrorAction SilentlyContinue
  $rec = [ordered]@{ kind = 'exec'; ProcessID = $n.ProcessID; ParentProcessID = $n.ParentProcessID; ProcessName = $n.ProcessName; User = $user; Process = (Get-CordonRecord $p) }
  [Console]::Out.WriteLine((ConvertTo-Json -InputObject $rec -Compress -Depth 3))
}`;
}

/** One process's Win32_Process record (or `null` when it is gone): the killer's identity check, read as the sources read it. */
export function identityScript(pid: number): string {
  return `$ErrorActionPreference = 'Stop'
[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
${RECORD}
$p = Get-CimInstance -ClassName Win32_Process -Filter "ProcessId = ${pid}" -Property $props
[Console]::Out.WriteLine((ConvertTo-Json -InputObject (Get-CordonRecord $p) -Compress -Depth 3))`;
}

/** PowerShell's -EncodedCommand: the script as base64 of UTF-16LE, so no file and no quoting. */
export function encodedCommand(script: string): string[] {
  return ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', Buffer.from(script, 'utf16le').toString('base64')];
}

type Json = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function id(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/** `DOMAIN\alice` or `alice@corp` as Windows prints an account: the user name alone. */
function accountName(v: unknown): string | undefined {
  const s = str(v);
  return s?.slice(s.lastIndexOf('\\') + 1);
}

/** One Win32_Process record to the process model; null without a pid. The system idle process (pid 0) is skipped. */
export function parseWin32Process(rec: unknown): ProcessInfo | null {
  if (rec === null || typeof rec !== 'object') return null;
  const r = rec as Json;
  const pid = id(r.ProcessId);
  if (pid === undefined || pid === 0) return null;
  const exe = str(r.ExecutablePath);
  const name = str(r.Name) ?? (exe ? exe.slice(exe.lastIndexOf('\\') + 1) : undefined);
  const cmd = str(r.CommandLine);
  const argv = cmd ? splitWindowsCommandLine(cmd) : exe ? [exe] : [];
  const ppid = id(r.ParentProcessId);
  const user = accountName(r.User);
  const started = str(r.CreationDate);
  return {
    pid,
    comm: name ?? '',
    argv,
    ...(exe ? { exe } : {}),
    ...(ppid === undefined ? {} : { ppid }),
    ...(user ? { user } : {}),
    ...(started ? { startTime: started } : {}),
  };
}

/**
 * One line of the WMI helper. An exec whose process could not be read (it exited first) yields null: there is nothing
 * left to match or stop, and the trace's name alone would match look-alikes (an MSIX Claude.exe is not Claude Code).
 */
export function parseWmiLine(line: string): HelperRecord | null {
  let msg: Json;
  try {
    const v: unknown = JSON.parse(line);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
    msg = v as Json;
  } catch {
    return null;
  }
  if (msg.kind === 'ready') return { kind: 'ready' };
  if (msg.kind !== 'exec') return null;
  const proc = parseWin32Process(msg.Process);
  if (!proc || proc.pid !== id(msg.ProcessID)) return null;
  const user = proc.user ?? accountName(msg.User);
  return { kind: 'exec', proc: user ? { ...proc, user } : proc };
}

/** The snapshot script's output (a JSON array, or one object when PowerShell unwrapped it) to processes. */
export function parseWin32Snapshot(text: string): ProcessInfo[] {
  const v: unknown = JSON.parse(text);
  const list = Array.isArray(v) ? v : [v];
  return list.map(parseWin32Process).filter((p): p is ProcessInfo => p !== null);
}

/**
 * The identity script's output to the start marker the sources record (CreationDate as printed), '' for a process
 * without one (System), or null when the pid is gone or the record is of another pid.
 */
export function parseWin32Identity(text: string, pid: number): string | null {
  const proc = parseWin32Process(JSON.parse(text));
  if (!proc || proc.pid !== pid) return null;
  return proc.startTime ?? '';
}

/** Process listing on Windows: one PowerShell run per listing (paths and command lines, which ps-list lacks there). */
export function createWin32ProcessSource(opts: { command?: string } = {}): ProcessSource {
  return {
    list() {
      return new Promise((resolve, reject) => {
        execFile(
          opts.command ?? POWERSHELL,
          encodedCommand(SNAPSHOT_SCRIPT),
          { maxBuffer: 64 * 1024 * 1024, timeout: SNAPSHOT_TIMEOUT_MS, windowsHide: true },
          (err, stdout) => {
            if (err) reject(err);
            else {
              try {
                resolve(parseWin32Snapshot(stdout));
              } catch (parseErr) {
                reject(parseErr as Error);
              }
            }
          },
        );
      });
    },
  };
}

export function createWmiSource(opts: { command?: string } = {}): ProcessEventSource {
  return createHelperEventSource({
    name: 'wmi',
    command: opts.command ?? POWERSHELL,
    args: encodedCommand(helperScript(process.pid)),
    parse: parseWmiLine,
  });
}
