// Notifications appear when the status worsens or an action is taken, and never twice for the same thing.
import { describe, expect, it } from 'vitest';
import { NotificationDecider } from '../../../tray/model/notifications.js';
import type { TrayView } from '../../../tray/model/trayView.js';
import { findingFixture, statusFixture } from '../support/fakeDaemon.js';

const NOW = Date.parse('2026-07-01T08:00:00Z');
const connected = (findings: Parameters<typeof statusFixture>[0], locale: TrayView['locale'] = 'en'): TrayView => ({
  connection: 'connected',
  status: statusFixture(findings),
  user: 'alice',
  locale,
});

describe('notification decisions', () => {
  it('announces a new finding once, however many statuses repeat it', () => {
    const decider = new NotificationDecider();
    const first = decider.decide(connected([findingFixture()]), NOW);
    expect(first).toEqual([
      { key: 'pending:f-claude-code-1:ahead', title: 'Cordon: action needed', body: 'claude-code must be removed (due in 8 days).', urgent: false },
    ]);
    expect(decider.decide(connected([findingFixture()]), NOW)).toEqual([]);
  });

  it('groups several new findings into one notification', () => {
    const out = new NotificationDecider().decide(connected([findingFixture({ id: 'a' }), findingFixture({ id: 'b' })]), NOW);
    expect(out).toHaveLength(1);
    expect(out[0]?.body).toBe('2 banned tools found. Open Cordon to see the deadlines.');
  });

  it('announces again, urgently, when a known finding becomes due for removal', () => {
    const decider = new NotificationDecider();
    decider.decide(connected([findingFixture()]), NOW);
    const out = decider.decide(connected([findingFixture({ actions: ['report', 'notify', 'kill', 'quarantine'] })]), NOW);
    expect(out).toMatchObject([{ title: 'Cordon: deadline passed', urgent: true }]);
  });

  it('announces a remediation once, with what was done', () => {
    const decider = new NotificationDecider();
    decider.decide(connected([findingFixture()]), NOW);
    const done = connected([findingFixture({ state: 'remediated', outcome: 'moved to quarantine' })]);
    expect(decider.decide(done, NOW)).toMatchObject([{ title: 'Cordon removed claude-code', body: 'moved to quarantine' }]);
    expect(decider.decide(done, NOW)).toEqual([]);
  });

  it('announces a failed removal once and does not also report it as new', () => {
    const out = new NotificationDecider().decide(connected([findingFixture({ state: 'failed', outcome: 'permission denied' })]), NOW);
    expect(out).toMatchObject([{ title: 'Cordon could not remove claude-code', urgent: true }]);
  });

  it('stays silent while the agent is unreachable and does not repeat after it comes back', () => {
    const decider = new NotificationDecider();
    decider.decide(connected([findingFixture()]), NOW);
    expect(decider.decide({ ...connected([findingFixture()]), connection: 'unreachable' }, NOW)).toEqual([]);
    expect(decider.decide(connected([findingFixture()]), NOW)).toEqual([]);
  });

  it('never tells the user a reported-only tool must be removed', () => {
    const reported = findingFixture({ actions: ['report'], deadline: undefined, deadlineActions: undefined });
    expect(new NotificationDecider().decide(connected([reported]), NOW)).toEqual([
      {
        key: 'pending:f-claude-code-1:ahead',
        title: 'Cordon: tool reported',
        body: 'claude-code is not allowed by company policy. It is reported; nothing will be removed.',
        urgent: false,
      },
    ]);
    const several = [reported, { ...reported, id: 'f2' }];
    expect(new NotificationDecider().decide(connected(several), NOW)[0]?.body).toBe(
      '2 tools not allowed by company policy were found. They are reported; nothing will be removed.',
    );
  });

  it('announces removals ahead and reported-only tools separately', () => {
    const reported = findingFixture({ id: 'r', actions: ['report'], deadline: undefined, deadlineActions: undefined });
    const out = new NotificationDecider().decide(connected([findingFixture(), reported]), NOW);
    expect(out.map((n) => n.title)).toEqual(['Cordon: action needed', 'Cordon: tool reported']);
  });

  it('asks the user to remove a setting past its deadline themselves', () => {
    const setting = findingFixture({ kind: 'config', path: '/home/alice/.bashrc', actions: ['report', 'notify', 'quarantine'] });
    expect(new NotificationDecider().decide(connected([setting]), NOW)).toMatchObject([
      { title: 'Cordon: deadline passed', body: 'claude-code is past its deadline: remove this setting yourself.' },
    ]);
  });

  it('speaks the user’s language', () => {
    expect(new NotificationDecider().decide(connected([findingFixture()], 'zh-CN'), NOW)[0]?.body).toBe('必须移除 claude-code（8 天后截止）。');
  });

  it('tells the answer to the user’s own exception request once, in their language, and never an answer it did not wait for', () => {
    const request = (state: 'pending' | 'granted' | 'denied', user = 'alice') => ({
      id: `req-${user}`,
      user,
      host: 'h',
      tool: 'claude-code',
      toolName: 'Claude Code',
      rules: [{ policy: 'p', rule: 'r' }],
      reason: 'demo',
      requestedAt: '2026-07-01T00:00:00Z',
      state,
      ...(state === 'granted' ? { grantedUntil: '2026-07-20T10:00:00Z' } : {}),
      ...(state === 'denied' ? { denial: 'Use Qoder.' } : {}),
    });
    const view = (states: ('pending' | 'granted' | 'denied')[], locale: TrayView['locale'] = 'en', user = 'alice'): TrayView => {
      const v = connected([], locale);
      return { ...v, status: { ...(v.status as NonNullable<TrayView['status']>), exceptions: states.map((s) => request(s, user)) } };
    };
    const decider = new NotificationDecider();
    expect(decider.decide(view(['granted']), NOW)).toEqual([]);
    expect(decider.decide(view(['pending']), NOW)).toEqual([]);
    const granted = decider.decide(view(['granted']), NOW);
    expect(granted).toMatchObject([{ key: 'exception:req-alice:granted', title: 'Exception granted: Claude Code', urgent: false }]);
    expect(granted[0]?.body).toMatch(/^Granted until /);
    expect(decider.decide(view(['granted']), NOW)).toEqual([]);

    const zh = new NotificationDecider();
    zh.decide(view(['pending'], 'zh-CN'), NOW);
    expect(zh.decide(view(['denied'], 'zh-CN'), NOW)).toMatchObject([{ title: '例外申请被拒绝：Claude Code', body: 'Use Qoder.' }]);

    const other = new NotificationDecider();
    other.decide(view(['pending'], 'en', 'bob'), NOW);
    expect(other.decide(view(['granted'], 'en', 'bob'), NOW)).toEqual([]);
  });
});
