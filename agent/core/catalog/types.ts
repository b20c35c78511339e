// The shape of a tool signature: data an admin or a release adds, never code (see policies/catalog.schema.json).
import type { LocalizedText, Platform, RiskFlag } from '../../common/model.js';

/** mcp: MCP server definitions in clients' config files; agent-config: agent settings that widen what an agent may do. */
export type ToolCategory = 'cli' | 'ide-extension' | 'desktop' | 'model-config' | 'local-llm' | 'sdk' | 'mcp' | 'agent-config';

/**
 * A process matches an entry when every criterion given in the entry matches, and none of its
 * `excludePathFragments` does; entries of a tool are alternatives.
 */
export interface ProcessSignature {
  platforms?: Platform[];
  /**
   * Exact executable names, compared with the process's comm, the base name of argv[0], the base name of
   * the exe path and, when argv[0] or exe is an interpreter, the base name of the script argument.
   * Case-insensitive on win32, exact elsewhere. Never a substring.
   */
  names?: string[];
  /** Path fragments (forward slashes) looked for in the exe path, argv[0] and the interpreter's script argument. */
  pathFragments?: string[];
  /** Fragments that rule the process out (e.g. the desktop app's own claude.exe). */
  excludePathFragments?: string[];
  /**
   * Strings that all appear near the end of a released binary of the tool (its bundled file table): they recognise a
   * renamed copy whose name and path say nothing. Only the last MiB of a large executable is read, once per file.
   */
  binaryMarkers?: string[];
}

/**
 * Path syntax of install and config locations:
 * - `~/x` under each scanned home;
 * - `/x` under systemRoot;
 * - `%USERPROFILE%`, `%APPDATA%`, `%LOCALAPPDATA%` under each home (win32 layout),
 *   `%PROGRAMFILES%`, `%PROGRAMDATA%`, `%SYSTEMDRIVE%` under systemRoot;
 * - a `*` stands for any run of characters inside one path segment (version folders); `**` is not allowed.
 */
export interface InstallSignature {
  platforms: Platform[];
  path: string;
  /** Human words for this install form: "native installer launcher", "npm global package". */
  what: string;
  /** program: the tool itself, moved by quarantine; data: the user's data, kept restorable; evidence: reported only. */
  role: 'program' | 'data' | 'evidence';
  type?: 'file' | 'dir' | 'any';
  /** The install form this path belongs to (one of the tool's `forms`): paths of one form under one root are one install. */
  form?: string;
}

/** One way of installing a tool (native installer, npm global package ...): its parts make one finding, with removal steps. */
export interface InstallForm {
  id: string;
  /** Display name of the form, e.g. "native installer". */
  name: LocalizedText;
  /** What the employee does to remove this form by hand, in their languages. */
  steps: LocalizedText;
}

export interface ConfigMatcher {
  /** Regular expression tried against each line (text files) ... */
  line?: string;
  /** ... or a key name found at any depth of a JSON/YAML document ... */
  key?: string;
  /** ... whose string value matches this regular expression (omit to match any non-empty value). */
  value?: string;
  /** Human words for the finding: "ANTHROPIC_API_KEY set". */
  what: string;
  /** True when the matched text is a credential: it is never copied anywhere, only its presence is reported. */
  secret?: boolean;
  /** Regex flags, `i` for case-insensitive. */
  flags?: 'i';
  /** The risk this setting shows, as an inventory risk flag; a secret matcher always adds `plaintext_secret`. */
  risk?: RiskFlag;
}

export interface ConfigSignature {
  platforms: Platform[];
  path: string;
  format: 'text' | 'json' | 'yaml';
  matchers: ConfigMatcher[];
  /** Files larger than this are not read at all (default 1 MiB). */
  maxBytes?: number;
}

export interface ProcessExample {
  platform: Platform;
  comm: string;
  argv: string[];
  exe?: string;
}

export interface PathExample {
  platform: Platform;
  /** A concrete path in the install syntax (`~/.local/bin/claude`, `%APPDATA%/npm/claude.cmd`). */
  path: string;
  type?: 'file' | 'dir';
}

export interface ConfigExample {
  platform: Platform;
  path: string;
  content: string;
}

export interface ToolExamples {
  processes?: { match: ProcessExample[]; noMatch: ProcessExample[] };
  installs?: { match: PathExample[]; noMatch: PathExample[] };
  configs?: { match: ConfigExample[]; noMatch: ConfigExample[] };
}

export interface ToolSignature {
  id: string;
  name: string;
  vendor: string;
  category: ToolCategory;
  description: string;
  processes?: ProcessSignature[];
  installs?: InstallSignature[];
  forms?: InstallForm[];
  configs?: ConfigSignature[];
  /** Package names by manager, for inventory and explanation. */
  packages?: { manager: string; name: string }[];
  examples: ToolExamples;
  sources?: string[];
}

export interface Catalog {
  /** Executable names that run a script given as their first non-option argument (node, bun, python ...). */
  interpreters: string[];
  tools: ToolSignature[];
}
