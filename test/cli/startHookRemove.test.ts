// `cordon start-hook remove`, the uninstallers' step: it refuses while the agent runs, since the agent would put the hook back.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NO_PROCESSES, makeAgentFixture } from '../support/agentFixture.js';
import { cliEntry } from '../support/paths.js';

function cordon(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliEntry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('cordon start-hook remove', () => {
  const fx = makeAgentFixture({ processScope: NO_PROCESSES });
  afterAll(() => fx.cleanup());

  it('says there is nothing to remove when the agent never installed a hook', async () => {
    const r = await cordon(['--config', fx.configFile, 'start-hook', 'remove']);
    expect(r).toMatchObject({ status: 0, stdout: "claude-code: nothing of Cordon's to remove\n" });
  });

  it('refuses while the agent answers on its admin socket, naming how to stop it', async () => {
    await fx.start();
    const r = await cordon(['--config', fx.configFile, 'start-hook', 'remove']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${path.join(fx.dir, 'run', 'cordon-admin.sock')}: the agent is running and would install the start hook again`);
    expect(r.stderr).toContain('systemctl stop cordon');
  });
});
