// How the actions of several rules and policies combine for one observation, written down once with the reasons.
import type { Action } from '../../common/model.js';

/** Strictness of each action: the finding is attributed to the covering rule with the highest-ranked due action. */
export const ACTION_PRECEDENCE: Readonly<Record<Action, { rank: number; reason: string }>> = {
  report: { rank: 1, reason: 'only records the finding; nothing on the machine changes' },
  notify: { rank: 2, reason: 'tells the user; still nothing on the machine changes' },
  narrow: { rank: 3, reason: 'the tool still runs, but its own managed start hook limits it to the allowed models' },
  prevent: { rank: 4, reason: "the tool's own managed start hook refuses to start it; nothing is removed and running sessions go on" },
  kill: { rank: 5, reason: 'ends a running process, but the install stays and can start again' },
  quarantine: { rank: 6, reason: 'moves the install away (reversibly), so it cannot start again' },
};

/** How covering rules combine; evaluate() implements exactly these, in this order. */
export const COMBINATION_RULES: readonly { when: string; then: string; reason: string }[] = [
  {
    when: 'a policy has expired, or a rule has not reached its first phase',
    then: 'it covers nothing',
    reason: 'a ban applies only in the window its signer chose',
  },
  {
    when: 'several rules (of one or several policies) cover one observation',
    then: 'the finding carries the union of the due actions of every covering rule that is not exempt',
    reason: 'each signed policy must be satisfied; no policy can weaken another',
  },
  {
    when: 'some covering rules are exempt for this user, host or group and others are not',
    then: 'the finding is open with the actions of the rules that are not exempt',
    reason:
      "an exemption lifts only the rules it names: its own policy's, or those of the policy an exemption policy names (the signed answer to an exception request)",
  },
  {
    when: 'every covering rule is exempt',
    then: 'the finding is exempt until the earliest of those exemptions ends, and shows the actions that would apply',
    reason: 'the user sees what happens when the exemption runs out',
  },
  {
    when: 'choosing the policy and rule a finding names',
    then: 'the rule with the highest-ranked due action; ties go to the earlier phase start, then policy id, then rule id',
    reason: 'the finding names the rule that demands the most, and the choice is the same on every run',
  },
  {
    when: 'computing the deadline',
    then: 'the earliest later phase of a deciding rule that adds an action the finding does not carry yet, if it starts before its policy expires',
    reason: "the deadline is when the user's situation next gets stricter",
  },
];

export function actionRank(action: Action): number {
  return ACTION_PRECEDENCE[action].rank;
}

export function strictestRank(actions: readonly Action[]): number {
  return actions.reduce((max, a) => Math.max(max, actionRank(a)), 0);
}

/** Actions in order of strictness, each once. */
export function sortActions(actions: Iterable<Action>): Action[] {
  return [...new Set(actions)].sort((a, b) => actionRank(a) - actionRank(b));
}
