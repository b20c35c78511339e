// The layer rules in eslint.config.js, shown to bite: each wrong import is reported with the layer to use instead, right ones pass.
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

// The repository's own config; only the type-aware rules are off, so a probe file needs no place in tsconfig.
const eslint = new ESLint({ cwd: repoRoot, overrideConfig: tseslint.configs.disableTypeChecked });

/** Lints `text` as if it were a new file at `filePath` (relative imports resolve against the real tree). */
async function problems(filePath: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: path.join(repoRoot, filePath) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

const clientModule = fs
  .readdirSync(path.join(repoRoot, 'agent/client'))
  .find((f) => f.endsWith('.ts'))
  ?.replace(/\.ts$/, '.js');

describe('agent/core stays pure', () => {
  it('reports the core importing node:fs and names the files port instead', async () => {
    const found = await problems('agent/core/probe.ts', "import fs from 'node:fs';\nexport const exists = (p: string): boolean => fs.existsSync(p);\n");
    expect(found).toEqual([expect.stringMatching(/^no-restricted-imports: .*agent\/core does not touch the OS: use the files port \(agent\/ports\)/)]);
  });

  it('reports child_process, os and the OS packages in the core', async () => {
    const found = await problems(
      'agent/core/detect/scanInstalls.ts',
      "import { execFile } from 'node:child_process';\nimport os from 'node:os';\nimport psList from 'ps-list';\nexport const all = [execFile, os, psList];\n",
    );
    expect(found.map((f) => f.split(':')[0])).toEqual(['no-restricted-imports', 'no-restricted-imports', 'no-restricted-imports']);
    expect(found[2]).toMatch(/processes port/);
  });

  it('reports the core reading the clock or starting a timer', async () => {
    const found = await problems(
      'agent/core/policy/evaluate.ts',
      'export const now = Date.now();\nexport const today = new Date();\nexport const tick = setTimeout(() => undefined, 10);\n',
    );
    expect(found).toEqual([
      expect.stringMatching(/^no-restricted-syntax: The core has no clock: take `now` as a parameter/),
      expect.stringMatching(/^no-restricted-syntax: The core has no clock/),
      expect.stringMatching(/^no-restricted-syntax: The core has no timers/),
    ]);
  });

  it('lets the core build a date from a value it was given', async () => {
    expect(await problems('agent/core/probe.ts', 'export const at = (ms: number): string => new Date(ms).toISOString();\n')).toEqual([]);
  });

  it('reports the core importing the daemon', async () => {
    const found = await problems('agent/core/probe.ts', "import { Daemon } from '../daemon/daemon.js';\nexport const d = Daemon;\n");
    expect(found).toEqual([expect.stringMatching(/^boundaries\/dependencies: agent\/core is pure.*\(imports daemon\)/)]);
  });

  it('lets the core import agent/common and the ports', async () => {
    const text =
      "import { CordonError } from '../common/errors.js';\nimport type { Clock } from '../ports/index.js';\nexport const use = (c: Clock): unknown => [c, CordonError];\n";
    expect(await problems('agent/core/probe.ts', text)).toEqual([]);
  });
});

describe('adapters, daemon and CLI', () => {
  it('reports an adapter importing the daemon', async () => {
    const found = await problems('agent/adapters/probe.ts', "import { Daemon } from '../daemon/daemon.js';\nexport const d = Daemon;\n");
    expect(found).toEqual([expect.stringMatching(/^boundaries\/dependencies: agent\/adapters implement ports.*\(imports daemon\)/)]);
  });

  it('lets an adapter touch the file system', async () => {
    expect(await problems('agent/adapters/probe.ts', "import fs from 'node:fs';\nexport const exists = (p: string): boolean => fs.existsSync(p);\n")).toEqual(
      [],
    );
  });

  it('reports the daemon and the CLI touching the file system themselves', async () => {
    const text = "import fs from 'node:fs';\nexport const exists = (p: string): boolean => fs.existsSync(p);\n";
    expect(await problems('agent/daemon/probe.ts', text)).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*agent\/daemon and agent\/cli does not touch the OS/),
    ]);
    expect(await problems('agent/cli/probe.ts', text)).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*agent\/daemon and agent\/cli does not touch the OS/),
    ]);
  });

  it('reports a signal sent outside the killer', async () => {
    expect(await problems('agent/daemon/probe.ts', 'export const stop = (pid: number): boolean => process.kill(pid);\n')).toEqual([
      expect.stringMatching(/^no-restricted-properties: .*killer port/),
    ]);
  });
});

describe('tray and scripts', () => {
  it('reports the tray importing agent/daemon', async () => {
    const found = await problems('tray/model/probe.ts', "import { Daemon } from '../../agent/daemon/daemon.js';\nexport const d = Daemon;\n");
    expect(found).toEqual([expect.stringMatching(/^boundaries\/dependencies: tray\/ reaches the agent only through agent\/common.*\(imports daemon\)/)]);
  });

  it('lets the tray import agent/common and agent/client', async () => {
    const text = `import { CordonError } from '../../agent/common/errors.js';\nimport * as client from '../../agent/client/${clientModule}';\nexport const both = [CordonError, client];\n`;
    expect(await problems('tray/main/probe.ts', text)).toEqual([]);
  });

  it('gives the window no Node and no electron', async () => {
    const found = await problems(
      'tray/renderer/probe.ts',
      "import fs from 'node:fs';\nimport { ipcRenderer } from 'electron';\nexport const both = [fs, ipcRenderer];\n",
    );
    expect(found).toEqual([expect.stringMatching(/browser without Node/), expect.stringMatching(/browser without Node/)]);
  });

  it('keeps the socket client out of the tray window', async () => {
    const found = await problems('tray/renderer/probe.ts', `import * as client from '../../agent/client/${clientModule}';\nexport const c = client;\n`);
    expect(found).toEqual([expect.stringMatching(/^no-restricted-imports: .*The tray window cannot open the socket/)]);
  });

  it('keeps electron out of the tray view model', async () => {
    const found = await problems('tray/devbridge/probe.ts', "import { app } from 'electron';\nexport const a = app;\n");
    expect(found).toEqual([expect.stringMatching(/^no-restricted-imports: .*Only tray\/main and tray\/preload run in Electron/)]);
  });

  it('reports scripts importing the tray', async () => {
    const found = await problems('scripts/probe.ts', "import { TRAY_ICON_STATES } from '../tray/model/trayView.js';\nexport const s = TRAY_ICON_STATES;\n");
    expect(found).toEqual([expect.stringMatching(/^boundaries\/dependencies: scripts\/ never imports tray\/.*\(imports tray\)/)]);
  });
});
