// The transparency declaration: everything the agent reads, runs, writes and sends, built from its own config and catalog.
import type { Catalog } from './catalog/types.js';
import type { Explanation } from '../common/ipc.js';
import { ACTION_PRECEDENCE, COMBINATION_RULES } from './policy/precedence.js';
import type { Platform } from '../common/model.js';

export interface ExplainInput {
  platform: Platform;
  systemRoot: string;
  homes: string[] | 'every user home on this machine';
  policyDir: string;
  stateDir: string;
  quarantineDir: string;
  socketPath: string;
  pollIntervalMs: number;
  report: { url: string; intervalSeconds?: number; headers?: Record<string, string> } | null;
  catalog: Catalog;
}

function locationsOf(catalog: Catalog, platform: Platform, kind: 'installs' | 'configs'): string[] {
  const set = new Set<string>();
  for (const t of catalog.tools) for (const s of t[kind] ?? []) if (s.platforms.includes(platform)) set.add(s.path);
  return [...set].sort();
}

export function explainAgent(input: ExplainInput): Explanation {
  const { platform, catalog } = input;
  const installs = locationsOf(catalog, platform, 'installs');
  const configs = locationsOf(catalog, platform, 'configs');
  const homes = Array.isArray(input.homes) ? input.homes.join(', ') : input.homes;
  return {
    summary:
      'Cordon checks this computer for AI tools that your organisation\'s signed policy restricts. It looks only at the ' +
      'places listed here, never reads file contents other than the listed settings files, never copies secrets, and ' +
      (input.report ? `sends its status report only to ${input.report.url}.` : 'sends nothing off this computer.'),
    reads: [
      {
        what: 'Running processes: name, executable path, command line, owner and start time',
        where: [platform === 'linux' ? '/proc/<pid>/{stat,status,cmdline,exe}' : 'the OS process list (ps / tasklist through ps-list)'],
        why: `to find banned tools while they run (new processes are looked at every ${input.pollIntervalMs} ms; known ones are not read again)`,
      },
      {
        what: `Whether these install locations exist (names and file metadata only, under ${homes} and ${input.systemRoot})`,
        where: installs,
        why: 'to find installed copies of the tools in the catalog; folders are never crawled beyond these paths and symlinks are never followed out of them',
      },
      {
        what: 'These settings files, up to 1 MiB each, matched line by line or key by key',
        where: configs,
        why: 'to find tools configured to use a restricted AI service; only the fact and the line number are kept, never the value (API keys are never copied)',
      },
      { what: 'Signed policy files', where: [input.policyDir], why: 'to know what your organisation requires' },
    ],
    runs: [
      { what: 'Nothing by itself on Linux except notify-send for desktop notifications', why: 'to tell you about a finding' },
      ...(platform === 'linux' ? [] : [{ what: 'ps / tasklist (through ps-list)', why: 'to list processes where /proc does not exist' }]),
    ],
    writes: [
      { what: 'status.json and audit.jsonl (a log of every detection and action)', where: input.stateDir, why: 'so you, the tray app and IT can see what happened' },
      { what: 'Quarantined installs with a manifest of every file (size, SHA-256, owner, mode)', where: input.quarantineDir, why: 'so every removal can be undone exactly' },
      { what: 'Local sockets for the tray app and the cordon command', where: input.socketPath, why: 'to answer status questions and your "Fix now" requests' },
    ],
    sends: input.report
      ? [
          {
            what: 'The status JSON shown by `cordon status --json`: host name, compliance, policies, inventory and findings (paths, process ids, user names; never file contents or secrets)',
            to: `${input.report.url} every ${input.report.intervalSeconds ?? 300} s${input.report.headers ? ` with headers ${Object.keys(input.report.headers).join(', ')}` : ''}`,
            why: 'so IT can see compliance across the fleet',
          },
        ]
      : [],
    never: [
      'reads documents, source code, browser data, chat or conversation contents',
      'copies API keys, tokens or any other matched value',
      'deletes files: removal is a move into quarantine that an administrator can undo',
      'sends anything anywhere unless a report URL is configured (none is sent otherwise)',
      'watches your keystrokes, screen, network traffic or clipboard',
    ],
    decides: [
      ...COMBINATION_RULES,
      {
        when: 'actions are ranked',
        then: Object.entries(ACTION_PRECEDENCE).sort(([, a], [, b]) => b.rank - a.rank).map(([action]) => action).join(' > '),
        reason: Object.entries(ACTION_PRECEDENCE).map(([action, p]) => `${action} ${p.reason}`).join('; '),
      },
    ],
    tools: catalog.tools.map((t) => ({
      id: t.id,
      name: t.name,
      vendor: t.vendor,
      category: t.category,
      installLocations: (t.installs ?? []).filter((s) => s.platforms.includes(platform)).length,
      configFiles: (t.configs ?? []).filter((s) => s.platforms.includes(platform)).length,
      processSignatures: (t.processes ?? []).filter((s) => !s.platforms || s.platforms.includes(platform)).length,
    })),
  };
}
