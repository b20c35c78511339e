// The shared vocabulary of the daemon, the CLI and the tray: what is observed, found, decided and reported.

export type Platform = 'linux' | 'darwin' | 'win32';

/** Actions a policy phase can require, from weakest to strictest (see core/policy/precedence.ts). */
export type Action = 'report' | 'notify' | 'narrow' | 'prevent' | 'kill' | 'quarantine';

export type Compliance = 'compliant' | 'warning' | 'violation';
export type ObservationKind = 'process' | 'install' | 'config';
export type FindingState = 'open' | 'remediated' | 'exempt' | 'failed';
/** Risks a detected item shows, in the vocabulary of Fleet's `ai_tools.risk_flags`. */
export type RiskFlag = 'plaintext_secret' | 'bypass_permissions' | 'mcp_shell_exec';

/** One running process as the OS reports it; fields a platform cannot supply are absent. */
export interface ProcessInfo {
  pid: number;
  ppid?: number;
  uid?: number;
  user?: string;
  /** Kernel short name (Linux /proc/<pid>/comm, else the image name). */
  comm: string;
  /** Resolved executable path, if readable. */
  exe?: string;
  argv: string[];
  /** Opaque start marker (Linux: starttime in clock ticks) that tells a reused pid from the original process. */
  startTime?: string;
  /** Catalog `binaryMarkers` found in the executable's content (read by the daemon where no name or path matched). */
  exeMarks?: string[];
}

/** One path of an install that has several (a launcher link, a version store, a version folder). */
export interface InstallPart {
  path: string;
  /** The catalog's words for this path ("native installer launcher"). */
  what: string;
  role: 'program' | 'data' | 'evidence';
  /** Set when the path is a symlink (reported, never followed). */
  linkTarget?: string;
}

/** The install form a finding belongs to, with the catalog's steps to remove it by hand. */
export interface InstallFormInfo {
  id: string;
  name: LocalizedText;
  steps: LocalizedText;
}

/** One detected trace of a catalog tool, before any policy is applied. */
export interface Observation {
  tool: string;
  kind: ObservationKind;
  /** Install or config path (absolute, as seen by the agent), or the process's executable/script path. */
  path?: string;
  pid?: number;
  user?: string;
  /** Which catalog signal matched, in plain words. */
  signal: string;
  /** Extra facts: the config line, the matched process name, the link target. Never a secret value. */
  detail?: string;
  /** Process identity guard for kills (see ProcessInfo.startTime). */
  startTime?: string;
  /** Set when the install path is a symlink (reported, never followed out of the scanned location). */
  linkTarget?: string;
  /** Installs: what the catalog says the path is (program: the tool; data: the user's data; evidence: report only). */
  role?: 'program' | 'data' | 'evidence';
  /** Installs and configs: the scanned location the path was found under (a home or systemRoot). */
  scanRoot?: string;
  /** Installs: the catalog form (native installer ...) when the install has one; its paths are `parts`. */
  form?: string;
  /** Installs of a form: every path found for this one install, `path` first; each keeps its own evidence. */
  parts?: InstallPart[];
  /** Configs: risks the matched settings show (a key written in plain text, permission checks switched off). */
  riskFlags?: RiskFlag[];
}

export interface InventoryItem {
  tool: string;
  /** The tool's display name from the catalog ("Claude Code"). */
  toolName?: string;
  kind: ObservationKind;
  path?: string;
  pid?: number;
  user?: string;
  detail?: string;
  /** Installs with several paths: all of them. */
  parts?: InstallPart[];
  /** The tool's catalog category (cli, ide-extension, desktop, model-config, local-llm, sdk, mcp, agent-config). */
  category?: string;
  riskFlags?: RiskFlag[];
}

export interface Finding {
  /** Stable across scans for the same thing: a hash of tool, kind, policy, rule and path (or process identity). */
  id: string;
  tool: string;
  /** The tool's display name from the catalog ("Claude Code"). */
  toolName?: string;
  policy: string;
  rule: string;
  kind: ObservationKind;
  path?: string;
  pid?: number;
  user?: string;
  actions: Action[];
  deadline?: string;
  state: FindingState;
  detail: string;
  /** Why the finding is banned, in the user's languages, from the policy. */
  message?: LocalizedText;
  /** Exemption that applies, when state is `exempt`. */
  exemptUntil?: string;
  /** For `remediated`/`failed`: what was done or why it could not be. */
  outcome?: string;
  /** The actions the next phase adds at `deadline`. */
  deadlineActions?: Action[];
  // Set on every finding of a status the agent sends (core/status/compliance.ts), so clients show its decision:
  /** Past its deadline: a removal is due and not done, or a removal failed (what makes the status a `violation`). */
  due?: boolean;
  /** Its owner may ask the agent to remove it now (`remediate`, the tray's "Fix now"). */
  actionable?: boolean;
  /** What its user is told about it; absent for remediated and exempt findings. */
  notice?: FindingNotice;
  /** Installs with several paths (launcher, version store, versions): every path of this one install, `path` first. */
  parts?: InstallPart[];
  /** The install form, its name and the steps to remove it by hand, from the catalog. */
  form?: InstallFormInfo;
}

/**
 * What enforcement acts on, carried from the observation so no later step has to find it again: a process by pid
 * and start marker, an install by path, the location it was found under and its role; a settings file (the agent
 * never edits one) and anything the agent cannot place exactly are left to the user.
 */
export type Target =
  | { kind: 'process'; pid: number; startTime?: string }
  | { kind: 'install'; path: string; scanRoot: string; role: 'program' | 'data'; parts?: { path: string; role: 'program' | 'data' }[] }
  | { kind: 'settings'; path: string }
  | { kind: 'unplaced'; reason: string };

/** A finding as the agent keeps it: the public finding plus its target (never sent: clients need no start marker). */
export interface TargetedFinding extends Finding {
  target: Target;
}

/**
 * What the agent tells a finding's user: `removal-due` (past the deadline, the agent removes it), `edit-due` (past the
 * deadline, a setting only the user may remove), `removal-failed`, `removal-at-deadline` (removed if still there at
 * `deadline`), `recorded` (reported under the policy; nothing will be removed).
 */
export type FindingNotice = 'removal-due' | 'edit-due' | 'removal-failed' | 'removal-at-deadline' | 'recorded';

/** `{ en: "...", "zh-CN": "..." }` or a plain string. */
export type LocalizedText = string | Record<string, string>;

export interface Alternative {
  name: string;
  url?: string;
  description?: LocalizedText;
}

export interface PolicyRef {
  id: string;
  version: number;
  file: string;
  signedBy: string | null;
  issuer?: string;
  message?: LocalizedText;
  alternatives?: Alternative[];
  issuedAt?: string;
  expiresAt?: string;
  /** The policy's rules with their phases, so the employee can see what applies from when. */
  rules?: PolicyRuleSummary[];
  /** The policy's exemptions; the tray shows those that concern its user. */
  exemptions?: PolicyExemptionSummary[];
  /** True when a policy is in force only through allowUnsigned or a --policy preview. */
  unsigned?: boolean;
  /** True when this is the last-known-good copy kept after its file was rejected. */
  lastKnownGood?: boolean;
}

export interface PolicyRuleSummary {
  id: string;
  tools: string[];
  phases: { from: string; actions: Action[] }[];
}

export interface PolicyExemptionSummary {
  /** Rule ids this exemption covers; absent means every rule of the policy. */
  rules?: string[];
  users?: string[];
  hosts?: string[];
  groups?: string[];
  until: string;
  reason: string;
  /** Set by an exemption policy: the id of the policy whose rules it lifts (without it, this policy's own rules). */
  policy?: string;
  /** The exception request this exemption grants (`cordon policy exempt --request ID`). */
  request?: string;
}

/**
 * An employee's request for a time-bound exception: `pending` until an admin decides; `granted` while a signed
 * exemption naming it is in force; `denied` by an admin; `expired` once the granted exemption has run out.
 */
export type ExceptionRequestState = 'pending' | 'granted' | 'denied' | 'expired';

export interface ExceptionRequest {
  id: string;
  /** Who asked, as the daemon proved it (`hello`), never as the request said. */
  user: string;
  host: string;
  tool: string;
  toolName?: string;
  /** The finding the request was made from, when it was. */
  finding?: string;
  /** The rules in force that cover the tool, which an exemption would lift. */
  rules: { policy: string; rule: string }[];
  reason: string;
  /** The end the employee asked for, if any; the admin decides the real one. */
  until?: string;
  requestedAt: string;
  state: ExceptionRequestState;
  /** granted and expired: when the exemption ends, and the exemption policy that grants it. */
  grantedUntil?: string;
  grantedBy?: string;
  /** denied: when and why. */
  decidedAt?: string;
  denial?: string;
}

/** A rule of a policy in force whose first phase has not started yet: what will be restricted, and from when. */
export interface UpcomingRule {
  policy: string;
  rule: string;
  tools: string[];
  /** Display names of `tools`, in the same order. */
  toolNames?: string[];
  from: string;
  actions: Action[];
  /** True when one of the tools is on this machine now. */
  found: boolean;
}

/**
 * Something that kept this evaluation from being complete: a rejected policy file, a detection source that failed
 * (the process list, a home folder that cannot be read). A `compliant` status with errors is "compliant with errors".
 */
export interface StatusError {
  source: 'policy' | 'detection';
  code: string;
  message: string;
}

export interface PolicyError {
  file: string;
  code: string;
  message: string;
}

export interface Status {
  evaluatedAt: string;
  host: string;
  compliance: Compliance;
  policies: PolicyRef[];
  policyErrors: PolicyError[];
  /** Present when the evaluation was not complete; `cordon status` then exits 3 instead of 0 when otherwise compliant. */
  errors?: StatusError[];
  inventory: InventoryItem[];
  findings: Finding[];
  /** Rules that start later: the employee sees them before they apply. */
  upcoming?: UpcomingRule[];
  /** Exception requests: on the user socket only the asking user's own, on the admin socket and in status.json all. */
  exceptions?: ExceptionRequest[];
  /** Tools whose own managed start hook Cordon answers (Claude Code's policyHelper): what is installed, and what is in the way. */
  startHooks?: StartHookStatus[];
  /** Agent version and mode facts for the tray and audit; the daemon adds its liveness. */
  agent?: AgentFacts;
}

export interface AgentFacts {
  version: string;
  pid?: number;
  warnings?: string[];
  actors?: ActorState[];
  /** Daemon only: when it last said it is alive (every HEARTBEAT_SECONDS), and after how long silence means "not reporting". */
  heartbeatAt?: string;
  staleAfterSeconds?: number;
  /** Daemon only: when it last detected and evaluated, and how it lists processes. */
  lastPassAt?: string;
  processSource?: ProcessSourceState;
  startedAt?: string;
}

/** One long-running part of the daemon (process poller, install watcher, ...) and whether it runs. */
export interface ActorState {
  name: string;
  running: boolean;
}

export type InstallRole = 'program' | 'data';
export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

/** One quarantined install, as `cordon quarantine list` shows it. */
export interface QuarantineItem {
  id: string;
  tool: string;
  originalPath: string;
  /** ISO time the install was moved. */
  quarantinedAt: string;
  policy: string;
  rule: string;
  /** Regular files in the install. */
  files: number;
  /** Total size of those files. */
  bytes: number;
  role: InstallRole;
  user?: string;
  /** The scanned location the install was found under; restore re-checks the path from here. */
  scanRoot: string;
  type: EntryType;
  owner: { uid: number; gid: number };
  mode: number;
  /** rename: moved within one file system; copy: copied, verified by hash, then the source removed. */
  method: 'rename' | 'copy';
  /** Source entries that changed during a copy and so were left in place rather than deleted. */
  leftovers?: string[];
}

/** How the daemon learns of new processes: the OS's exec events, or polling alone; and why not events. */
export interface ProcessSourceState {
  /** The event source's name (`proc-connector`, `eslogger`, `wmi`) while it is live, else `polling`. */
  live: string;
  /** How often processes are listed: the poll period, or the safety net's period while events are live. */
  listEveryMs: number;
  /** The event source of this OS (null: none), whether it is live, and if not, why. */
  events: { source: string | null; live: boolean; reason?: string };
}

export interface StartHookStatus {
  tool: string;
  toolName: string;
  /** True when Cordon's fragment and launcher are in place. */
  installed: boolean;
  /** The files Cordon keeps outside its own folders for this hook. */
  files: string[];
  /** For everyone now: allow, narrow (with the models) or prevent. */
  now: 'allow' | 'narrow' | 'prevent';
  models?: string[];
  /** Plain sentences: another managed source takes precedence, a file Cordon did not write is in the way, ... */
  problems: string[];
}
