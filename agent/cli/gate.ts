#!/usr/bin/env node
// The start hook Claude Code runs as the employee (`gate.js claude-code …`): a small entry of its own so it answers in milliseconds
// (the daemon client loads only when the decision file cannot be used or a refusal is reported).
import type { StartRefusedParams } from '../common/ipc.js';
import { readOrganisationLayers } from '../adapters/managedSettingsFiles.js';
import { readStartHookDecisions } from '../adapters/startHookDecisions.js';
import { currentUserName } from '../adapters/users.js';
import { decisionFor, type GateDecision } from '../core/gate/decisions.js';
import { mergeManagedLayers, startAnswer } from '../core/gate/managedSettings.js';
import { noCommonModelText, refusalText, unknownDecisionText } from '../core/gate/refusal.js';
import { FRAGMENT_NAME, START_HOOK_TOOLS } from '../core/gate/startHook.js';
import { languageFromEnv } from '../common/localize.js';

/** Exit codes Claude Code reports as "policyHelper failed: exited with code N". */
export const GATE_EXIT = { refused: 77, unknownClosed: 75, usage: 64 } as const;

interface GateArgs {
  tool: string;
  decisions: string;
  managedDir: string;
  socket: string | null;
  failClosedFrom: number | null;
  deadlineMs: number;
  socketTimeoutMs: number;
}

/** Whole run, well under Claude Code's 10 s; reaching it answers by the fail mode instead of hanging. */
const DEFAULT_DEADLINE_MS = 3000;
/** One daemon round trip; only taken when the decision file cannot be used, or to report a refusal. */
const DEFAULT_SOCKET_TIMEOUT_MS = 1000;

function parseArgs(argv: string[]): GateArgs | string {
  const [tool, ...rest] = argv;
  if (!tool || !(tool in START_HOOK_TOOLS)) return `the first argument must be a tool with a start hook: ${Object.keys(START_HOOK_TOOLS).join(', ')}`;
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const [key, value] = [rest[i] as string, rest[i + 1]];
    if (!key.startsWith('--') || value === undefined) return `expected --flag value pairs, got ${key}`;
    flags.set(key.slice(2), value);
  }
  const known = ['decisions', 'managed-dir', 'socket', 'fail-closed-from', 'deadline-ms', 'socket-timeout-ms'];
  const unknown = [...flags.keys()].find((k) => !known.includes(k));
  if (unknown) return `unknown flag --${unknown}; known: ${known.map((k) => `--${k}`).join(', ')}`;
  const decisions = flags.get('decisions');
  const managedDir = flags.get('managed-dir');
  if (!decisions || !managedDir) return '--decisions and --managed-dir are required';
  const from = flags.get('fail-closed-from');
  const number = (k: string, d: number): number => {
    const v = Number(flags.get(k) ?? d);
    return Number.isFinite(v) && v > 0 ? v : d;
  };
  return {
    tool,
    decisions,
    managedDir,
    socket: flags.get('socket') ?? null,
    failClosedFrom: from === undefined ? null : Date.parse(from),
    deadlineMs: number('deadline-ms', DEFAULT_DEADLINE_MS),
    socketTimeoutMs: number('socket-timeout-ms', DEFAULT_SOCKET_TIMEOUT_MS),
  };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    work.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

/** Asks the daemon for this user's decision (the user is proved with the hello handshake). */
async function askDaemon(args: GateArgs): Promise<GateDecision> {
  if (!args.socket) throw new Error('no socket configured');
  const { DaemonClient } = await import('../client/daemonClient.js');
  const client = await DaemonClient.connect(args.socket, { connectTimeoutMs: args.socketTimeoutMs, replyTimeoutMs: args.socketTimeoutMs });
  try {
    await withTimeout(client.hello(), args.socketTimeoutMs);
    return await withTimeout(client.request('gate', { tool: args.tool }), args.socketTimeoutMs);
  } finally {
    client.close();
  }
}

/** Tells the daemon a start was refused, for the audit log; bounded, and a daemon that does not answer changes nothing. */
async function reportRefusal(args: GateArgs, params: StartRefusedParams): Promise<void> {
  if (!args.socket) return;
  try {
    const { DaemonClient } = await import('../client/daemonClient.js');
    const client = await DaemonClient.connect(args.socket, { connectTimeoutMs: args.socketTimeoutMs, replyTimeoutMs: args.socketTimeoutMs });
    try {
      await withTimeout(client.hello(), args.socketTimeoutMs);
      await withTimeout(client.request('start-refused', params), args.socketTimeoutMs);
    } finally {
      client.close();
    }
  } catch {
    // The refusal stands either way; without a daemon there is no one to tell.
  }
}

function finish(code: number, stdout: string, stderr: string): never {
  if (stdout) process.stdout.write(stdout);
  if (stderr) process.stderr.write(`${stderr}\n`);
  process.exit(code);
}

async function main(args: GateArgs): Promise<never> {
  const now = new Date();
  const lang = languageFromEnv(process.env);
  const toolName = START_HOOK_TOOLS[args.tool]?.name ?? args.tool;
  const org = readOrganisationLayers(args.managedDir, FRAGMENT_NAME);
  const organisation = mergeManagedLayers(org.layers.map((l) => l.settings));
  const read = readStartHookDecisions(args.decisions, args.tool);
  let decision: GateDecision;
  let source = 'decision file';
  if (typeof read !== 'string') {
    decision = decisionFor(read, currentUserName(), now);
  } else {
    try {
      decision = await askDaemon(args);
      source = 'agent';
    } catch (err) {
      const why = `${read}; the agent did not answer either: ${(err as Error).message}`;
      if (args.failClosedFrom !== null && now.getTime() >= args.failClosedFrom) {
        await reportRefusal(args, { tool: args.tool, reason: 'unknown-decision', detail: why });
        finish(GATE_EXIT.unknownClosed, '', unknownDecisionText(toolName, why, lang));
      }
      decision = { kind: 'allow' };
      source = 'fail-open';
    }
  }
  const answer = startAnswer(organisation, decision);
  if (answer.start) finish(0, `${JSON.stringify({ managedSettings: answer.settings })}\n`, '');
  if (answer.reason === 'policy') {
    await reportRefusal(args, { tool: args.tool, reason: 'policy', policy: answer.decision.policy, rule: answer.decision.rule, source });
    finish(GATE_EXIT.refused, '', refusalText(toolName, answer.decision, lang));
  }
  await reportRefusal(args, {
    tool: args.tool,
    reason: 'no-common-model',
    detail: `organisation: ${answer.organisation.join(', ')}; cordon: ${answer.cordon.join(', ')}`,
  });
  finish(GATE_EXIT.refused, '', noCommonModelText(toolName, answer.organisation, answer.cordon, lang));
}

/** No decision at all: refuse from the fail-closed instant on, else let the tool start with the organisation's settings. */
function fallback(args: GateArgs, why: string): never {
  if (args.failClosedFrom !== null && Date.now() >= args.failClosedFrom) {
    finish(GATE_EXIT.unknownClosed, '', unknownDecisionText(START_HOOK_TOOLS[args.tool]?.name ?? args.tool, why, languageFromEnv(process.env)));
  }
  const answer = startAnswer(mergeManagedLayers(readOrganisationLayers(args.managedDir, FRAGMENT_NAME).layers.map((l) => l.settings)), { kind: 'allow' });
  finish(0, `${JSON.stringify({ managedSettings: answer.start ? answer.settings : {} })}\n`, '');
}

const args = parseArgs(process.argv.slice(2));
if (typeof args === 'string') finish(GATE_EXIT.usage, '', `cordon gate: ${args}`);
setTimeout(() => fallback(args, `no decision within ${args.deadlineMs} ms`), args.deadlineMs);
main(args).catch((err: unknown) => fallback(args, (err as Error).message));
