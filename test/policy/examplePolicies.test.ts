// The shipped example policies are valid against the real catalog and behave as their comments promise.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFileSystem } from '../../agent/adapters/fileSystem.js';
import type { Observation } from '../../agent/common/model.js';
import { matchProcesses, scanInstalls } from '../../agent/core/detect/index.js';
import { evaluate } from '../../agent/core/policy/evaluate.js';
import { parsePolicy } from '../../agent/core/policy/parse.js';
import type { LoadedPolicy } from '../../agent/core/policy/types.js';
import { tempMachine, type TempMachine } from '../detect/layout.js';
import { policiesDir } from '../support/paths.js';
import { builtInCatalog } from './support.js';

const knownToolIds = builtInCatalog.tools.map((t) => t.id);
function example(name: string): LoadedPolicy {
  const file = path.join(policiesDir, name);
  const policy = parsePolicy(fs.readFileSync(file), file, { knownToolIds });
  return { policy, ref: { id: policy.id, version: policy.version, file, signedBy: 'example' } };
}

const machines: TempMachine[] = [];
afterAll(() => machines.forEach((m) => m.cleanup()));

describe('anthropic-ban.yaml, the July 10, 2026 mandate', () => {
  const ban = example('anthropic-ban.yaml');
  const claude: Observation = { tool: 'claude-code', kind: 'process', pid: 7, startTime: '1', user: 'wang.wei', signal: 'process name claude' };
  const modelConfig: Observation = {
    tool: 'anthropic-model-config',
    kind: 'config',
    path: '/home/wang.wei/.bashrc',
    user: 'wang.wei',
    signal: 'ANTHROPIC_API_KEY set',
  };
  const at = (iso: string) => ({ now: new Date(iso), host: 'sh-dev-042', groupsOf: (u: string) => (u === 'li.na' ? ['red-team'] : []) });

  it('covers the four required tools, in English and Simplified Chinese, with approved alternatives', () => {
    expect(ban.policy.rules.flatMap((r) => r.tools).sort()).toEqual(['anthropic-model-config', 'claude-code', 'claude-code-ide', 'claude-desktop']);
    expect(Object.keys(ban.policy.message as object)).toEqual(['en', 'zh-CN']);
    expect(ban.policy.alternatives?.map((a) => a.name)).toEqual(['Qoder', 'Tongyi Lingma']);
  });

  it('is silent before July 1, warns from July 1 and enforces from July 10, both at midnight China Standard Time', () => {
    expect(evaluate([claude, modelConfig], [ban], at('2026-06-30T23:59:59.999+08:00'))).toEqual([]);
    const warn = evaluate([claude, modelConfig], [ban], at('2026-07-01T00:00:00+08:00'));
    expect(warn.map((f) => [f.rule, f.actions, f.deadline])).toEqual([
      ['claude-code', ['report', 'notify'], '2026-07-10T00:00:00+08:00'],
      ['anthropic-model-config', ['report', 'notify'], '2026-07-10T00:00:00+08:00'],
    ]);
    const enforce = evaluate([claude], [ban], at('2026-07-09T16:00:00Z'));
    expect(enforce[0]?.actions).toEqual(['report', 'notify', 'kill', 'quarantine']);
  });

  it('exempts the red team until August 1 (CST), and not their Anthropic model settings', () => {
    const redTeam = { ...claude, user: 'li.na' };
    expect(evaluate([redTeam], [ban], at('2026-07-20T00:00:00+08:00'))[0]).toMatchObject({ state: 'exempt', exemptUntil: '2026-08-01T00:00:00+08:00' });
    expect(evaluate([redTeam], [ban], at('2026-08-01T00:00:00+08:00'))[0]?.state).toBe('open');
    expect(evaluate([{ ...modelConfig, user: 'li.na' }], [ban], at('2026-07-20T00:00:00+08:00'))[0]?.state).toBe('open');
  });
});

describe('other-ai-tools-report.yaml', () => {
  const report = example('other-ai-tools-report.yaml');

  it('only ever reports', () => {
    expect(report.policy.rules.flatMap((r) => r.phases.flatMap((p) => p.actions))).toEqual(['report']);
    const obs: Observation = { tool: 'aider', kind: 'install', path: '/home/a/.local/bin/aider', signal: 'aider command' };
    const [f] = evaluate([obs], [report], { now: new Date('2027-01-01T00:00:00Z'), host: 'h', groupsOf: () => [] });
    expect(f).toMatchObject({ actions: ['report'], state: 'open' });
  });

  const aider = report.policy.catalog?.find((t) => t.id === 'aider');
  if (!aider) throw new Error('the example must define aider');
  const only = { ...builtInCatalog, tools: [aider] };
  for (const p of aider.examples.processes?.match ?? []) {
    it(`its own tool aider finds process ${p.argv.join(' ')}`, () => {
      expect(matchProcesses([{ pid: 1, ...p }], only, p.platform).map((o) => o.tool)).toEqual(['aider']);
    });
  }
  for (const p of aider.examples.processes?.noMatch ?? []) {
    it(`its own tool aider ignores process ${p.argv.join(' ')}`, () => {
      expect(matchProcesses([{ pid: 1, ...p }], only, p.platform)).toEqual([]);
    });
  }
  for (const e of aider.examples.installs?.match ?? []) {
    it(`its own tool aider finds install ${e.path}`, () => {
      const m = tempMachine(e.platform);
      machines.push(m);
      const real = e.type === 'dir' ? m.dirAt(e.path) : m.file(e.path);
      expect(scanInstalls(nodeFileSystem, [aider], m.ctx).map((o) => o.path)).toContain(real);
    });
  }
  for (const e of aider.examples.installs?.noMatch ?? []) {
    it(`its own tool aider ignores install ${e.path}`, () => {
      const m = tempMachine(e.platform);
      machines.push(m);
      if (e.type === 'dir') m.dirAt(e.path);
      else m.file(e.path);
      expect(scanInstalls(nodeFileSystem, [aider], m.ctx)).toEqual([]);
    });
  }
});
