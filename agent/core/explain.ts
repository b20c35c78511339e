// The transparency declaration: everything the agent reads, runs, writes and sends, built from its own config and catalog.
import type { Catalog } from './catalog/types.js';
import type { ExplainLanguage, Explanation } from '../common/ipc.js';
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
  /** Whether the OS's exec events are used where they exist (config `processEvents`). */
  processEvents: boolean;
  report: { url: string; intervalSeconds?: number; headers?: Record<string, string> } | null;
  catalog: Catalog;
  /** Tools whose managed start hook Cordon answers, with the files it keeps there while a policy needs them. */
  startHooks: { toolName: string; managedDir: string; fragmentPath: string; launcherPath: string; decisionsPath: string }[];
}

function locationsOf(catalog: Catalog, platform: Platform, kind: 'installs' | 'configs'): string[] {
  const set = new Set<string>();
  for (const t of catalog.tools) for (const s of t[kind] ?? []) if (s.platforms.includes(platform)) set.add(s.path);
  return [...set].sort();
}

/** The slow listing that backs up exec events (a missed event is caught within this). */
export const SAFETY_NET_S = 10;

/** Where exec events come from on each OS (technical names, the same in every language). */
function eventSource(platform: Platform): string {
  switch (platform) {
    case 'linux':
      return 'the kernel proc connector (netlink NETLINK_CONNECTOR, exec and exit events; root in the initial pid namespace)';
    case 'darwin':
      return '/usr/bin/eslogger exec (Endpoint Security; root and Full Disk Access)';
    case 'win32':
      return 'a PowerShell helper subscribed to WMI Win32_ProcessStartTrace, then Win32_Process for each new pid (Administrator)';
  }
}

/** The declaration's words in each language the tray speaks; the facts (paths, URLs, counts) are filled in. */
const WORDS = {
  en: {
    summary: (sends: string | null) =>
      "Cordon checks this computer for AI tools that your organisation's signed policy restricts. It looks only at the " +
      'places listed here, never reads file contents other than the listed settings files, never copies secrets, and ' +
      (sends ? `sends its status report only to ${sends}.` : 'sends nothing off this computer.'),
    procWhat: 'Running processes: name, executable path, command line, owner and start time',
    procWhereOther: 'the OS process list (ps / tasklist through ps-list)',
    procWhy: (ms: number) => `to find banned tools while they run (new processes are looked at every ${ms} ms; known ones are not read again)`,
    eventsWhat: `Announcements of newly started programs (process id, then the details above); with them, the listing runs every ${SAFETY_NET_S} s as a safety net`,
    eventsWhy: 'to stop a banned tool within milliseconds of its start instead of at the next listing',
    installWhat: (homes: string, root: string) => `Whether these install locations exist (names and file metadata only, under ${homes} and ${root})`,
    installWhy:
      'to find installed copies of the tools in the catalog; folders are never crawled beyond these paths and symlinks are never followed out of them',
    configWhat: 'These settings files, up to 1 MiB each, matched line by line or key by key',
    configWhy:
      'to find tools configured to use a restricted AI service; only the fact and the line number are kept, never the value (API keys are never copied)',
    policyWhat: 'Signed policy files',
    policyWhy: 'to know what your organisation requires',
    runsLinux: 'Nothing by itself on Linux except notify-send for desktop notifications',
    runsLinuxWhy: 'to tell you about a finding',
    runsOther: 'ps / tasklist (through ps-list)',
    runsOtherWhy: 'to list processes where /proc does not exist',
    writeState:
      'status.json, audit.jsonl (a log of every detection and action, security events also in security.jsonl) and cordon.db (the fleet state for osquery, Jamf and Intune: findings, inventory, policies, heartbeat; no secrets)',
    writeStateWhy: 'so you, the tray app and IT can see what happened',
    writeExceptions:
      'exception-requests.json: the exception requests employees made (who, which tool, the reason, the end asked for, the answer), readable by root only',
    writeExceptionsWhy: 'so an administrator can answer your request; only a signed policy ever grants one',
    writeQuarantine: 'Quarantined installs with a manifest of every file (size, SHA-256, owner, mode)',
    writeQuarantineWhy: 'so every removal can be undone exactly',
    writeSocket: 'Local sockets for the tray app and the cordon command',
    writeSocketWhy:
      'to answer status questions and your "Fix now" requests; on Linux the kernel tells it whose each connection is (sock_diag), so each user hears only about their own findings',
    hookReads: (tool: string) => `${tool}'s managed settings files (read by the start hook, as you, each time ${tool} starts)`,
    hookReadsWhy: (tool: string) => `so your organisation's own ${tool} settings stay in force while Cordon's hook answers`,
    hookRuns: (tool: string, launcher: string) =>
      `Nothing itself, but ${tool} runs Cordon's start hook ${launcher} (as you) each time it starts, while a policy prevents or narrows it`,
    hookRunsWhy:
      'to refuse the start or limit the models as the policy says, with its message; the hook only reads the files listed here and tells the agent about a refused start',
    hookFragment: (tool: string) =>
      `Outside its own folders: a managed-settings fragment naming Cordon's start hook (its policyHelper), only while a policy prevents or narrows ${tool}`,
    hookFragmentWhy: (tool: string) => `so ${tool} asks Cordon before it starts; removed when no policy needs it, and never a file Cordon did not write`,
    hookFiles: (tool: string) => `The start hook's launcher and its decision file (who may start ${tool}, narrowed to which models, until when)`,
    hookFilesWhy: 'so the hook answers in milliseconds, even while the agent is stopped; removed with the fragment',
    sendWhat:
      'The status JSON shown by `cordon status --json`: host name, compliance, policies, inventory and findings (paths, process ids, user names; never file contents or secrets)',
    sendTo: (url: string, every: number, headers: string) => `${url} every ${every} s${headers ? ` with headers ${headers}` : ''}`,
    sendWhy: 'so IT can see compliance across the fleet',
    never: [
      'reads documents, source code, browser data, chat or conversation contents',
      'copies API keys, tokens or any other matched value',
      'deletes files it did not write: removal is a move into quarantine that an administrator can undo',
      'sends anything anywhere unless a report URL is configured (none is sent otherwise)',
      'watches your keystrokes, screen, network traffic or clipboard',
    ],
    everyHome: 'every user home on this machine',
  },
  'zh-CN': {
    summary: (sends: string | null) =>
      'Cordon 检查本机是否有贵组织签名策略所限制的 AI 工具。它只查看此处列出的位置，除列出的设置文件外从不读取文件内容，从不复制密钥，' +
      (sends ? `并且只把状态报告发送到 ${sends}。` : '并且不向本机以外发送任何内容。'),
    procWhat: '正在运行的进程：名称、可执行文件路径、命令行、所有者和启动时间',
    procWhereOther: '操作系统的进程列表（通过 ps-list 调用 ps / tasklist）',
    procWhy: (ms: number) => `用于发现正在运行的被禁止工具（每 ${ms} 毫秒查看新进程；已知进程不再重复读取）`,
    eventsWhat: `新启动程序的通知（进程 ID，然后读取上述信息）；收到通知时，进程列表每 ${SAFETY_NET_S} 秒作为保底检查一次`,
    eventsWhy: '用于在被禁止工具启动后几毫秒内将其停止，而不是等到下一次列出进程',
    installWhat: (homes: string, root: string) => `以下安装位置是否存在（仅名称和文件元数据，范围：${homes} 和 ${root}）`,
    installWhy: '用于发现目录中工具的已安装副本；不会遍历这些路径以外的文件夹，也不会跟随符号链接离开这些位置',
    configWhat: '以下设置文件，每个最多 1 MiB，逐行或逐键匹配',
    configWhy: '用于发现配置为使用受限 AI 服务的工具；只记录事实和行号，从不记录值（从不复制 API 密钥）',
    policyWhat: '已签名的策略文件',
    policyWhy: '用于了解贵组织的要求',
    runsLinux: '在 Linux 上除用于桌面通知的 notify-send 外不运行任何程序',
    runsLinuxWhy: '用于通知您发现的问题',
    runsOther: 'ps / tasklist（通过 ps-list）',
    runsOtherWhy: '在没有 /proc 的系统上列出进程',
    writeState:
      'status.json、audit.jsonl（每次检测和操作的日志，安全事件另写入 security.jsonl）和 cordon.db（供 osquery、Jamf 和 Intune 读取的设备状态：发现项、清单、策略、心跳；不含任何密钥）',
    writeStateWhy: '让您、托盘应用和 IT 部门都能看到发生了什么',
    writeExceptions: 'exception-requests.json：员工提交的例外申请（申请人、工具、理由、申请的截止时间、答复），仅 root 可读',
    writeExceptionsWhy: '让管理员能答复您的申请；只有已签名的策略才能批准例外',
    writeQuarantine: '被隔离的安装，以及其中每个文件的清单（大小、SHA-256、所有者、权限）',
    writeQuarantineWhy: '让每次移除都能被完整撤销',
    writeSocket: '供托盘应用和 cordon 命令使用的本地套接字',
    writeSocketWhy: '用于回答状态查询和您的“立即修复”请求；在 Linux 上由内核（sock_diag）告知每个连接属于哪个用户，因此每个用户只会看到自己的发现项',
    hookReads: (tool: string) => `${tool} 的托管设置文件（每次 ${tool} 启动时由启动钩子以您的身份读取）`,
    hookReadsWhy: (tool: string) => `让贵组织自己的 ${tool} 设置在 Cordon 的钩子作答时继续生效`,
    hookRuns: (tool: string, launcher: string) =>
      `自身不运行任何程序，但在策略阻止或限制 ${tool} 期间，${tool} 每次启动时都会（以您的身份）运行 Cordon 的启动钩子 ${launcher}`,
    hookRunsWhy: '用于按策略拒绝启动或限制可用模型，并显示策略的说明；钩子只读取此处列出的文件，并把被拒绝的启动告知代理',
    hookFragment: (tool: string) => `在其自身文件夹之外：一个指向 Cordon 启动钩子（其 policyHelper）的托管设置片段，仅在策略阻止或限制 ${tool} 期间存在`,
    hookFragmentWhy: (tool: string) => `让 ${tool} 在启动前询问 Cordon；没有策略需要时即被移除，且从不触碰不是 Cordon 写入的文件`,
    hookFiles: (tool: string) => `启动钩子的启动器及其决定文件（谁可以启动 ${tool}、限制为哪些模型、到何时为止）`,
    hookFilesWhy: '让钩子在几毫秒内作答，即使代理已停止；与片段一同移除',
    sendWhat: '`cordon status --json` 显示的状态 JSON：主机名、合规状态、策略、清单和发现项（路径、进程号、用户名；从不包含文件内容或密钥）',
    sendTo: (url: string, every: number, headers: string) => `${url}，每 ${every} 秒一次${headers ? `，附带请求头 ${headers}` : ''}`,
    sendWhy: '让 IT 部门了解整个设备群的合规情况',
    never: [
      '读取文档、源代码、浏览器数据、聊天或对话内容',
      '复制 API 密钥、令牌或任何匹配到的值',
      '删除不是它写入的文件：移除是移入隔离区，管理员可以撤销',
      '在未配置报告地址时向任何地方发送任何内容',
      '监视您的键盘输入、屏幕、网络流量或剪贴板',
    ],
    everyHome: '本机每个用户的主目录',
  },
} as const;

export function explainAgent(input: ExplainInput, lang: ExplainLanguage = 'en'): Explanation {
  const { platform, catalog } = input;
  const w = WORDS[lang];
  const installs = locationsOf(catalog, platform, 'installs');
  const configs = locationsOf(catalog, platform, 'configs');
  const homes = Array.isArray(input.homes) ? input.homes.join(', ') : w.everyHome;
  return {
    summary: w.summary(input.report ? input.report.url : null),
    reads: [
      { what: w.procWhat, where: [platform === 'linux' ? '/proc/<pid>/{stat,status,cmdline,exe}' : w.procWhereOther], why: w.procWhy(input.pollIntervalMs) },
      ...(input.processEvents ? [{ what: w.eventsWhat, where: [eventSource(platform)], why: w.eventsWhy }] : []),
      { what: w.installWhat(homes, input.systemRoot), where: installs, why: w.installWhy },
      { what: w.configWhat, where: configs, why: w.configWhy },
      { what: w.policyWhat, where: [input.policyDir], why: w.policyWhy },
      ...input.startHooks.map((h) => ({ what: w.hookReads(h.toolName), where: [h.managedDir], why: w.hookReadsWhy(h.toolName) })),
    ],
    runs: [
      { what: w.runsLinux, why: w.runsLinuxWhy },
      ...(platform === 'linux' ? [] : [{ what: w.runsOther, why: w.runsOtherWhy }]),
      ...input.startHooks.map((h) => ({ what: w.hookRuns(h.toolName, h.launcherPath), why: w.hookRunsWhy })),
    ],
    writes: [
      { what: w.writeState, where: input.stateDir, why: w.writeStateWhy },
      { what: w.writeExceptions, where: input.stateDir, why: w.writeExceptionsWhy },
      { what: w.writeQuarantine, where: input.quarantineDir, why: w.writeQuarantineWhy },
      { what: w.writeSocket, where: input.socketPath, why: w.writeSocketWhy },
      ...input.startHooks.flatMap((h) => [
        { what: w.hookFragment(h.toolName), where: h.fragmentPath, why: w.hookFragmentWhy(h.toolName) },
        { what: w.hookFiles(h.toolName), where: `${h.launcherPath}, ${h.decisionsPath}`, why: w.hookFilesWhy },
      ]),
    ],
    sends: input.report
      ? [
          {
            what: w.sendWhat,
            to: w.sendTo(input.report.url, input.report.intervalSeconds ?? 300, input.report.headers ? Object.keys(input.report.headers).join(', ') : ''),
            why: w.sendWhy,
          },
        ]
      : [],
    never: [...w.never],
    decides: lang === 'en' ? decidesInEnglish() : DECIDES_ZH,
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

function decidesInEnglish(): Explanation['decides'] {
  return [
    ...COMBINATION_RULES,
    {
      when: 'actions are ranked',
      then: Object.entries(ACTION_PRECEDENCE)
        .sort(([, a], [, b]) => b.rank - a.rank)
        .map(([action]) => action)
        .join(' > '),
      reason: Object.entries(ACTION_PRECEDENCE)
        .map(([action, p]) => `${action} ${p.reason}`)
        .join('; '),
    },
  ];
}

/** COMBINATION_RULES and the action ranking in Chinese, entry for entry (a test keeps the two the same length). */
const DECIDES_ZH: Explanation['decides'] = [
  { when: '策略已过期，或规则尚未到达第一阶段', then: '不涵盖任何内容', reason: '禁令只在签名者选定的时间段内适用' },
  {
    when: '多条规则（来自一个或多个策略）涵盖同一项',
    then: '发现项带有所有未豁免的涵盖规则当前要求的全部操作',
    reason: '每个已签名的策略都必须满足；任何策略都不能削弱另一个策略',
  },
  {
    when: '部分涵盖规则对该用户、主机或用户组豁免，其余不豁免',
    then: '发现项保持待处理，带有未豁免规则的操作',
    reason: '豁免只解除它所指明的规则：本策略的规则，或豁免策略所指明策略的规则（即对例外申请的签名答复）',
  },
  { when: '所有涵盖规则都已豁免', then: '发现项在最早结束的豁免到期前处于豁免状态，并显示届时将适用的操作', reason: '让用户看到豁免到期后会发生什么' },
  {
    when: '选择发现项所属的策略和规则',
    then: '当前要求最严格操作的规则；相同时取阶段开始较早者，再按策略标识和规则标识排序',
    reason: '发现项指向要求最多的规则，并且每次运行结果相同',
  },
  { when: '计算截止时间', then: '决定性规则中下一个增加新操作的阶段的最早开始时间（若在策略到期之前）', reason: '截止时间就是用户处境下一次变得更严格的时间' },
  {
    when: '操作的严格程度',
    then: '隔离 > 结束进程 > 阻止启动 > 限制模型 > 通知 > 记录',
    reason:
      '记录只登记发现；通知告诉用户；限制模型时工具仍可运行，但其自身的托管启动钩子只允许所选模型；阻止启动由工具自身的托管启动钩子拒绝启动，不移除任何内容，正在运行的会话继续；结束进程会停止运行但安装仍在；隔离会（可恢复地）移走安装，使其无法再次启动',
  },
];
