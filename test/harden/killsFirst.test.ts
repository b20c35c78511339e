// Enforcement never waits behind slow I/O: a large install being quarantined does not hold up the kill of a claude
// started meanwhile, and the recovery of interrupted quarantines runs once the sockets and process sources are up.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type AgentFixture } from '../support/agentFixture.js';
import { startAttackBed, type AttackBed } from '../support/attackBed.js';
import type { ThrowawayUser } from '../support/throwawayUser.js';

describe('kills before quarantine work', () => {
  let bed: AttackBed;
  let fx: AgentFixture;
  let user: ThrowawayUser;

  beforeAll(async () => {
    bed = await startAttackBed();
    ({ fx, user } = bed);
  }, 30_000);

  afterAll(() => bed?.cleanup());

  it('3: the recovery of interrupted quarantines runs after the sockets and the process source are up', async () => {
    const lines = await waitFor('the recovery record', () => {
      const all = bed.auditLines();
      return all.some((l) => l.event === 'recovery') ? all : undefined;
    });
    const at = (event: string): number => lines.findIndex((l) => l.event === event);
    expect(at('process-source')).toBeGreaterThanOrEqual(0);
    expect(at('recovery')).toBeGreaterThan(at('process-source'));
    expect(at('recovery')).toBeGreaterThan(at('policy-loaded'));
  });

  it('3: a claude started while a large install is hashed into quarantine is killed before the quarantine ends', async () => {
    // Under the 2 GiB limit, so it is quarantined: moved at once, then every byte hashed for the manifest.
    const version = path.join(fx.home, '.local', 'share', 'claude', 'versions', '2.3.0');
    user.run('mkdir', ['-p', path.dirname(version)]);
    user.run('truncate', ['-s', '1900M', version]);
    const holds = (p: string | undefined): boolean => p !== undefined && (version === p || version.startsWith(`${p}/`));
    await waitFor('the install found', () => bed.auditLines().find((l) => l.event === 'detected' && holds(l.path)), 10_000);

    const killed = await bed.claudeKilled();
    const kill = bed.auditLines().find((l) => l.event === 'kill' && l.pid === killed);
    const quarantined = await waitFor('the quarantine record', () => bed.auditLines().find((l) => l.event === 'quarantine' && holds(l.path)), 60_000);
    expect(quarantined.outcome).toBe('ok');
    expect(Date.parse(kill?.time ?? '')).toBeLessThan(Date.parse(quarantined.time));
    expect(fs.existsSync(version)).toBe(false);
  }, 90_000);
});
