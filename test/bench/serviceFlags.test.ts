import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceNodeFlags } from '../../bench/agents.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function unit(execStart: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-bench-unit-'));
  dirs.push(dir);
  const file = path.join(dir, 'cordon.service.in');
  fs.writeFileSync(file, `[Service]\nEnvironment=ELECTRON_RUN_AS_NODE=1\nExecStart=${execStart}\nRestart=always\n`);
  return file;
}

describe('starting the daemon as the service unit does', () => {
  it('takes the node options written between the node binary and the agent entry', () => {
    const file = unit('"@NODE@" --max-semi-space-size=1 --max-old-space-size=64 "@AGENT_MAIN@" run --config "@CONFIG@"');
    expect(serviceNodeFlags(file)).toEqual(['--max-semi-space-size=1', '--max-old-space-size=64']);
  });

  it('passes nothing when the unit gives node no options, or is missing', () => {
    expect(serviceNodeFlags(unit('"@NODE@" "@AGENT_MAIN@" run --config "@CONFIG@"'))).toEqual([]);
    expect(serviceNodeFlags(path.join(os.tmpdir(), 'no-such-unit.service.in'))).toEqual([]);
  });
});
