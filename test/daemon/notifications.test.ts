// A policy's notify action reaches the user in their own session: the running agent hands it to the user's subscribed
// tray connection and audits that the tray showed it; with no tray of that user connected, its own notification is
// the fallback, and the audit says so.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../agent/client/daemonClient.js';
import type { NotificationEvent } from '../../agent/common/ipc.js';
import { NotificationDecider } from '../../tray/model/notifications.js';
import { ENFORCE_NOW_POLICY, makeAgentFixture, waitFor, type AgentFixture } from '../support/agentFixture.js';

let fx: AgentFixture | null = null;
let client: DaemonClient | null = null;
afterEach(() => {
  client?.close();
  fx?.cleanup();
  client = null;
  fx = null;
});

function plantClaude(home: string): void {
  const bin = path.join(home, '.local', 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.copyFileSync('/bin/true', path.join(bin, 'claude'));
}

function notifyRecord(f: AgentFixture) {
  return waitFor('the notify record', () =>
    fs
      .readFileSync(path.join(f.stateDir, 'audit.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; outcome: string; detail?: string; finding?: string })
      .find((r) => r.event === 'notify'),
  );
}

describe('notifications from the running agent', () => {
  it('are shown by the user’s tray connection, and the audit names that path', async () => {
    fx = makeAgentFixture();
    fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(1, 'report, notify'));
    await fx.start();
    client = await DaemonClient.connect(fx.socketPath);
    const { user } = await client.hello();
    const got: NotificationEvent['result'][] = [];
    client.onNotification((n) => got.push(n));
    await client.subscribe(() => undefined);
    plantClaude(fx.home);
    const record = await notifyRecord(fx);
    expect(record.outcome).toBe('ok');
    expect(record.detail).toContain(`(shown by the tray in the session of ${user})`);
    const note = await waitFor('the pushed notification', () => got[0]);
    expect(note).toMatchObject({ title: 'Cordon: Claude Code is installed', finding: record.finding });

    // The tray shows it and does not announce the same finding again from the status.
    const decider = new NotificationDecider();
    expect(decider.fromAgent(note).body).toBe(note.message);
    const status = await client.request('status');
    const view = { connection: 'connected' as const, status, user, locale: 'en' as const };
    expect(decider.decide(view, Date.now()).filter((n) => n.key.includes(record.finding as string))).toEqual([]);
  });

  it('fall back to the agent’s own notification when no tray of the user is connected, and say so', async () => {
    fx = makeAgentFixture();
    fx.writePolicy('test-ban.yaml', ENFORCE_NOW_POLICY(1, 'report, notify'));
    await fx.start();
    plantClaude(fx.home);
    const record = await notifyRecord(fx);
    expect(record.detail).toMatch(/\((shown by the agent's own notification|not shown): no tray of \S+ was connected/);
  });
});
