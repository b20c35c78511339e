// Signed policy files that cost a YAML parser the most per byte, dropped into the running agent's policy folder: each
// is refused with its reason in the audit log, the policy in force stays and keeps killing, and the agent's peak RSS
// (started as the service unit starts it) stays within a few MB of where it was.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceNodeFlags } from '../../bench/agents.js';
import { POLICY_MAX_BYTES } from '../../agent/core/policy/parse.js';
import { waitFor } from '../support/agentFixture.js';
import { startAttackBed, type AttackBed } from '../support/attackBed.js';
import { HOSTILE_SHAPES, largestWithinCaps, type HostileShape } from '../support/hostilePolicies.js';

/**
 * The budget is 80 MB of peak RSS; the agent peaks at about 65 MB before any of these files (start-up included),
 * so the files may cost at most about 12 MB. Measured: 0.5-2.5 MB for the worst single file, 7 MB for all of these in
 * turn; before the caps, 75 MB to 1.3 GB for one file of these shapes at the old 1 MiB limit.
 */
const PARSE_RSS_BUDGET_MB = 12;

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

const FLOW_SEQ = HOSTILE_SHAPES.find((s) => s.name === 'flow-seq') as HostileShape;
/** The worst case of the old 1 MiB limit (peak RSS +480 MB then), now refused from its size on disk without being read. */
const OLD_LIMIT: HostileShape & { n: number } = {
  ...FLOW_SEQ,
  name: 'flow-seq-1MiB',
  n: Math.floor((1024 * 1024 - FLOW_SEQ.make(0).length) / 2),
  code: 'policy-invalid',
  message: `a policy may be at most ${POLICY_MAX_BYTES} bytes`,
};

describe('hostile policy files in the policy folder of the running agent', () => {
  let bed: AttackBed;

  beforeAll(async () => {
    bed = await startAttackBed({}, serviceNodeFlags());
    await waitFor('the policy in force', () => bed.auditLines().some((r) => r.event === 'policy-loaded'), 10_000);
  }, 30_000);

  afterAll(() => bed?.cleanup());

  it('are each refused with their reason, cost a few MB at most, and the policy in force keeps killing', async () => {
    const { fx, agentPid } = bed;
    const atRest = peakRssMb(agentPid);
    const rows: string[] = [];
    for (const shape of [...HOSTILE_SHAPES.map((s) => ({ ...s, n: largestWithinCaps(s) })), OLD_LIMIT]) {
      const name = `hostile-${shape.name}.${shape.json ? 'json' : 'yaml'}`;
      const file = path.join(fx.policyDir, name);
      const text = shape.make(shape.n);
      fx.writePolicy(name, text);
      const rejected = await waitFor(`${name} refused`, () => bed.auditLines().find((r) => r.event === 'policy-rejected' && r.path === file), 10_000);
      expect(rejected.outcome, name).toBe(shape.code);
      expect(rejected.detail, name).toContain(shape.message);
      rows.push(`${shape.name.padEnd(20)} ${String(Buffer.byteLength(text)).padStart(8)} B  peak RSS ${peakRssMb(agentPid).toFixed(1)} MB`);
      fs.rmSync(file);
      fs.rmSync(`${file}.sig`);
    }
    const peak = peakRssMb(agentPid);
    console.log(`agent peak RSS at rest ${atRest.toFixed(1)} MB, after every file ${peak.toFixed(1)} MB\n${rows.join('\n')}`);
    expect(peak - atRest).toBeLessThan(PARSE_RSS_BUDGET_MB);

    await bed.claudeKilled();
    expect(bed.auditLines().filter((r) => r.event === 'policy-loaded')).toHaveLength(1);
  }, 90_000);
});
