// The tray's connection to the agent over a real Unix socket: live updates, the agent going away and coming back, errors.
import { afterEach, describe, expect, it } from 'vitest';
import { CordonError } from '../../../agent/common/errors.js';
import { AgentConnection } from '../../../tray/model/agentConnection.js';
import { TraySession } from '../../../tray/model/traySession.js';
import type { TrayView } from '../../../tray/model/trayView.js';
import { findingFixture, startFakeDaemon, statusFixture, type FakeDaemon } from '../support/fakeDaemon.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function daemon(...args: Parameters<typeof startFakeDaemon>): Promise<FakeDaemon> {
  const d = await startFakeDaemon(...args);
  cleanup.push(() => d.stop());
  return d;
}

function session(socketPath: string): { s: TraySession; views: TrayView[]; next: (pred: (v: TrayView) => boolean) => Promise<TrayView> } {
  const s = new TraySession({ socketPath, user: 'alice', locale: 'en', initialRetryMs: 20, maxRetryMs: 80 });
  const views: TrayView[] = [];
  s.on('view', (v) => views.push(v));
  cleanup.push(() => s.stop());
  const next = (pred: (v: TrayView) => boolean): Promise<TrayView> =>
    new Promise((resolve) => {
      if (pred(s.view)) return resolve(s.view);
      const on = (v: TrayView): void => {
        if (!pred(v)) return;
        s.off('view', on);
        resolve(v);
      };
      s.on('view', on);
    });
  s.start();
  return { s, views, next };
}

describe('daemon connection', () => {
  it('subscribes, gets the status, and follows live pushes', async () => {
    const d = await daemon(statusFixture([findingFixture()]));
    const { next } = session(d.socketPath);
    expect((await next((v) => v.status !== null)).status?.compliance).toBe('warning');
    expect(d.requests.map((r) => r.method)).toEqual(['hello', 'hello', 'subscribe', 'status']);
    d.setStatus(statusFixture([]));
    expect((await next((v) => v.status?.compliance === 'compliant')).connection).toBe('connected');
  });

  it('shows unreachable when the daemon goes away and reconnects by itself when it returns', async () => {
    const d = await daemon(statusFixture([findingFixture()]));
    const { next } = session(d.socketPath);
    await next((v) => v.status !== null);
    await d.stop();
    const down = await next((v) => v.connection === 'unreachable');
    expect(down.status?.compliance).toBe('warning');
    await new Promise((r) => setTimeout(r, 120));
    await d.restart();
    d.setStatus(statusFixture([]));
    const back = await next((v) => v.connection === 'connected' && v.status?.compliance === 'compliant');
    expect(back.connection).toBe('connected');
    expect(d.requests.filter((r) => r.method === 'subscribe')).toHaveLength(2);
  });

  it('keeps retrying while no daemon was ever there', async () => {
    const d = await daemon(statusFixture([]));
    await d.stop();
    const { next } = session(d.socketPath);
    await next((v) => v.connection === 'unreachable');
    await d.restart();
    expect((await next((v) => v.connection === 'connected')).connection).toBe('connected');
  });

  it('takes the user name the daemon proved with hello', async () => {
    const d = await daemon(statusFixture([]), { owner: 'carol' });
    const { next } = session(d.socketPath);
    expect((await next((v) => v.user === 'carol')).user).toBe('carol');
  });

  it('forwards remediate and turns error replies into CordonErrors with the daemon’s code', async () => {
    const d = await daemon(statusFixture([findingFixture(), findingFixture({ id: 'f-bob', user: 'bob' })]), { owner: 'alice' });
    const { s, next } = session(d.socketPath);
    await next((v) => v.status !== null);
    await s.remediate('f-claude-code-1');
    expect(d.requests.at(-1)).toMatchObject({ method: 'remediate', params: { finding: 'f-claude-code-1' } });
    await expect(s.remediate('f-bob')).rejects.toMatchObject({ code: 'forbidden', message: 'not your finding' });
    expect((await next((v) => v.status?.findings[0]?.state === 'remediated')).status?.findings[0]?.state).toBe('remediated');
  });

  it('rejects requests with daemon-unavailable while disconnected', async () => {
    const connection = new AgentConnection({ socketPath: '/nonexistent/cordon.sock' });
    const err = await connection.request('status').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CordonError);
    expect((err as CordonError).code).toBe('daemon-unavailable');
  });

  it('reads the history of actions taken', async () => {
    const d = await daemon(statusFixture([]), { history: [{ time: '2026-07-01T00:00:00Z', event: 'kill', outcome: 'ok', tool: 'claude-code' }] });
    const { s, next } = session(d.socketPath);
    await next((v) => v.connection === 'connected');
    expect(await s.history()).toEqual([{ time: '2026-07-01T00:00:00Z', event: 'kill', outcome: 'ok', tool: 'claude-code' }]);
  });
});
