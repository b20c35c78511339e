// Peak RSS of the daemon, started as the service unit starts it, while it refuses each hostile policy shape of
// test/support/hostilePolicies.ts: one fresh daemon per shape. Run: `npm run build && npx tsx bench/policyMemory.ts [--bytes N]`.
// CORDON_BENCH_DIST=DIR runs another build (of an older commit, to compare); --bytes makes each shape about N bytes
// (1048576: the old limit) instead of the largest the caps let through; --shape NAME measures one shape.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEST_POLICY_HEAD } from '../test/support/agentFixture.js';
import { HOSTILE_SHAPES, largestWithinCaps, type HostileShape } from '../test/support/hostilePolicies.js';
import { agentDist, serviceNodeFlags } from './agents.js';
import { sleepMs } from './workload.js';

const GOOD_POLICY = `${TEST_POLICY_HEAD(1)}  - id: claude-code
    tools: [claude-code]
    phases:
      - { from: 2026-01-01T00:00:00Z, actions: [report] }
`;
/** A file the agent has not refused by then is reported as still being parsed (1 MiB of unique keys took minutes). */
const GIVE_UP_MS = 60_000;

interface AuditRecord {
  event: string;
  path?: string;
  detail?: string;
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function peakRssMb(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

/** The largest repetition count whose file is at most `bytes` long. */
function repetitionsFor(shape: HostileShape, bytes: number): number {
  let lo = 1;
  let hi = bytes;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (Buffer.byteLength(shape.make(mid)) <= bytes) lo = mid;
    else hi = mid;
  }
  return lo;
}

async function measure(shape: HostileShape, text: string, main: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-policy-memory-'));
  const policyDir = path.join(dir, 'policies');
  const stateDir = path.join(dir, 'state');
  for (const d of [path.join(dir, 'home'), path.join(dir, 'root'), policyDir]) fs.mkdirSync(d, { recursive: true });
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const configFile = path.join(dir, 'agent.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      policyDir,
      stateDir,
      homes: [path.join(dir, 'home')],
      systemRoot: path.join(dir, 'root'),
      platform: 'linux',
      socketPath: path.join(dir, 'run', 'cordon.sock'),
      processScope: { session: 2 ** 22 },
      trustedKeys: [{ id: 'bench', publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
    }),
  );
  const writeSigned = (file: string, content: string): void => {
    const bytes = Buffer.from(content);
    fs.writeFileSync(`${file}.sig`, crypto.sign(null, bytes, privateKey).toString('base64'));
    fs.writeFileSync(file, bytes);
  };
  const audit = (): AuditRecord[] => {
    try {
      return fs
        .readFileSync(path.join(stateDir, 'audit.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AuditRecord);
    } catch {
      return [];
    }
  };
  writeSigned(path.join(policyDir, 'test-ban.yaml'), GOOD_POLICY);
  const agent = spawn(process.execPath, [...serviceNodeFlags(), main, 'run', '--config', configFile], { stdio: 'ignore' });
  try {
    while (!audit().some((r) => r.event === 'policy-loaded')) await sleepMs(50);
    await sleepMs(1500);
    const atRest = peakRssMb(agent.pid as number);
    const file = path.join(policyDir, `hostile.${shape.json ? 'json' : 'yaml'}`);
    const started = Date.now();
    writeSigned(file, text);
    let refused: AuditRecord | undefined;
    while (!(refused = audit().find((r) => r.event === 'policy-rejected' && r.path === file)) && Date.now() - started < GIVE_UP_MS) await sleepMs(50);
    const ms = Date.now() - started;
    await sleepMs(300);
    const peak = peakRssMb(agent.pid as number);
    const outcome = refused ? (refused.detail ?? '').replace(`${file}`, '').slice(0, 70) : `still parsing after ${GIVE_UP_MS / 1000} s`;
    return `| ${shape.name} | ${Buffer.byteLength(text)} | ${atRest.toFixed(1)} | ${peak.toFixed(1)} | +${(peak - atRest).toFixed(1)} | ${ms} | ${outcome} |`;
  } finally {
    agent.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const bytes = option('--bytes');
  const only = option('--shape');
  console.log(`daemon ${agentDist}, node ${serviceNodeFlags().join(' ')}; each shape ${bytes ? `about ${bytes} bytes` : 'as large as the caps let through'}`);
  console.log('| shape | bytes | peak RSS at rest (MB) | peak RSS after (MB) | growth | refused after (ms) | reason |\n|---|---|---|---|---|---|---|');
  for (const shape of HOSTILE_SHAPES.filter((s) => !only || s.name === only)) {
    const n = bytes ? repetitionsFor(shape, Number(bytes)) : largestWithinCaps(shape);
    console.log(await measure(shape, shape.make(n), path.join(agentDist, 'agent', 'cli', 'main.js')));
  }
}

await main();
