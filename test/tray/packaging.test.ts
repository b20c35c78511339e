// electron-builder.yml checked offline: schema validation, every referenced file present, the agent's runtime complete, icons sound.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ICON_STATES, allIcons } from '../../scripts/icons/drawIcons.js';
import { decodePng } from '../../scripts/icons/png.js';
import { TRAY_ICON_STATES } from '../../tray/model/trayView.js';
import { repoRoot } from '../support/paths.js';

const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string, configFromOptions: null): Promise<unknown>;
  validateConfiguration(config: unknown, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

interface ResourceEntry {
  from: string;
  to: string;
  filter?: string[];
}
const config = parse(fs.readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as {
  files: string[];
  extraResources: ResourceEntry[];
  mac: { target: string[]; icon: string; entitlements: string; extendInfo: Record<string, unknown> };
  pkg: { scripts: string };
  win: { target: string[]; icon: string; extraResources: ResourceEntry[] };
  beforePack: string;
  nsis: { include: string; perMachine: boolean };
  msiWrapped: { wrappedInstallerArgs: string };
  linux: { target: string[]; icon: string };
  deb: { afterInstall: string; afterRemove: string };
  rpm: { afterInstall: string; afterRemove: string };
};

async function validate(projectDir: string): Promise<void> {
  const loaded = await getConfig(projectDir, path.join(projectDir, 'electron-builder.yml'), null);
  await validateConfiguration(loaded, new DebugLogger(false));
}

/** The glob forms the config uses (`dir/*.js`, `dir/**\/*.js`, plain paths) as a regular expression. */
const patternToRegExp = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*\//g, '\uE000')
      .replace(/\*/g, '[^/]*')
      .replace(/\uE000/g, '(?:.*/)?')}$`,
  );

/** Every file the compiled module loads through relative imports, transitively. */
function importClosure(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  for (const [, spec] of fs.readFileSync(entry, 'utf8').matchAll(/(?:from|import)\s*['"](\.{1,2}\/[^'"]+)['"]/g))
    importClosure(path.resolve(path.dirname(entry), spec as string), seen);
  return seen;
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own configuration validation', async () => {
    await expect(validate(repoRoot)).resolves.toBeUndefined();
  });

  it('is checked for real: a misspelt key is rejected', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-eb-'));
    fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(dir, 'package.json'));
    fs.writeFileSync(path.join(dir, 'electron-builder.yml'), `${fs.readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')}\nnsisx: {}\n`);
    await expect(validate(dir)).rejects.toThrow(/unknown property 'nsisx'/);
  });

  it('builds every installer the three platforms need, as a menu-bar app on macOS', () => {
    // Every installer installs the agent service too: no disk image (drag to install) and no plain MSI (no scripts).
    expect(config.mac.target).toEqual(['pkg']);
    expect(config.mac.extendInfo.LSUIElement).toBe(true);
    expect(config.win.target).toEqual(['nsis', 'msiWrapped']);
    expect(config.msiWrapped.wrappedInstallerArgs).toBe('/S');
    expect(config.nsis.perMachine).toBe(true);
    expect(config.linux.target).toEqual(['deb', 'rpm', 'AppImage']);
  });

  it('ships the Windows service host prebuilt, built by the beforePack hook, and nothing else adds a host', () => {
    expect(fs.existsSync(path.join(repoRoot, config.beforePack))).toBe(true);
    expect(config.win.extraResources).toEqual([{ from: 'build/windows/CordonService.exe', to: 'service/CordonService.exe' }]);
  });

  it('references only files that exist', () => {
    const referenced = [
      config.mac.icon,
      config.mac.entitlements,
      path.join('build', config.pkg.scripts, 'postinstall'),
      config.win.icon,
      config.nsis.include,
      config.linux.icon,
      config.deb.afterInstall,
      config.deb.afterRemove,
      config.rpm.afterInstall,
      config.rpm.afterRemove,
      ...config.extraResources.map((r) => r.from),
    ];
    expect(referenced.filter((f) => !fs.existsSync(path.join(repoRoot, f)))).toEqual([]);
    const all = fs.readdirSync(repoRoot, { recursive: true, encoding: 'utf8' }).filter((f) => !f.startsWith('node_modules'));
    expect(config.files.filter((p) => !all.some((f) => patternToRegExp(p).test(f)))).toEqual([]);
  });

  it('has install hooks that are valid shell once electron-builder fills in its macros', () => {
    const macros: Record<string, string> = { executable: 'cordon-tray', sanitizedProductName: 'Cordon', productFilename: 'Cordon' };
    for (const hook of [config.deb.afterInstall, config.deb.afterRemove]) {
      const text = fs.readFileSync(path.join(repoRoot, hook), 'utf8').replace(/\$\{([a-zA-Z]+)\}/g, (_m, name: string) => {
        if (!(name in macros)) throw new Error(`${hook}: macro \${${name}} is not defined by electron-builder`);
        return macros[name] as string;
      });
      expect(spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' }).stderr).toBe('');
    }
    expect(spawnSync('sh', ['-n', path.join(repoRoot, 'build', config.pkg.scripts, 'postinstall')], { encoding: 'utf8' }).status).toBe(0);
  });
});

/** File paths inside an asar archive, read from its JSON header (pickle: sizes at bytes 4 and 12, JSON from 16). */
function asarFiles(archive: string): string[] {
  const bytes = fs.readFileSync(archive);
  const header = JSON.parse(bytes.toString('utf8', 16, 16 + bytes.readUInt32LE(12))) as AsarDir;
  const walk = (dir: AsarDir, prefix: string): string[] =>
    Object.entries(dir.files).flatMap(([name, entry]) => ('files' in entry ? walk(entry, `${prefix}${name}/`) : [`${prefix}${name}`]));
  return walk(header, '');
}
interface AsarDir {
  files: Record<string, AsarDir | { size: number }>;
}

describe('an unpacked Linux build (electron-builder --dir with a stand-in Electron, offline)', () => {
  let resources: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-eb-dir-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    const electronDist = path.join(dir, 'electron');
    fs.mkdirSync(path.join(electronDist, 'resources'), { recursive: true });
    fs.writeFileSync(path.join(electronDist, 'electron'), '#!/bin/sh\n', { mode: 0o755 });
    for (const f of ['LICENSE', 'LICENSES.chromium.html']) fs.writeFileSync(path.join(electronDist, f), '');
    fs.writeFileSync(path.join(electronDist, 'version'), '39.8.10');
    const build = spawnSync(
      process.execPath,
      [
        require.resolve('electron-builder/cli.js'),
        '--linux',
        'dir',
        `-c.electronDist=${electronDist}`,
        '-c.npmRebuild=false',
        `-c.directories.output=${path.join(dir, 'out')}`,
      ],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(build.status, build.stderr).toBe(0);
    resources = path.join(dir, 'out', 'linux-unpacked', 'resources');
  });

  it('packs every module the tray’s main process, preload and window load', () => {
    const packed = new Set(asarFiles(path.join(resources, 'app.asar')));
    const entries = ['dist/tray/main/main.js', 'dist/tray/renderer/app.js'].map((e) => path.join(repoRoot, e));
    const needed = [...new Set(entries.flatMap((e) => [...importClosure(e)]))].map((f) => path.relative(repoRoot, f));
    needed.push(
      'package.json',
      'dist/tray/preload/preload.cjs',
      'tray/renderer/index.html',
      'tray/renderer/styles.css',
      'tray/assets/tray-warningTemplate@2x.png',
    );
    expect(needed.filter((f) => !packed.has(f))).toEqual([]);
  });

  it('lays out the agent as plain files with exactly its runtime dependencies from the lockfile', () => {
    // Compared by name and version: electron-builder may hoist a nested copy to the top, which changes its path, not what ships.
    const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; dev?: boolean; devOptional?: boolean }>;
    };
    const runtime = Object.entries(lock.packages)
      .filter(([key, p]) => key.startsWith('node_modules/') && !p.dev && !p.devOptional)
      .map(([key, p]) => `${key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${p.version}`);
    const bundled: string[] = [];
    const walk = (dir: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const name of fs.readdirSync(dir)) {
        const pkgDirs = name.startsWith('@') ? fs.readdirSync(path.join(dir, name)).map((m) => path.join(dir, name, m)) : [path.join(dir, name)];
        for (const pkgDir of pkgDirs) {
          const manifest = path.join(pkgDir, 'package.json');
          if (!fs.existsSync(manifest)) continue;
          const { name: pkgName, version } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name: string; version: string };
          bundled.push(`${pkgName}@${version}`);
          walk(path.join(pkgDir, 'node_modules'));
        }
      }
    };
    walk(path.join(resources, 'app.asar.unpacked', 'node_modules'));
    expect([...new Set(bundled)].sort()).toEqual([...new Set(runtime)].sort());
    // The fleet state's SQLite binding ships as built for the Node it was installed with (see electron-builder.yml).
    expect(fs.existsSync(path.join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
  });

  it('runs the bundled agent from the package (catalog loaded, schemas found)', () => {
    const run = spawnSync(process.execPath, [path.join(resources, 'app.asar.unpacked', 'dist', 'agent', 'cli', 'main.js'), 'catalog', '--json'], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect((JSON.parse(run.stdout) as { tools: { id: string }[] }).tools.map((t) => t.id)).toContain('claude-code');
  });

  it('ships the service scripts, which find the bundled agent on their own', () => {
    const unit = spawnSync('sh', [path.join(resources, 'scripts', 'linux', 'install-service.sh'), '--node', process.execPath, '--print'], { encoding: 'utf8' });
    expect(unit.stderr).toBe('');
    expect(unit.stdout).toContain(`"${path.join(resources, 'app.asar.unpacked', 'dist', 'agent', 'cli', 'main.js')}" run`);
    expect(fs.existsSync(path.join(resources, 'scripts', 'windows', 'install-service.ps1'))).toBe(true);
    expect(fs.existsSync(path.join(resources, 'scripts', 'macos', 'com.cordon.agent.plist.in'))).toBe(true);
  });
});

describe('icons', () => {
  it('exist for every tray state in colour and as macOS templates, at 1x and 2x', () => {
    for (const state of TRAY_ICON_STATES) {
      for (const [suffix, size] of [
        ['', 16],
        ['@2x', 32],
        ['Template', 16],
        ['Template@2x', 32],
      ] as const) {
        const png = decodePng(fs.readFileSync(path.join(repoRoot, 'tray', 'assets', `tray-${state}${suffix}.png`)));
        expect([state, suffix, png.width, png.height]).toEqual([state, suffix, size, size]);
      }
    }
  });

  it('draws macOS template images in black and alpha only', () => {
    const { rgba } = decodePng(fs.readFileSync(path.join(repoRoot, 'tray', 'assets', 'tray-violationTemplate@2x.png')));
    const coloured = [];
    for (let i = 0; i < rgba.length; i += 4) if (rgba[i + 3] !== 0 && (rgba[i] !== 0 || rgba[i + 1] !== 0 || rgba[i + 2] !== 0)) coloured.push(i);
    expect(coloured).toEqual([]);
  });

  it('tells the states apart by colour', () => {
    const centreColour = (state: string): string => {
      const { rgba, width } = decodePng(fs.readFileSync(path.join(repoRoot, 'tray', 'assets', `tray-${state}@2x.png`)));
      const i = (8 * width + 8) * 4;
      return Array.from(rgba.subarray(i, i + 3)).join(',');
    };
    expect(new Set(TRAY_ICON_STATES.map(centreColour)).size).toBe(TRAY_ICON_STATES.length);
  });

  it('are drawn for exactly the states the tray shows', () => {
    expect([...ICON_STATES]).toEqual([...TRAY_ICON_STATES]);
  });

  it('are exactly what scripts/generate-icons.ts draws (no stale or hand-edited icon)', () => {
    const stale = [...allIcons()].filter(([file, bytes]) => !fs.readFileSync(path.join(repoRoot, file)).equals(bytes)).map(([file]) => file);
    expect(stale).toEqual([]);
  });
});
