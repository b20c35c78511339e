// The evaluation rules one at a time, on policies written here as values: exemptions, precedence ties, deadlines and words.
import { describe, expect, it } from 'vitest';
import type { Action, Observation } from '../../agent/common/model.js';
import { duePhaseIndex, evaluate, exemptionFor, policyInForce, type EvaluationContext } from '../../agent/core/policy/evaluate.js';
import { actionRank, ACTION_PRECEDENCE, sortActions, strictestRank } from '../../agent/core/policy/precedence.js';
import type { Exemption } from '../../agent/core/policy/types.js';
import { policy, remove, rule, T0, T1, T2, warn } from './policyValues.js';

const install: Observation = {
  tool: 'claude-code',
  kind: 'install',
  path: '/home/bob/.local/bin/claude',
  user: 'bob',
  signal: 'launcher',
  role: 'program',
  scanRoot: '/home/bob',
};
const ctx = (iso: string, over: Partial<EvaluationContext> = {}): EvaluationContext => ({ now: new Date(iso), host: 'Laptop-17', groupsOf: () => [], ...over });
const at = (iso: string) => Date.parse(iso);

describe('precedence', () => {
  it('ranks actions from report to quarantine, each with its reason written down', () => {
    expect(['report', 'notify', 'narrow', 'prevent', 'kill', 'quarantine'].map((a) => actionRank(a as Action))).toEqual([1, 2, 3, 4, 5, 6]);
    for (const { reason } of Object.values(ACTION_PRECEDENCE)) expect(reason.length).toBeGreaterThan(20);
  });

  it('takes the strictest rank of a list, 0 for none', () => {
    expect(strictestRank([])).toBe(0);
    expect(strictestRank(['notify', 'report'])).toBe(2);
    expect(strictestRank(['kill', 'notify'])).toBe(5);
  });

  it('sorts actions by strictness, each once', () => {
    expect(sortActions(['quarantine', 'report', 'kill', 'report', 'notify'])).toEqual(['report', 'notify', 'kill', 'quarantine']);
  });
});

describe('policyInForce and duePhaseIndex', () => {
  const p = policy('p', [], { expiresAt: T2 }).policy;
  it('holds a policy in force up to, not including, its expiry', () => {
    expect(policyInForce(p, at(T2) - 1)).toBe(true);
    expect(policyInForce(p, at(T2))).toBe(false);
    expect(policyInForce({ ...p, expiresAt: undefined }, at('2099-01-01T00:00:00Z'))).toBe(true);
  });

  it('finds the last phase started, starting exactly at its time', () => {
    const r = rule('r', [
      [T0, warn],
      [T1, remove],
    ]);
    expect(duePhaseIndex(r, at(T0) - 1)).toBeNull();
    expect(duePhaseIndex(r, at(T0))).toBe(0);
    expect(duePhaseIndex(r, at(T1) - 1)).toBe(0);
    expect(duePhaseIndex(r, at(T1))).toBe(1);
  });
});

describe('exemptionFor', () => {
  const r = rule('cc', [[T0, warn]]);
  const other = rule('other', [[T0, warn]]);
  const check = (ex: Exemption[], obs: Observation = install, c = ctx(T1), which = r) =>
    exemptionFor(policy('p', [which], { exemptions: ex }).policy.exemptions ?? [], which, obs, c, c.now.getTime());

  it('applies only to the rules it lists, or to every rule when it lists none', () => {
    const ex = { rules: ['other'], users: ['bob'], until: T2, reason: 'x' };
    expect(check([ex])).toBeNull();
    expect(check([ex], install, ctx(T1), other)).toBe(ex);
    const all = { users: ['bob'], until: T2, reason: 'x' };
    expect(check([all])).toBe(all);
  });

  it('ends exactly at its until', () => {
    const ex = { users: ['bob'], until: T1, reason: 'x' };
    expect(check([ex], install, ctx(new Date(at(T1) - 1).toISOString()))).toBe(ex);
    expect(check([ex], install, ctx(T1))).toBeNull();
  });

  it('matches users by their NFC name and never a finding without a user', () => {
    const ex = { users: ['zoë'], until: T2, reason: 'x' };
    expect(check([ex], { ...install, user: 'zoe\u0308' })).toBe(ex);
    expect(check([ex], { ...install, user: 'zoe' })).toBeNull();
    const { user: _drop, ...anonymous } = install;
    expect(check([ex], anonymous)).toBeNull();
  });

  it('matches hosts without case', () => {
    const ex = { hosts: ['LAPTOP-17'], until: T2, reason: 'x' };
    expect(check([ex])).toBe(ex);
    expect(check([ex], install, ctx(T1, { host: 'laptop-18' }))).toBeNull();
  });

  it('matches groups the OS gives for the user, and none for a finding without a user', () => {
    const ex = { groups: ['red-team'], until: T2, reason: 'x' };
    const groupsOf = (u: string) => (u === 'bob' ? ['staff', 'red-team'] : ['red-team']);
    expect(check([ex], install, ctx(T1, { groupsOf }))).toBe(ex);
    expect(check([ex], { ...install, user: 'carol' }, ctx(T1, { groupsOf: () => ['staff'] }))).toBeNull();
    const { user: _drop, ...anonymous } = install;
    expect(check([ex], anonymous, ctx(T1, { groupsOf }))).toBeNull();
  });

  it('needs every criterion it names', () => {
    const ex = { users: ['bob'], hosts: ['other-host'], until: T2, reason: 'x' };
    expect(check([ex])).toBeNull();
  });

  it('picks the exemption that lasts longest', () => {
    const short = { users: ['bob'], until: '2026-07-20T00:00:00Z', reason: 'short' };
    const long = { users: ['bob'], until: T2, reason: 'long' };
    expect(check([short, long])).toBe(long);
    expect(check([long, short])).toBe(long);
  });
});

describe('evaluate: which rule a finding names', () => {
  it('names the rule with the strictest due action', () => {
    const [f] = evaluate([install], [policy('a', [rule('warn', [[T0, warn]])]), policy('b', [rule('kill', [[T1, ['kill']]])])], ctx(T1));
    expect(f).toMatchObject({ policy: 'b', rule: 'kill', actions: ['report', 'notify', 'kill'] });
  });

  it('breaks a tie by the earlier phase start, then policy id, then rule id', () => {
    const early = policy('z', [rule('r', [[T0, ['kill']]])]);
    const late = policy('a', [rule('r', [[T1, ['kill']]])]);
    expect(evaluate([install], [late, early], ctx(T2))[0]).toMatchObject({ policy: 'z' });
    const [byPolicy] = evaluate([install], [policy('b', [rule('r', [[T0, ['kill']]])]), policy('a', [rule('r', [[T0, ['kill']]])])], ctx(T1));
    expect(byPolicy).toMatchObject({ policy: 'a' });
    const [byRule] = evaluate([install], [policy('p', [rule('y', [[T0, ['kill']]]), rule('x', [[T0, ['kill']]])])], ctx(T1));
    expect(byRule).toMatchObject({ rule: 'x' });
  });

  it("takes the rule's own message over the policy's", () => {
    const [f] = evaluate([install], [policy('p', [rule('r', [[T0, warn]], { message: 'rule words' })])], ctx(T1));
    expect(f?.message).toBe('rule words');
    const [g] = evaluate([install], [policy('p', [rule('r', [[T0, warn]])])], ctx(T1));
    expect(g?.message).toBe('message of p');
  });

  it('skips expired policies and rules for other tools', () => {
    expect(evaluate([install], [policy('p', [rule('r', [[T0, warn]])], { expiresAt: T1 })], ctx(T1))).toEqual([]);
    expect(evaluate([install], [policy('p', [rule('r', [[T0, warn]], { tools: ['cursor'] })])], ctx(T1))).toEqual([]);
  });
});

describe('evaluate: deadlines', () => {
  it('is the next phase that adds an action the finding does not carry yet', () => {
    const r = rule('r', [
      [T0, warn],
      ['2026-07-05T00:00:00Z', warn],
      [T1, remove],
    ]);
    expect(evaluate([install], [policy('p', [r])], ctx(T0))[0]?.deadline).toBe(T1);
  });

  it('is the earliest over every deciding rule', () => {
    const a = policy('a', [
      rule('r', [
        [T0, warn],
        [T2, remove],
      ]),
    ]);
    const b = policy('b', [
      rule('r', [
        [T0, warn],
        [T1, ['report', 'kill']],
      ]),
    ]);
    expect(evaluate([install], [a, b], ctx(T0))[0]?.deadline).toBe(T1);
  });

  it('is absent when the later phase starts at or after the policy expires, or adds nothing new', () => {
    expect(
      evaluate(
        [install],
        [
          policy(
            'p',
            [
              rule('r', [
                [T0, warn],
                [T1, remove],
              ]),
            ],
            { expiresAt: T1 },
          ),
        ],
        ctx(T0),
      )[0],
    ).not.toHaveProperty('deadline');
    const covered = [
      policy('a', [rule('r', [[T0, remove]])]),
      policy('b', [
        rule('r', [
          [T0, warn],
          [T1, ['kill']],
        ]),
      ]),
    ];
    expect(evaluate([install], covered, ctx(T0))[0]).not.toHaveProperty('deadline');
  });

  it('comes from the exempt rules when every covering rule is exempt', () => {
    const p = policy(
      'p',
      [
        rule('r', [
          [T0, warn],
          [T1, remove],
        ]),
      ],
      { exemptions: [{ users: ['bob'], until: T2, reason: 'red team' }] },
    );
    const [f] = evaluate([install], [p], ctx(T0));
    expect(f).toMatchObject({ state: 'exempt', exemptUntil: T2, deadline: T1 });
  });
});

describe('evaluate: exempt findings', () => {
  it('is exempt until the earliest exemption of the covering rules ends', () => {
    const a = policy('a', [rule('r', [[T0, warn]])], { exemptions: [{ users: ['bob'], until: T2, reason: 'a' }] });
    const b = policy('b', [rule('r', [[T0, warn]])], { exemptions: [{ users: ['bob'], until: T1, reason: 'b' }] });
    const [f] = evaluate([install], [a, b], ctx(T0));
    expect(f).toMatchObject({ state: 'exempt', exemptUntil: T1 });
  });

  it('stays open with the actions of the rules that are not exempt', () => {
    const a = policy('a', [rule('r', [[T0, remove]])], { exemptions: [{ users: ['bob'], until: T2, reason: 'a' }] });
    const b = policy('b', [rule('r', [[T0, warn]])]);
    const [f] = evaluate([install], [a, b], ctx(T1));
    expect(f).toMatchObject({ state: 'open', actions: warn, policy: 'b' });
    expect(f).not.toHaveProperty('exemptUntil');
  });
});

describe('evaluate: the finding in words', () => {
  const p = policy('corp', [
    rule('cc', [
      [T0, warn],
      [T1, remove],
    ]),
  ]);

  it('says what, where, which rule, which actions since when, and when it gets stricter', () => {
    const [f] = evaluate([install], [p], ctx(T0));
    expect(f?.detail).toBe(
      'claude-code installed at /home/bob/.local/bin/claude for bob: launcher. Policy corp, rule cc: report and notify due since 2026-07-01T00:00:00Z. Stricter actions from 2026-07-10T00:00:00Z.',
    );
  });

  it('describes processes and configs, with the other covering rules and the exemption', () => {
    const proc: Observation = { tool: 'claude-code', kind: 'process', pid: 42, path: '/bin/claude', signal: 'comm is claude' };
    const both = [p, policy('extra', [rule('x', [[T0, ['report']]])])];
    expect(evaluate([proc], both, ctx(T1))[0]?.detail).toBe(
      'claude-code running as process 42 (/bin/claude): comm is claude. Policy corp, rule cc: report, notify, kill and quarantine due since 2026-07-10T00:00:00Z. Also covered by extra/x.',
    );
    const cfg: Observation = { tool: 'claude-code', kind: 'config', path: '/home/bob/.bashrc', user: 'bob', signal: 'key' };
    const exempt = policy('corp', p.policy.rules, { exemptions: [{ users: ['bob'], until: T2, reason: 'red team' }] });
    expect(evaluate([cfg], [exempt], ctx(T1))[0]?.detail).toBe(
      'claude-code configured in /home/bob/.bashrc for bob: key. Policy corp, rule cc: report, notify, kill and quarantine due since 2026-07-10T00:00:00Z. Exempt until 2026-08-01T00:00:00Z: red team.',
    );
  });

  it('writes a question mark where a process has no pid or an item no path', () => {
    const proc: Observation = { tool: 'claude-code', kind: 'process', signal: 's' };
    expect(evaluate([proc], [p], ctx(T1))[0]?.detail).toMatch(/^claude-code running as process \?: s\./);
    const inst: Observation = { tool: 'claude-code', kind: 'install', signal: 's' };
    expect(evaluate([inst], [p], ctx(T1))[0]?.detail).toMatch(/^claude-code installed at \?: s\./);
    const cfg: Observation = { tool: 'claude-code', kind: 'config', signal: 's' };
    expect(evaluate([cfg], [p], ctx(T1))[0]?.detail).toMatch(/^claude-code configured in \?: s\./);
  });

  it('carries path, pid and user only when the observation has them', () => {
    const [f] = evaluate([{ tool: 'claude-code', kind: 'process', signal: 's' }], [p], ctx(T1));
    expect(f).not.toHaveProperty('path');
    expect(f).not.toHaveProperty('pid');
    expect(f).not.toHaveProperty('user');
    const [g] = evaluate([install], [p], ctx(T1));
    expect(g).toMatchObject({ path: install.path, user: 'bob', kind: 'install', tool: 'claude-code' });
  });
});
