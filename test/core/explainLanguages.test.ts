// The transparency declaration says the same things in English and in Chinese: same parts, same number of entries, same facts.
import { describe, expect, it } from 'vitest';
import { loadBuiltInCatalog } from '../../agent/adapters/catalogFiles.js';
import { explainAgent, type ExplainInput } from '../../agent/core/explain.js';

const input: ExplainInput = {
  platform: 'linux',
  systemRoot: '/',
  homes: ['/home/alice'],
  policyDir: '/etc/cordon/policies',
  stateDir: '/var/lib/cordon',
  quarantineDir: '/var/lib/cordon/quarantine',
  socketPath: '/run/cordon/cordon.sock',
  pollIntervalMs: 2000,
  processEvents: true,
  report: { url: 'https://collector.example/status', intervalSeconds: 300 },
  catalog: loadBuiltInCatalog(),
  startHooks: [
    {
      toolName: 'Claude Code',
      managedDir: '/etc/claude-code',
      fragmentPath: '/etc/claude-code/managed-settings.d/cordon-policy-helper.json',
      launcherPath: '/usr/local/lib/cordon-gate/claude-code-gate',
      decisionsPath: '/usr/local/lib/cordon-gate/claude-code.decisions.json',
    },
  ],
};

describe('explain in two languages', () => {
  it('has the same parts and the same number of entries in each, with the same paths and addresses', () => {
    const en = explainAgent(input, 'en');
    const zh = explainAgent(input, 'zh-CN');
    const shape = (e: typeof en) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, Array.isArray(v) ? v.length : typeof v]));
    expect(shape(zh)).toEqual(shape(en));
    expect(zh.reads.map((r) => r.where)).toEqual(en.reads.map((r) => r.where));
    expect(zh.writes.map((r) => r.where)).toEqual(en.writes.map((r) => r.where));
    expect(en.writes.map((r) => r.where)).toContain('/etc/claude-code/managed-settings.d/cordon-policy-helper.json');
    expect(zh.runs.map((r) => r.what).join('\n')).toContain('/usr/local/lib/cordon-gate/claude-code-gate');
    expect(zh.summary).toContain('https://collector.example/status');
    expect(zh.summary).not.toMatch(/\b(Cordon checks|sends)\b/);
  });
});
