// The real daemon with a signed two-phase policy and a real install: cordon.db read by the real sqlite3 command with the
// shipped osquery ATC queries while the daemon keeps writing, rows equal to `cordon status --json`, `since` kept across
// passes and restarts, and the Jamf and Intune scripts run against the live daemon and a stopped one.
import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../agent/client/daemonClient.js';
import type { Status } from '../../agent/common/model.js';
import { NO_PROCESSES, makeAgentFixture, type AgentFixture } from '../support/agentFixture.js';
import { ecsProblems } from '../support/ecs.js';
import { cliEntry, repoRoot } from '../support/paths.js';

const run = promisify(execFile);
const integrations = path.join(repoRoot, 'scripts', 'integrations');
type AtcTable = { query: string; path: string; columns: string[]; platform: string };
const atc = (JSON.parse(fs.readFileSync(path.join(integrations, 'osquery', 'atc-linux.json'), 'utf8')) as { auto_table_construction: Record<string, AtcTable> })
  .auto_table_construction;
const rules = (
  JSON.parse(fs.readFileSync(path.join(integrations, 'intune', 'cordon-rules.json'), 'utf8')) as {
    Rules: { SettingName: string; Operator: string; DataType: string; Operand: unknown }[];
  }
).Rules;

const DAY = 86_400_000;
const from = new Date(Date.now() - DAY).toISOString().replace(/\.\d+Z$/, 'Z');
const deadline = new Date(Date.now() + 30 * DAY).toISOString().replace(/\.\d+Z$/, 'Z');
const POLICY = `apiVersion: cordon/v1
id: fleet-test
version: 1
issuer: Test IT
issuedAt: 2026-01-01T00:00:00Z
message: Claude Code is being removed.
rules:
  - id: claude-code
    tools: [claude-code]
    phases:
      - { from: ${from}, actions: [report, notify] }
      - { from: ${deadline}, actions: [report, notify, kill, quarantine] }
`;

let fx: AgentFixture;
let agent: ChildProcess;
let db: string;
let wrapper: string;

/** The sqlite3 command, read-only, JSON rows; a busy or locked database fails the call. */
function sqlite(query: string): Record<string, unknown>[] {
  const out = execFileSync('sqlite3', ['-readonly', '-json', db, query], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.trim() ? (JSON.parse(out) as Record<string, unknown>[]) : [];
}

async function statusJson(): Promise<Status> {
  const { stdout } = await run(process.execPath, [cliEntry, 'status', '--json', '--config', fx.configFile]).catch((e: { stdout: string }) => e);
  return JSON.parse(stdout) as Status;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopAgent(signal: NodeJS.Signals): Promise<void> {
  if (agent.exitCode !== null || agent.signalCode !== null) return;
  const exited = new Promise((r) => agent.once('exit', r));
  agent.kill(signal);
  await exited;
}

/** A Jamf or Intune script run as Jamf/Intune would, with the cordon command of this checkout. */
async function script(rel: string): Promise<string> {
  const { stdout } = await run('bash', [path.join(integrations, rel)], { env: { ...process.env, CORDON_BIN: wrapper, CORDON_CONFIG: fx.configFile } });
  return stdout;
}

/** Intune's evaluation of the rules file against the discovery output. */
function intuneCompliant(facts: Record<string, unknown>): boolean {
  return rules.every((r) =>
    r.Operator === 'IsEquals' ? facts[r.SettingName] === r.Operand : r.Operator === 'NotEquals' ? facts[r.SettingName] !== r.Operand : false,
  );
}

beforeAll(async () => {
  fx = makeAgentFixture({ auditFormat: 'ecs', processScope: NO_PROCESSES });
  fx.writePolicy('fleet-test.yaml', POLICY);
  fs.mkdirSync(path.join(fx.home, '.local/share/claude/versions'), { recursive: true });
  fs.copyFileSync('/bin/true', path.join(fx.home, '.local/share/claude/versions/2.1.0'));
  db = path.join(fx.stateDir, 'cordon.db');
  wrapper = path.join(fx.dir, 'cordon');
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${cliEntry}" "$@"\n`, { mode: 0o755 });
  agent = await fx.start();
  await until('the finding in cordon.db', () => (fs.existsSync(db) && sqlite("SELECT id FROM findings WHERE tool = 'claude-code'").length ? true : undefined));
}, 30_000);

afterAll(async () => {
  await stopAgent('SIGKILL');
  fx.cleanup();
});

describe('cordon.db of a running daemon', () => {
  let firstSince: unknown;

  it('answers every shipped ATC query with its declared columns while the daemon keeps writing, never "database is locked"', async () => {
    const churn = path.join(fx.home, '.codex');
    let stop = false;
    // Every toggle of ~/.codex changes the inventory, so the daemon writes a new snapshot each time.
    const toggling = (async () => {
      for (let i = 0; !stop; i++) {
        if (i % 2) fs.rmSync(churn, { recursive: true, force: true });
        else fs.mkdirSync(churn, { recursive: true });
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    const errors: string[] = [];
    const inventorySizes = new Set<number>();
    let reads = 0;
    const end = Date.now() + 3000;
    while (Date.now() < end) {
      for (const [name, table] of Object.entries(atc)) {
        try {
          const rows = await run('sqlite3', ['-readonly', '-json', db, table.query]);
          const parsed = rows.stdout.trim() ? (JSON.parse(rows.stdout) as Record<string, unknown>[]) : [];
          for (const row of parsed) expect(Object.keys(row)).toEqual(table.columns);
          if (name === 'cordon_ai_tools') inventorySizes.add(parsed.length);
          reads++;
        } catch (err) {
          errors.push(`${name}: ${(err as { stderr?: string }).stderr ?? String(err)}`);
        }
      }
    }
    stop = true;
    await toggling;
    fs.rmSync(churn, { recursive: true, force: true });
    expect(errors).toEqual([]);
    expect(reads).toBeGreaterThan(20);
    // The readers saw the inventory with and without ~/.codex: the daemon wrote while they read.
    expect(inventorySizes.size).toBeGreaterThan(1);
    expect(sqlite('PRAGMA journal_mode')[0]).toEqual({ journal_mode: 'wal' });
  });

  it('holds the same findings, inventory, policies and verdict as `cordon status --json`', async () => {
    const key = (r: { identifier?: unknown; tool?: unknown; kind?: unknown; path?: unknown }) =>
      `${String(r.identifier ?? r.tool)}|${String(r.kind)}|${String(r.path)}`;
    const findingOf = (f: Record<string, unknown>) => ({
      id: f.id,
      tool: f.tool,
      policy: f.policy,
      rule: f.rule,
      kind: f.kind,
      path: f.path,
      username: f.username,
      state: f.state,
      deadline: f.deadline,
      actions: f.actions,
    });
    // Other processes on this machine come and go (the daemon sees them all): compare one status with the db written for it.
    const { status, findings } = await until('status and db to agree', async () => {
      const s = await statusJson();
      const rows = sqlite(atc.cordon_findings!.query);
      const same =
        JSON.stringify(rows.map(findingOf)) === JSON.stringify(s.findings.map((f) => findingOf({ ...f, username: f.user, actions: f.actions.join(',') }))) &&
        JSON.stringify(sqlite(atc.cordon_ai_tools!.query).map(key).sort()) === JSON.stringify(s.inventory.map(key).sort());
      return same ? { status: s, findings: rows } : undefined;
    });
    const install = findings.find((f) => f.kind === 'install' && f.path === path.join(fx.home, '.local/share/claude'));
    expect(install).toMatchObject({ tool: 'claude-code', state: 'open', due: 0 });
    expect(status.inventory.map(key)).toContain(`claude-code|install|${path.join(fx.home, '.local/share/claude')}`);
    expect(sqlite(atc.cordon_policies!.query)).toEqual([expect.objectContaining({ id: 'fleet-test', version: 1, state: 'in-force', signed_by: 'test-it' })]);
    expect(sqlite(atc.cordon_agent!.query)[0]).toMatchObject({
      compliance: status.compliance,
      version: status.agent?.version,
      pid: status.agent?.pid,
      process_source: status.agent?.processSource?.live,
      stale: 0,
      stopped_at: null,
    });
    expect(status.agent).toMatchObject({ staleAfterSeconds: 300, processSource: { live: expect.stringMatching(/^(proc-connector|polling)$/) } });
    expect(Date.parse(status.agent?.heartbeatAt ?? '')).toBeGreaterThan(Date.now() - 120_000);
    firstSince = install?.since;
    expect(typeof firstSince).toBe('string');
  });

  it('answers the example Fleet policies on the ATC tables: reporting, and no Claude Code past its deadline yet', () => {
    const fleet = parseYaml(fs.readFileSync(path.join(integrations, 'osquery', 'fleet-policies.yml'), 'utf8')) as {
      policies: { name: string; query: string }[];
      reports: { name: string; query: string }[];
    };
    const views = Object.entries(atc)
      .map(([name, t]) => `CREATE TEMP VIEW ${name} AS ${t.query.replace(/;$/, '')};`)
      .join(' ');
    const answer = (q: string) => execFileSync('sqlite3', ['-readonly', '-json', db, `${views} ${q}`], { encoding: 'utf8' }).trim();
    const byName = Object.fromEntries(fleet.policies.map((p) => [p.name, answer(p.query) !== '']));
    expect(byName).toEqual({ 'Cordon - agent reporting': true, 'Cordon - no Claude Code past its deadline': true, 'Cordon - compliant': false });
    for (const r of fleet.reports) expect(() => answer(r.query)).not.toThrow();
  });

  it("keeps a finding's since across passes and across a restart of the daemon", async () => {
    // Another pass that changes the status (a new install elsewhere) rewrites every table in one transaction.
    fs.mkdirSync(path.join(fx.home, '.gemini'), { recursive: true });
    const client = await DaemonClient.connect(fx.socketPath);
    await client.request('scan').finally(() => client.close());
    await until('the new snapshot', () => (sqlite("SELECT 1 FROM inventory WHERE identifier = 'gemini-cli'").length ? true : undefined));
    expect(sqlite(`SELECT since FROM findings WHERE kind = 'install' AND path = '${path.join(fx.home, '.local/share/claude')}'`)[0]?.since).toBe(firstSince);
    await stopAgent('SIGTERM');
    agent = await fx.start();
    await until('the restarted daemon to write', () => (sqlite('SELECT stopped_at FROM agent')[0]?.stopped_at === null ? true : undefined));
    expect(sqlite(`SELECT since FROM findings WHERE kind = 'install' AND path = '${path.join(fx.home, '.local/share/claude')}'`)[0]?.since).toBe(firstSince);
  });

  it('runs the Jamf and Intune scripts against the live daemon in their documented formats', async () => {
    expect(await script('jamf/cordon-compliance.sh')).toBe('<result>warning</result>\n');
    expect(await script('jamf/cordon-days-to-deadline.sh')).toBe('<result>30</result>\n');
    expect(await script('jamf/cordon-last-check.sh')).toMatch(/^<result>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d<\/result>\n$/);
    expect(await script('jamf/cordon-policies.sh')).toBe('<result>fleet-test@1</result>\n');
    expect(await script('intune/macos-compliance-attribute.sh')).toBe('warning\n');
    const discovery = await script('intune/discovery-linux.sh');
    expect(discovery.split('\n')).toEqual([expect.any(String), '']);
    const facts = JSON.parse(discovery) as Record<string, unknown>;
    expect(Object.keys(facts).sort()).toEqual(expect.arrayContaining(rules.map((r) => r.SettingName).sort()));
    expect(facts).toMatchObject({ CordonAgentReporting: true, CordonCompliance: 'warning', CordonDaysToDeadline: 30, CordonPolicies: 'fleet-test@1' });
    expect(intuneCompliant(facts)).toBe(true);
  });

  it('reports a stopped daemon as stale in every script, at once after a clean stop and after the stale time after a crash', async () => {
    await stopAgent('SIGTERM');
    expect(await script('jamf/cordon-compliance.sh')).toBe('<result>stale</result>\n');
    expect(await script('intune/macos-compliance-attribute.sh')).toBe('stale\n');
    const facts = JSON.parse(await script('intune/discovery-linux.sh')) as Record<string, unknown>;
    expect(facts).toMatchObject({ CordonAgentReporting: false, CordonCompliance: 'stale' });
    expect(intuneCompliant(facts)).toBe(false);
    expect(sqlite(atc.cordon_agent!.query)[0]).toMatchObject({ stale: 1 });

    agent = await fx.start();
    await until('the restarted daemon to write', () => (sqlite('SELECT stopped_at FROM agent')[0]?.stopped_at === null ? true : undefined));
    expect(await script('jamf/cordon-compliance.sh')).toBe('<result>warning</result>\n');
    await stopAgent('SIGKILL');
    expect(await script('jamf/cordon-compliance.sh')).toBe('<result>warning</result>\n');
    // Six minutes of silence after the crash: the last heartbeat is older than the stale time (300 s).
    execFileSync('sqlite3', [
      db,
      `UPDATE agent SET heartbeat_at = '${new Date(Date.now() - 360_000).toISOString()}', heartbeat_epoch = ${Math.floor(Date.now() / 1000) - 360}`,
    ]);
    expect(await script('jamf/cordon-compliance.sh')).toBe('<result>stale</result>\n');
    expect(JSON.parse(await script('intune/discovery-linux.sh'))).toMatchObject({ CordonAgentReporting: false, CordonCompliance: 'stale' });
  }, 30_000);

  it('wrote its audit log in ECS, every line valid against the ECS field definitions', () => {
    const lines = fs
      .readFileSync(path.join(fx.stateDir, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(new Set(lines.map((l) => (l.cordon as { event: string }).event))).toEqual(
      expect.objectContaining(new Set(['agent-start', 'detected', 'policy-loaded', 'agent-stop'])),
    );
    for (const line of lines) expect(ecsProblems(line)).toEqual([]);
  });
});
