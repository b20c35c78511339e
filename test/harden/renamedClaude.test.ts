// The genuine Claude Code under a name that says nothing: a renamed copy in ~/bin, started late by an `exec` that
// keeps the process name the agent already looked at. Recognised by its content and its executable, and killed.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAttackBed, type AttackBed } from '../support/attackBed.js';
import { claudeCodeBinary } from '../support/claudeCode.js';

/** `~/bin/vim`: the genuine binary under another name (a hard link where the cache shares the file system, else a copy). */
function renamedCopy(bed: AttackBed): string {
  const vim = path.join(bed.fx.home, 'bin', 'vim');
  const genuine = claudeCodeBinary();
  try {
    fs.linkSync(genuine, vim);
  } catch {
    fs.copyFileSync(genuine, vim);
    fs.chmodSync(vim, 0o755);
  }
  return vim;
}

// With exec events the exec is heard at once; polling alone catches it at the next full re-read (every 10 s).
describe.each([
  ['exec events', {}, 5000],
  ['polling alone', { processEvents: false }, 16_000],
])('a renamed Claude Code (%s)', (_name, config, withinMs) => {
  let bed: AttackBed;
  let vim: string;

  beforeAll(async () => {
    bed = await startAttackBed(config);
    vim = renamedCopy(bed);
  }, 600_000);

  afterAll(() => bed?.cleanup());

  it('2/11: a renamed copy started as vim is recognised by its content and killed', async () => {
    const pid = await bed.claudeKilled([vim, 'mcp', 'serve']);
    const kill = bed.auditLines().find((l) => l.event === 'kill' && l.pid === pid);
    expect(kill).toMatchObject({ outcome: 'ok', user: bed.user.name });
  }, 60_000);

  it('2: a late exec that keeps the name vim is looked at again and killed', async () => {
    // Named vim from the start and settled for seconds, then the same pid and name run the genuine binary.
    const script = `printf vim >/proc/self/comm; sleep 3; exec -a vim ${vim} mcp serve`;
    const pid = await bed.claudeKilled(['bash', '-c', script], withinMs);
    expect(bed.auditLines().find((l) => l.event === 'kill' && l.pid === pid)?.detail).toBeTruthy();
  }, 60_000);
});
