// The narrow interfaces through which the pure core reaches the OS; adapters/ implements them, tests fake them.
import type { ProcessInfo } from '../common/model.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

export interface EntryStat {
  type: EntryType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
}

/** Read-only file-system view used by the install and config scanners. Never follows symlinks on its own. */
export interface FileSystemPort {
  /** lstat; null when the path does not exist or cannot be read. */
  lstat(path: string): EntryStat | null;
  /** Entry names of a directory; null when it is not a readable directory. */
  readdir(path: string): string[] | null;
  readlink(path: string): string | null;
  /** The path with every symbolic link resolved; null when it does not exist or the links loop. */
  realpath(path: string): string | null;
  /** Up to maxBytes of a regular file; 'too-large' when it is bigger; null when unreadable. */
  readFileCapped(path: string, maxBytes: number): Buffer | 'too-large' | null;
}

export interface Clock {
  now(): Date;
}

export interface HomeDir {
  user: string;
  home: string;
  uid?: number;
}

export interface UserDirectory {
  /** Every user's home on the machine (or the configured `homes`). */
  homes(): HomeDir[];
  userName(uid: number): string | undefined;
  /** Groups of a user where the OS tells them (for exemptions by group). */
  groupsOf(user: string): string[];
  hostName(): string;
}

/** Process listing: full snapshots, or incremental ones that only read processes not seen before. */
export interface ProcessSource {
  /**
   * `recheck`: an incremental source also checks every known process again (a process that `exec`s keeps its
   * pid) and returns new objects only for those that changed.
   */
  list(opts?: { recheck?: boolean }): Promise<ProcessInfo[]>;
}

/** Whether an event source delivers events, and if not, why (shown in status and explain). */
export type EventSourceState = { live: true } | { live: false; reason: string };

export interface ProcessEventHandlers {
  /**
   * A first look at a new program (without its owner): false means it cannot matter, and a source that reads
   * processes itself may skip reading the rest of it and not report it.
   */
  wants?(proc: ProcessInfo): boolean;
  /** A program was started (exec), as read right after; a process that exited before it could be read is not reported. */
  exec(proc: ProcessInfo): void;
  /** A process ended (sources that report exits). */
  exit(pid: number): void;
  /** Events may have been missed (buffer overrun, helper restarted): the caller should list processes now. */
  gap(reason: string): void;
  /** The source stopped for good; polling must take over. */
  down(reason: string): void;
}

/** Exec notifications from the OS: the Linux proc connector, macOS eslogger, Windows WMI. */
export interface ProcessEventSource {
  /** Short name shown in status and explain. */
  readonly name: string;
  /** Resolves once the source is live, or with the reason it cannot be. */
  start(handlers: ProcessEventHandlers): Promise<EventSourceState>;
  stop(): void;
  /**
   * Exits matter only while a matched process runs (its finding goes when it ends), yet every thread's exit is an
   * event: a source that can narrow what the OS sends reports exits only while this is on (off after start).
   */
  followExits?(on: boolean): void;
}

export interface ProcessKiller {
  /** Current identity of a pid (start marker, read as this OS's process source reads it), or null when it no longer exists. */
  identity(pid: number): Promise<string | null>;
  /**
   * Whether this OS has a request a process may handle before it is forced (POSIX SIGTERM). Where it has none
   * (Windows: terminating is TerminateProcess, a hard kill), the enforcer sends 'kill' at once and gives no grace period.
   */
  readonly graceful: boolean;
  /**
   * Ends the process: 'terminate' asks, 'kill' forces (on Windows with the process's tree). Resolves with what was really
   * sent, in the words the audit records; rejects with code ESRCH when the process is gone, EPERM when not allowed.
   */
  stop(pid: number, how: 'terminate' | 'kill'): Promise<string>;
  /** Whether the process still runs (a zombie has exited: it only waits to be reaped). */
  alive(pid: number): Promise<boolean>;
}

/** The OS's own remover of packages it manages (Remove-AppxPackage for MSIX on Windows). */
export interface PackageRemover {
  /** Removes the package for every user; resolves with what was run, rejects with the remover's words. */
  remove(pkg: { manager: 'msix'; name: string }): Promise<string>;
}

export interface Notification {
  title: string;
  message: string;
  user?: string;
  /** The finding it is about: a tray that shows it does not announce the same finding again. */
  finding?: string;
  /** BCP 47 tag of the text. */
  lang?: string;
}

/** Which path showed a notification: the tray in the user's own session, or the agent's own (node-notifier) fallback. */
export type NotifyResult = { via: 'tray' | 'agent' } | { via: null; error: string };

export interface Notifier {
  /** Never throws; resolves with the path that showed it, or with why none could. */
  notify(n: Notification): Promise<NotifyResult>;
}
