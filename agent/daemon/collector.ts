// What the agent currently observes: installs and settings (rescanned on events), and processes matched once each.
import type { Catalog } from '../core/catalog/types.js';
import { binaryMarkersOf, processPrefilter, resolveLocation, type DetectContext } from '../core/detect/index.js';
import type { Observation, ProcessInfo, StatusError } from '../common/model.js';
import type { FileSystemPort, HomeDir, ProcessSource } from '../ports/index.js';
import type { StepOutcome } from './enforcer.js';
import { detectFiles, detectProcesses } from './engine.js';
import type { Collection } from './pass.js';

function procKey(p: { pid: number; startTime?: string }): string {
  return `${p.pid}@${p.startTime ?? ''}`;
}

/**
 * The collection a pass evaluates. An incremental process source returns the same object while a process is
 * unchanged, so only new or changed processes are matched; the daemon and `cordon enforce` use the same one.
 */
export class Collector implements Collection {
  private files: Observation[] = [];
  private homeProblems: StatusError[] = [];
  private processError: string | null = null;
  /** Every process seen, by pid and start time: the object last read and what matched. */
  private readonly procSeen = new Map<string, { info: ProcessInfo; obs: Observation[] }>();
  private catalogJson = '';
  private homesJson: string;
  /** Lets through every process the catalog could match (processPrefilter), so most are never matched in full. */
  private mayMatch: (p: ProcessInfo) => boolean;
  /** The catalog's binary markers for this platform: a process nothing else matched is recognised by them. */
  private markers: string[];

  constructor(
    private readonly fs: FileSystemPort,
    private readonly processes: ProcessSource,
    private context: DetectContext,
    private catalog: Catalog,
    /** Whether a matched process may be acted on (config `processScope`); only a match pays for the check. */
    private readonly inScope: (p: ProcessInfo) => boolean = () => true,
    /** Reads the markers found in a process's executable (the daemon's; none for a one-off pass). */
    private readonly exeMarks: (p: ProcessInfo, markers: readonly string[]) => string[] = () => [],
  ) {
    this.catalogJson = JSON.stringify(catalog);
    this.homesJson = JSON.stringify(context.homes);
    this.mayMatch = processPrefilter(catalog, context.platform);
    this.markers = binaryMarkersOf(catalog, context.platform);
  }

  get ctx(): DetectContext {
    return this.context;
  }

  /** True when the machine's homes changed (a user appeared or left): installs are then looked for in the new list. */
  useHomes(homes: HomeDir[]): boolean {
    const json = JSON.stringify(homes);
    if (json === this.homesJson) return false;
    this.homesJson = json;
    this.context = { ...this.context, homes };
    return true;
  }

  /** True when the catalog changed (tools a policy added or changed): every process is matched again. */
  useCatalog(catalog: Catalog): boolean {
    this.catalog = catalog;
    const json = JSON.stringify(catalog);
    if (json === this.catalogJson) return false;
    this.catalogJson = json;
    this.mayMatch = processPrefilter(catalog, this.ctx.platform);
    this.markers = binaryMarkersOf(catalog, this.ctx.platform);
    this.procSeen.clear();
    return true;
  }

  observations(): Observation[] {
    return [...this.files, ...[...this.procSeen.values()].flatMap((s) => s.obs)];
  }

  /** Installs and settings: bounded reads of the declared locations. */
  scanFiles(): void {
    const broken = new Map<string, string>();
    this.files = detectFiles(this.fs, this.catalog, this.ctx, (link, why) => broken.set(link, why));
    // A home that exists but cannot be listed was not looked at: a scan of it would say nothing was there.
    this.homeProblems = this.ctx.homes
      .filter((h) => this.fs.lstat(h.home)?.type === 'dir' && this.fs.readdir(h.home) === null)
      .map((h) => ({ source: 'detection' as const, code: 'home-unreadable', message: `the home folder ${h.home} (${h.user}) cannot be read` }));
    // Likewise behind a link on the way to an install location that cannot be read through.
    for (const [link, why] of broken) {
      this.homeProblems.push({
        source: 'detection',
        code: 'install-link-broken',
        message: `${link} is a symbolic link on the way to an install location, not followed: ${why}`,
      });
    }
  }

  /** New processes only (a tick with none does no work beyond listing pids); true when the matched set changed. */
  async pollProcesses(): Promise<boolean> {
    return this.listProcesses(false);
  }

  /** Every process checked again (a process that `exec`s keeps its pid); true when the matched set changed. */
  async recheckProcesses(): Promise<boolean> {
    return this.listProcesses(true);
  }

  /** What kept the last look from being complete: the process list failed, a home folder could not be read. */
  problems(): StatusError[] {
    return [...this.homeProblems, ...(this.processError ? [{ source: 'detection' as const, code: 'process-list-failed', message: this.processError }] : [])];
  }

  /** A failed listing keeps what was known and says so in the status until a listing works again. */
  private async listProcesses(recheck: boolean): Promise<boolean> {
    let procs: ProcessInfo[];
    try {
      procs = await this.processes.list(recheck ? { recheck: true } : undefined);
    } catch (err) {
      const message = `processes could not be listed: ${(err as Error).message}`;
      const changed = this.processError !== message;
      this.processError = message;
      return changed;
    }
    const recovered = this.processError !== null;
    this.processError = null;
    return this.applyProcessList(procs) || recovered;
  }

  /** Everything read afresh. */
  async rescanAll(): Promise<void> {
    this.scanFiles();
    this.procSeen.clear();
    await this.recheckProcesses();
  }

  /** Whether an exec event's program needs reading and matching: the catalog may match it, or it was a tool until now. */
  wants(p: ProcessInfo): boolean {
    return this.mayMatch(p) || (this.procSeen.get(procKey(p))?.obs.length ?? 0) > 0 || this.marksOf(p).length > 0;
  }

  /** The catalog's markers in the process's executable: read once per file, and only for a large one. */
  private marksOf(p: ProcessInfo): string[] {
    return this.markers.length > 0 ? this.exeMarks(p, this.markers) : [];
  }

  /** An exec event: the new program is matched at once; true when it is (or was, under this pid) a tool. */
  processStarted(p: ProcessInfo): boolean {
    const key = procKey(p);
    const seen = this.procSeen.get(key);
    const obs = this.match(p);
    if (!obs.length && !seen?.obs.length) return false;
    this.procSeen.set(key, { info: p, obs });
    return true;
  }

  /** Whether a matched process is running (one not already stopped by a kill). */
  tracksProcesses(): boolean {
    for (const seen of this.procSeen.values()) if (seen.obs.length) return true;
    return false;
  }

  /** An exit event: true when a tool ended on its own (its finding goes). */
  processEnded(pid: number): boolean {
    let changed = false;
    for (const [key, seen] of this.procSeen) {
      if (seen.info.pid !== pid || !seen.obs.length) continue;
      this.procSeen.delete(key);
      changed = true;
    }
    return changed;
  }

  afterRemoval(outcomes: readonly StepOutcome[]): void {
    for (const o of outcomes) {
      // A process that was stopped may still be listed for a moment (until reaped): it must not be killed twice.
      if (o.state === 'remediated' && o.step.action === 'kill') this.forgetProcess(o.step.target.pid);
    }
    if (outcomes.some((o) => o.state === 'remediated' && (o.step.action === 'quarantine' || o.step.action === 'uninstall'))) this.scanFiles();
  }

  /** The install locations the catalog declares for this machine (what the install watcher watches). */
  installLocations(): { base: string; segments: string[] }[] {
    return this.catalog.tools.flatMap((tool) =>
      (tool.installs ?? []).filter((sig) => sig.platforms.includes(this.ctx.platform)).flatMap((sig) => resolveLocation(sig.path, this.ctx)),
    );
  }

  private applyProcessList(procs: ProcessInfo[]): boolean {
    const present = new Set<string>();
    let changed = false;
    for (const p of procs) {
      const key = procKey(p);
      present.add(key);
      const seen = this.procSeen.get(key);
      if (seen?.info === p) continue;
      const obs = this.match(p);
      if (obs.length || seen?.obs.length) changed = true;
      this.procSeen.set(key, { info: p, obs });
    }
    for (const [key, seen] of this.procSeen) {
      if (present.has(key)) continue;
      this.procSeen.delete(key);
      if (seen.obs.length) changed = true;
    }
    return changed;
  }

  private match(p: ProcessInfo): Observation[] {
    let obs = this.mayMatch(p) ? detectProcesses([p], this.catalog, this.ctx) : [];
    if (!obs.length) {
      // A name and path that say nothing: a renamed copy is still known by what it holds.
      const exeMarks = this.marksOf(p);
      if (exeMarks.length) obs = detectProcesses([{ ...p, exeMarks }], this.catalog, this.ctx);
    }
    return obs.length && this.inScope(p) ? obs : [];
  }

  private forgetProcess(pid: number): void {
    for (const seen of this.procSeen.values()) if (seen.info.pid === pid) seen.obs = [];
  }
}
