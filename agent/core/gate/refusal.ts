// The words a refused start shows the employee (Claude Code prints them after "policyHelper failed: …"), in their language.
import type { Alternative } from '../../common/model.js';
import { localize } from '../../common/localize.js';
import type { GateDecision } from './decisions.js';

type Words = {
  blocked: (tool: string, policy: string, rule: string, issuer: string, since: string) => string;
  noCommonModel: (tool: string, theirs: string, ours: string) => string;
  unknown: (tool: string, why: string) => string;
  instead: string;
};

const EN: Words = {
  blocked: (tool, policy, rule, issuer, since) =>
    `Cordon: ${tool} is blocked from starting on this computer since ${since}, by policy ${policy} (rule ${rule}) of ${issuer}.`,
  noCommonModel: (tool, theirs, ours) =>
    `Cordon: ${tool} cannot start: your organisation's managed settings allow only ${theirs} and Cordon's policy allows only ${ours}; no model is allowed by both.`,
  unknown: (tool, why) => `Cordon: ${tool} cannot start: the decision for this computer cannot be read (${why}) while a ban may be in force. Ask your IT team.`,
  instead: 'Use instead:',
};

const ZH: Words = {
  blocked: (tool, policy, rule, issuer, since) => `Cordon：自 ${since} 起，根据 ${issuer} 的策略 ${policy}（规则 ${rule}），本机禁止启动 ${tool}。`,
  noCommonModel: (tool, theirs, ours) => `Cordon：无法启动 ${tool}：组织的托管设置只允许 ${theirs}，Cordon 策略只允许 ${ours}，没有双方都允许的模型。`,
  unknown: (tool, why) => `Cordon：无法启动 ${tool}：无法读取本机的决定（${why}），而禁令可能正在生效。请联系 IT 部门。`,
  instead: '请改用：',
};

function wordsFor(lang: string): Words {
  return lang.toLowerCase().startsWith('zh') ? ZH : EN;
}

function alternativesLine(alternatives: readonly Alternative[], words: Words): string | null {
  if (alternatives.length === 0) return null;
  return `${words.instead} ${alternatives.map((a) => (a.url ? `${a.name} (${a.url})` : a.name)).join(', ')}`;
}

/** The lines for a refusal by policy: who decided, since when, why (the policy's message) and what to use instead. */
export function refusalText(tool: string, decision: Extract<GateDecision, { kind: 'prevent' }>, lang: string): string {
  const words = wordsFor(lang);
  const lines = [words.blocked(tool, decision.policy, decision.rule, decision.issuer, decision.since), localize(decision.message, lang)];
  const instead = alternativesLine(decision.alternatives, words);
  if (instead) lines.push(instead);
  return lines.filter((l) => l !== '').join('\n');
}

export function noCommonModelText(tool: string, organisation: readonly string[], cordon: readonly string[], lang: string): string {
  return wordsFor(lang).noCommonModel(tool, organisation.join(', '), cordon.join(', '));
}

export function unknownDecisionText(tool: string, why: string, lang: string): string {
  return wordsFor(lang).unknown(tool, why);
}
