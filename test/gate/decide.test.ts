// The start hook's decisions: who may start, narrowed to which models, over time; and what Claude Code is handed.
import { describe, expect, it } from 'vitest';
import { decisionFor, checkDecisions } from '../../agent/core/gate/decisions.js';
import { decideAt, firstRefusal, gateDecisions, gateNeeded, hookMinimumVersion } from '../../agent/core/gate/decide.js';
import { mergeManagedLayers, startAnswer } from '../../agent/core/gate/managedSettings.js';
import { intersectModels, modelCovers } from '../../agent/core/gate/models.js';
import { refusalText } from '../../agent/core/gate/refusal.js';
import { parsePolicy } from '../../agent/core/policy/parse.js';
import type { LoadedPolicy } from '../../agent/core/policy/types.js';

function loaded(yaml: string): LoadedPolicy {
  const policy = parsePolicy(Buffer.from(yaml), 'p.yaml');
  return { policy, ref: { id: policy.id, version: policy.version, file: 'p.yaml', signedBy: 'k' } };
}

const MANDATE = loaded(`apiVersion: cordon/v1
id: mandate
version: 1
issuer: Corporate IT Security
issuedAt: 2026-06-25T00:00:00Z
expiresAt: 2027-01-01T00:00:00Z
message: { en: "Claude Code is retired.", zh-CN: "Claude Code 已停用。" }
alternatives: [{ name: Qoder, url: "https://qoder.com" }]
rules:
  - id: claude-code
    tools: [claude-code]
    allowedModels: [haiku, claude-sonnet-4-5]
    requiredMinimumVersion: 2.1.175
    phases:
      - { from: 2026-07-01T00:00:00Z, actions: [report, narrow] }
      - { from: 2026-07-10T00:00:00Z, actions: [report, prevent] }
exemptions:
  - { rules: [claude-code], users: [alice], until: 2026-08-01T00:00:00Z, reason: red team }
  - { rules: [claude-code], groups: [ml], until: 2026-09-01T00:00:00Z, reason: research }
`);

const SECOND = loaded(`apiVersion: cordon/v1
id: models
version: 1
issuer: Security
issuedAt: 2026-06-25T00:00:00Z
message: Only Haiku.
rules:
  - id: haiku-only
    tools: [claude-code]
    allowedModels: [claude-haiku-4-5]
    requiredMinimumVersion: 2.1.200
    phases:
      - { from: 2026-07-05T00:00:00Z, actions: [narrow] }
`);

const t = (iso: string) => Date.parse(iso);

describe('model allow-lists', () => {
  it.each([
    ['haiku', 'claude-haiku-4-5', true],
    ['haiku', 'claude-3-5-haiku-20241022', true],
    ['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', true],
    ['claude-sonnet-4', 'claude-sonnet-4-5', true],
    ['sonnet', 'claude-haiku-4-5', false],
    ['claude-sonnet-4-5', 'claude-sonnet-4', false],
    ['claude-opus-4', 'claude-opus-41', false],
  ])('%s covers %s: %s', (general, specific, covers) => {
    expect(modelCovers(general, specific)).toBe(covers);
  });

  it('keeps what both lists allow, and nothing when they share no model', () => {
    expect(intersectModels(['sonnet'], ['sonnet', 'opus'])).toEqual(['sonnet']);
    expect(intersectModels(['sonnet', 'haiku'], ['claude-haiku-4-5'])).toEqual(['claude-haiku-4-5']);
    expect(intersectModels(['sonnet'], ['haiku'])).toEqual([]);
  });
});

describe('decisions over time', () => {
  it('allows before the first phase, narrows in the narrow phase, refuses from the prevent phase, allows after expiry', () => {
    expect(decideAt('claude-code', [MANDATE], undefined, 'pc1', t('2026-06-30T00:00:00Z'))).toEqual({ kind: 'allow' });
    expect(decideAt('claude-code', [MANDATE], undefined, 'pc1', t('2026-07-02T00:00:00Z'))).toEqual({
      kind: 'narrow',
      models: ['haiku', 'claude-sonnet-4-5'],
      rules: [{ policy: 'mandate', rule: 'claude-code' }],
      requiredMinimumVersion: '2.1.175',
    });
    expect(decideAt('claude-code', [MANDATE], undefined, 'pc1', t('2026-07-10T00:00:00Z'))).toMatchObject({
      kind: 'prevent',
      policy: 'mandate',
      since: '2026-07-10T00:00:00Z',
      issuer: 'Corporate IT Security',
    });
    expect(decideAt('claude-code', [MANDATE], undefined, 'pc1', t('2027-01-01T00:00:00Z'))).toEqual({ kind: 'allow' });
  });

  it('an exemption lifts both prevent and narrow for its user or group until it ends', () => {
    const alice = { name: 'alice', groups: [] };
    const bob = { name: 'bob', groups: ['ml'] };
    expect(decideAt('claude-code', [MANDATE], alice, 'pc1', t('2026-07-02T00:00:00Z'))).toEqual({ kind: 'allow' });
    expect(decideAt('claude-code', [MANDATE], alice, 'pc1', t('2026-07-20T00:00:00Z'))).toEqual({ kind: 'allow' });
    expect(decideAt('claude-code', [MANDATE], alice, 'pc1', t('2026-08-01T00:00:00Z')).kind).toBe('prevent');
    expect(decideAt('claude-code', [MANDATE], bob, 'pc1', t('2026-08-15T00:00:00Z'))).toEqual({ kind: 'allow' });
  });

  it('several narrowing rules allow only what all allow, with the highest minimum version; none in common refuses', () => {
    const d = decideAt('claude-code', [MANDATE, SECOND], undefined, 'pc1', t('2026-07-06T00:00:00Z'));
    expect(d).toEqual({
      kind: 'narrow',
      models: ['claude-haiku-4-5'],
      rules: [
        { policy: 'mandate', rule: 'claude-code' },
        { policy: 'models', rule: 'haiku-only' },
      ],
      requiredMinimumVersion: '2.1.200',
    });
    const opusOnly = loaded(
      SECOND.policy.id === 'models'
        ? `apiVersion: cordon/v1
id: opus
version: 1
issuer: Security
issuedAt: 2026-06-25T00:00:00Z
message: Only Opus.
rules:
  - id: opus-only
    tools: [claude-code]
    allowedModels: [opus]
    phases:
      - { from: 2026-07-05T00:00:00Z, actions: [narrow] }
`
        : '',
    );
    expect(decideAt('claude-code', [SECOND, opusOnly], undefined, 'pc1', t('2026-07-06T00:00:00Z'))).toMatchObject({
      kind: 'prevent',
      noCommonModel: expect.any(Array),
    });
  });

  it('writes one timeline for everyone and one for each user whose own differs, and reads it back at any moment', () => {
    const users = [
      { name: 'alice', groups: [] },
      { name: 'carol', groups: [] },
      { name: 'bob', groups: ['ml'] },
    ];
    const decisions = gateDecisions('claude-code', [MANDATE], users, 'pc1');
    expect(Object.keys(decisions.users).sort()).toEqual(['alice', 'bob']);
    expect(decisions.everyone.map((s) => [s.from, s.decision.kind])).toEqual([
      [null, 'allow'],
      ['2026-07-01T00:00:00.000Z', 'narrow'],
      ['2026-07-10T00:00:00.000Z', 'prevent'],
      ['2027-01-01T00:00:00.000Z', 'allow'],
    ]);
    expect(checkDecisions(JSON.parse(JSON.stringify(decisions)), 'claude-code')).toEqual(decisions);
    expect(decisionFor(decisions, 'carol', new Date('2026-07-11T00:00:00Z')).kind).toBe('prevent');
    expect(decisionFor(decisions, 'alice', new Date('2026-07-11T00:00:00Z')).kind).toBe('allow');
    expect(decisionFor(decisions, undefined, new Date('2026-06-01T00:00:00Z')).kind).toBe('allow');
    expect(gateDecisions('claude-code', [MANDATE], users, 'pc1')).toEqual(decisions);
  });

  it('the hook is needed a week ahead of a phase and while one holds, not after the last one ended', () => {
    const decisions = gateDecisions('claude-code', [MANDATE], [], 'pc1');
    expect(gateNeeded(decisions, new Date('2026-06-20T00:00:00Z'))).toBe(false);
    expect(gateNeeded(decisions, new Date('2026-06-25T00:00:00Z'))).toBe(true);
    expect(gateNeeded(decisions, new Date('2026-12-31T00:00:00Z'))).toBe(true);
    expect(gateNeeded(decisions, new Date('2027-01-02T00:00:00Z'))).toBe(false);
    expect(gateNeeded(gateDecisions('claude-code', [], [], 'pc1'), new Date('2026-06-01T00:00:00Z'))).toBe(false);
    expect(firstRefusal(decisions, new Date('2026-06-01T00:00:00Z'))).toBe('2026-07-10T00:00:00.000Z');
    expect(hookMinimumVersion('claude-code', [MANDATE, SECOND])).toBe('2.1.200');
  });

  it('a host exemption takes the hook away from that host', () => {
    const hostExempt = loaded(`apiVersion: cordon/v1
id: lab
version: 1
issuer: IT
issuedAt: 2026-06-25T00:00:00Z
message: No.
rules:
  - id: r
    tools: [claude-code]
    phases:
      - { from: 2026-07-01T00:00:00Z, actions: [prevent] }
exemptions:
  - { hosts: [LAB-1], until: 2030-01-01T00:00:00Z, reason: lab }
`);
    expect(gateNeeded(gateDecisions('claude-code', [hostExempt], [], 'lab-1'), new Date('2026-07-02T00:00:00Z'))).toBe(false);
    expect(gateNeeded(gateDecisions('claude-code', [hostExempt], [], 'pc-2'), new Date('2026-07-02T00:00:00Z'))).toBe(true);
  });

  it.each([
    [null, 'not a JSON object'],
    [{ format: 'x' }, 'format is not cordon-gate/v1'],
    [{ format: 'cordon-gate/v1', tool: 'codex' }, 'written for codex, not claude-code'],
    [
      { format: 'cordon-gate/v1', tool: 'claude-code', everyone: [{ from: null, decision: { kind: 'narrow', models: [] } }], users: {} },
      'no valid timeline for everyone',
    ],
    [
      { format: 'cordon-gate/v1', tool: 'claude-code', everyone: [{ from: null, decision: { kind: 'allow' } }], users: { bob: [] } },
      'no valid timeline for bob',
    ],
  ])('a decision file %j is refused: %s', (value, why) => {
    expect(checkDecisions(value, 'claude-code')).toBe(why);
  });
});

describe('what Claude Code is handed', () => {
  const narrow = { kind: 'narrow' as const, models: ['haiku'], rules: [], requiredMinimumVersion: '2.1.175' };

  it("merges the organisation's files like Claude Code: lists joined, objects merged, the last scalar wins", () => {
    expect(
      mergeManagedLayers([
        { a: [1], o: { x: 1 }, s: 'one' },
        { a: [1, 2], o: { y: 2 }, s: 'two' },
      ]),
    ).toEqual({ a: [1, 2], o: { x: 1, y: 2 }, s: 'two' });
  });

  it("allow carries the organisation's settings through unchanged, without a policyHelper of its own", () => {
    const org = { availableModels: ['sonnet'], enforceAvailableModels: true, permissions: { deny: ['Bash'] }, policyHelper: { path: '/x' } };
    expect(startAnswer(org, { kind: 'allow' })).toEqual({
      start: true,
      settings: { availableModels: ['sonnet'], enforceAvailableModels: true, permissions: { deny: ['Bash'] } },
    });
  });

  it("narrow intersects with the organisation's models, enforces, and keeps the higher minimum version", () => {
    expect(startAnswer({ availableModels: ['sonnet', 'haiku'], requiredMinimumVersion: '2.1.300', cleanupPeriodDays: 7 }, narrow)).toEqual({
      start: true,
      settings: { availableModels: ['haiku'], enforceAvailableModels: true, requiredMinimumVersion: '2.1.300', cleanupPeriodDays: 7 },
    });
    expect(startAnswer({ availableModels: [] }, narrow)).toEqual({
      start: true,
      settings: { availableModels: ['haiku'], enforceAvailableModels: true, requiredMinimumVersion: '2.1.175' },
    });
    expect(startAnswer({ availableModels: 'bogus', requiredMinimumVersion: 'latest' }, narrow)).toEqual({
      start: true,
      settings: { availableModels: 'bogus', enforceAvailableModels: true, requiredMinimumVersion: '2.1.175' },
    });
    expect(startAnswer({ availableModels: ['opus'] }, narrow)).toEqual({ start: false, reason: 'no-common-model', organisation: ['opus'], cordon: ['haiku'] });
  });

  it("prevent refuses with who, since when, why and what instead, in the employee's language", () => {
    const d = decideAt('claude-code', [MANDATE], undefined, 'pc1', t('2026-07-11T00:00:00Z'));
    if (d.kind !== 'prevent') throw new Error('expected prevent');
    expect(refusalText('Claude Code', d, 'en-US')).toBe(
      'Cordon: Claude Code is blocked from starting on this computer since 2026-07-10T00:00:00Z, by policy mandate (rule claude-code) of Corporate IT Security.\nClaude Code is retired.\nUse instead: Qoder (https://qoder.com)',
    );
    expect(refusalText('Claude Code', d, 'zh-CN')).toContain('Claude Code 已停用。');
  });
});
