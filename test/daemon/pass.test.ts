// The one pass with fake ports: scan plans exactly what enforce carries out, enforcement remembers, and looks again.
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../agent/adapters/auditLog.js';
import type { Observation } from '../../agent/common/model.js';
import { CordonError } from '../../agent/common/errors.js';
import { EnforcementMemory, QUICK_RETRIES } from '../../agent/core/enforce/memory.js';
import { parsePolicy } from '../../agent/core/policy/parse.js';
import type { PolicyState } from '../../agent/daemon/engine.js';
import type { EnforcerDeps, StepOutcome } from '../../agent/daemon/enforcer.js';
import { runPass, type Collection, type PassDeps } from '../../agent/daemon/pass.js';
import type { QuarantineRequest } from '../../agent/adapters/quarantine/index.js';

const NOW = new Date('2026-07-15T00:00:00Z');

function policyState(actions: string): PolicyState {
  const yaml = `apiVersion: cordon/v1
id: ban
version: 1
issuer: IT
issuedAt: 2026-01-01T00:00:00Z
message: Claude Code must go.
rules:
  - id: claude
    tools: [claude-code, anthropic-model-config]
    phases:
      - { from: 2026-07-10T00:00:00Z, actions: [${actions}] }
`;
  const policy = parsePolicy(Buffer.from(yaml), 'ban.yaml', { knownToolIds: ['claude-code', 'anthropic-model-config'] });
  const catalog = {
    interpreters: [],
    tools: [{ id: 'claude-code', name: 'Claude Code', vendor: 'Anthropic', category: 'cli' as const, description: 'd', examples: {} }],
  };
  return { policies: [{ policy, ref: { id: 'ban', version: 1, file: 'ban.yaml', signedBy: 'it' } }], errors: [], catalog };
}

const claudeProcess: Observation = {
  tool: 'claude-code',
  kind: 'process',
  pid: 4242,
  startTime: '777',
  user: 'alice',
  path: '/home/alice/.local/bin/claude',
  signal: 'comm is claude',
};
const claudeInstall: Observation = {
  tool: 'claude-code',
  kind: 'install',
  path: '/home/alice/.local/share/claude',
  user: 'alice',
  signal: 'native install',
  role: 'program',
  scanRoot: '/home/alice',
};
const apiKeyLine: Observation = {
  tool: 'anthropic-model-config',
  kind: 'config',
  path: '/home/alice/.bashrc',
  user: 'alice',
  signal: 'ANTHROPIC_API_KEY set',
  scanRoot: '/home/alice',
};

/** A machine seen through fake ports: what is there, what a kill or a quarantine does to it, and everything said. */
function fakeMachine(opts: { killFails?: boolean; quarantineFailsOnce?: boolean; installChanging?: number } = {}) {
  let quarantineFails = opts.quarantineFailsOnce ?? false;
  let changing = opts.installChanging ?? 0;
  let present = [claudeProcess, claudeInstall, apiKeyLine];
  const calls: string[] = [];
  const audit: AuditRecord[] = [];
  const collection: Collection = {
    observations: () => [...present],
    afterRemoval(outcomes: readonly StepOutcome[]) {
      calls.push('look again');
      for (const o of outcomes) {
        if (o.state !== 'remediated') continue;
        if (o.step.action === 'kill') present = present.filter((p) => p.pid !== (o.step as { target: { pid: number } }).target.pid);
        if (o.step.action === 'quarantine') present = present.filter((p) => p.path !== (o.step as { target: { path: string } }).target.path);
      }
    },
  };
  const enforcer: EnforcerDeps = {
    killer: {
      identity: async (pid) => (present.some((p) => p.pid === pid) ? '777' : null),
      graceful: true,
      stop: async (pid, how) => {
        const signal = how === 'terminate' ? 'SIGTERM' : 'SIGKILL';
        calls.push(`${signal} ${pid}`);
        if (opts.killFails) throw Object.assign(new Error('not permitted'), { code: 'EPERM' });
        present = present.filter((p) => p.pid !== pid);
        return signal;
      },
      alive: async (pid) => present.some((p) => p.pid === pid),
    },
    quarantine: {
      quarantine: async (req: QuarantineRequest) => {
        calls.push(`quarantine ${req.path} from ${req.scanRoot} as ${req.role}`);
        if (quarantineFails) {
          quarantineFails = false;
          throw new Error('not permitted');
        }
        if (changing > 0) {
          changing--;
          throw new CordonError('unsafe-path', 'was replaced after it was checked', { changing: true });
        }
        return { id: 'q-1' } as never;
      },
    },
    notifier: {
      notify: async (n) => {
        calls.push(`notify ${n.user}: ${n.title}`);
        return { via: 'agent' as const };
      },
    },
    audit: { write: (r: AuditRecord) => void audit.push(r) },
    lang: 'en',
    sleep: async () => undefined,
  };
  const deps = (enforce: boolean): PassDeps => ({ enforcer: enforce ? enforcer : null, host: 'laptop-7', groupsOf: () => [] });
  /** The install goes (its user removed it) or comes back (reinstalled). */
  const install = (there: boolean) => {
    present = there ? [...present.filter((p) => p !== claudeInstall), claudeInstall] : present.filter((p) => p !== claudeInstall);
  };
  return { collection, deps, calls, audit, install };
}

describe('runPass', () => {
  it("plans in scan exactly what enforce then carries out (the user's own settings stay with the user)", async () => {
    const state = policyState('report, notify, kill, quarantine');
    const machine = fakeMachine();
    const scan = await runPass({ collection: machine.collection, policyState: state, now: NOW, memory: new EnforcementMemory() }, machine.deps(false));
    expect(machine.calls).toEqual([]);
    const enforce = await runPass({ collection: machine.collection, policyState: state, now: NOW, memory: new EnforcementMemory() }, machine.deps(true));
    expect(enforce.outcomes.map((o) => o.step)).toEqual(scan.plan.filter((s) => s.action !== 'manual'));
    expect(scan.plan.map((s) => s.action)).toEqual(['kill', 'quarantine', 'manual', 'notify', 'notify', 'notify']);
    expect(machine.calls).toEqual([
      'SIGTERM 4242',
      'quarantine /home/alice/.local/share/claude from /home/alice as program',
      'notify alice: Cordon: Claude Code is running',
      'notify alice: Cordon: Claude Code is installed',
      'notify alice: Cordon: anthropic-model-config is configured',
      'look again',
    ]);
  });

  it('looks again after removal and keeps what it removed visible as remediated', async () => {
    const machine = fakeMachine();
    const result = await runPass(
      { collection: machine.collection, policyState: policyState('report, kill, quarantine'), now: NOW, memory: new EnforcementMemory() },
      machine.deps(true),
    );
    expect(result.status.inventory.map((i) => i.kind)).toEqual(['config']);
    expect(result.status.findings.map((f) => `${f.kind}:${f.state}`).sort()).toEqual(['config:open', 'install:remediated', 'process:remediated']);
    expect(result.status.compliance).toBe('violation');
    expect(machine.audit.filter((r) => r.event === 'resolved')).toHaveLength(2);
  });

  it('tells the user once, however many passes see the finding', async () => {
    const machine = fakeMachine();
    const memory = new EnforcementMemory();
    const state = policyState('report, notify');
    for (let i = 0; i < 3; i += 1)
      await runPass({ collection: machine.collection, policyState: state, now: new Date(NOW.getTime() + i * 1000), memory }, machine.deps(true));
    expect(machine.calls.filter((c) => c.startsWith('notify'))).toHaveLength(3);
    expect(machine.audit.filter((r) => r.event === 'detected')).toHaveLength(3);
  });

  it('shows a failed kill as failed and tries again only after a minute', async () => {
    const machine = fakeMachine({ killFails: true });
    const memory = new EnforcementMemory();
    const state = policyState('report, kill');
    const at = (ms: number) => runPass({ collection: machine.collection, policyState: state, now: new Date(NOW.getTime() + ms), memory }, machine.deps(true));
    const first = await at(0);
    expect(first.status.findings.find((f) => f.kind === 'process')).toMatchObject({ state: 'failed', outcome: expect.stringContaining('not permitted') });
    const waiting = await at(30_000);
    expect(waiting.status.findings.find((f) => f.kind === 'process')?.state).toBe('failed');
    await at(61_000);
    expect(machine.calls.filter((c) => c.startsWith('SIGTERM'))).toHaveLength(2);
  });

  it('forgets a failed removal when its finding goes: a reinstall within the minute is removed at once', async () => {
    const machine = fakeMachine({ quarantineFailsOnce: true });
    const memory = new EnforcementMemory();
    const state = policyState('report, quarantine');
    const at = (ms: number) => runPass({ collection: machine.collection, policyState: state, now: new Date(NOW.getTime() + ms), memory }, machine.deps(true));
    const quarantines = () => machine.calls.filter((c) => c.startsWith('quarantine')).length;
    expect((await at(0)).status.findings.find((f) => f.kind === 'install')?.state).toBe('failed');
    await at(1_000);
    expect(quarantines()).toBe(1);
    machine.install(false);
    await at(2_000);
    machine.install(true);
    await at(3_000);
    expect(quarantines()).toBe(2);
  });

  it('tries an install that changed while it was being moved (still being written) again after a second, a few times', async () => {
    const machine = fakeMachine({ installChanging: 10 });
    const memory = new EnforcementMemory();
    const state = policyState('report, quarantine');
    const at = (ms: number) => runPass({ collection: machine.collection, policyState: state, now: new Date(NOW.getTime() + ms), memory }, machine.deps(true));
    const quarantines = () => machine.calls.filter((c) => c.startsWith('quarantine')).length;
    await at(0);
    await at(500);
    expect(quarantines()).toBe(1);
    for (let i = 1; i <= QUICK_RETRIES; i++) await at(i * 1_000 + 500);
    expect(quarantines()).toBe(1 + QUICK_RETRIES);
    await at(30_000);
    expect(quarantines()).toBe(1 + QUICK_RETRIES);
  });

  it('removes a finding its user asks to fix before any phase requires it, without a notification', async () => {
    const machine = fakeMachine();
    const memory = new EnforcementMemory();
    const state = policyState('report');
    const before = await runPass({ collection: machine.collection, policyState: state, now: NOW, memory }, machine.deps(true));
    expect(before.outcomes).toEqual([]);
    const id = before.findings.find((f) => f.kind === 'install')!.id;
    const after = await runPass({ collection: machine.collection, policyState: state, now: NOW, memory, insist: id }, machine.deps(true));
    expect(after.outcomes.map((o) => `${o.step.action}:${o.state}`)).toEqual(['quarantine:remediated']);
    expect(after.status.findings.find((f) => f.id === id)?.state).toBe('remediated');
  });

  it('never sends the enforcement target to clients', async () => {
    const machine = fakeMachine();
    const { status, findings } = await runPass(
      { collection: machine.collection, policyState: policyState('report'), now: NOW, memory: new EnforcementMemory() },
      machine.deps(false),
    );
    expect(findings.find((f) => f.kind === 'process')?.target).toEqual({ kind: 'process', pid: 4242, startTime: '777' });
    expect(status.findings.every((f) => !('target' in f))).toBe(true);
  });
});
