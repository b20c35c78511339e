// The scene of an attack test: the real agent (fenced to a session of its own), a throwaway unprivileged user with a
// fake `~/bin/claude`, and what is needed to show the agent still kills and still records.
import fs from 'node:fs';
import path from 'node:path';
import { ENFORCE_NOW_POLICY, makeAgentFixture, waitFor, type AgentFixture } from './agentFixture.js';
import { startSession, type Launched, type TestSession } from './session.js';
import { createThrowawayUser, openPathTo, type ThrowawayUser } from './throwawayUser.js';

export interface AuditLine {
  time: string;
  event: string;
  outcome: string;
  pid?: number;
  path?: string;
  user?: string;
  detail?: string;
}

export interface AttackBed {
  fx: AgentFixture;
  user: ThrowawayUser;
  session: TestSession;
  agentPid: number;
  /** `~/bin/claude`, a link to sleep. */
  claudePath: string;
  auditLines(file?: string): AuditLine[];
  /** Starts `argv` as the user in the agent's session (the only processes it may act on). */
  launchAsUser(argv: string[]): Promise<Launched>;
  /**
   * Starts a fake claude as the user and resolves with its pid once this agent killed it (its kill record is in this
   * agent's audit log) within `withinMs` (5 s by default). Another test's agent on a shared machine may be quicker to kill a claude: tried up to 3 times.
   */
  claudeKilled(argv?: string[], withinMs?: number): Promise<number>;
  cleanup(): void;
}

export async function startAttackBed(extraConfig: Record<string, unknown> = {}, nodeFlags: readonly string[] = []): Promise<AttackBed> {
  const session = await startSession();
  const fx = makeAgentFixture({ processScope: { session: session.id }, pollIntervalMs: 500, ...extraConfig });
  const closePath = openPathTo(fx.home);
  const user = createThrowawayUser(fx.home);
  const claudePath = path.join(fx.home, 'bin', 'claude');
  user.run('mkdir', ['-p', path.dirname(claudePath)]);
  user.run('ln', ['-s', '/bin/sleep', claudePath]);
  fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(1));
  const agentPid = (await fx.start(nodeFlags)).pid as number;
  const auditLines = (file = 'audit.jsonl'): AuditLine[] => {
    const p = path.join(fx.stateDir, file);
    return fs.existsSync(p)
      ? fs
          .readFileSync(p, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as AuditLine)
      : [];
  };
  const launchAsUser = (argv: string[]) =>
    session.launch(['setpriv', '--reuid', String(user.uid), '--regid', String(user.gid), '--clear-groups', '--', ...argv]);
  return {
    fx,
    user,
    session,
    agentPid,
    claudePath,
    auditLines,
    launchAsUser,
    async claudeKilled(argv = [claudePath, '600'], withinMs = 5000) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const started = await launchAsUser(argv);
        const exit = await Promise.race([started.exited, new Promise<'alive'>((r) => setTimeout(() => r('alive'), withinMs))]);
        if (exit === 'alive') throw new Error(`${argv.join(' ')} (pid ${started.pid}) still runs after ${withinMs} ms`);
        const ours = await waitFor(
          'the kill record',
          () => auditLines().find((r) => r.event === 'kill' && r.pid === started.pid && r.outcome === 'ok'),
          2000,
        ).catch(() => null);
        if (ours) return started.pid;
      }
      throw new Error('no claude was killed by this agent');
    },
    cleanup() {
      session.close();
      user.remove();
      closePath();
      fx.cleanup();
    },
  };
}
