// Lays catalog-syntax paths out as real files under a temp machine: one home and a system root, for any OS's layout.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Platform } from '../../agent/common/model.js';
import type { DetectContext } from '../../agent/core/detect/index.js';
import { resolveLocation } from '../../agent/core/detect/index.js';

export interface TempMachine {
  dir: string;
  root: string;
  home: string;
  ctx: DetectContext;
  /** Absolute path of a catalog-syntax path on this machine. */
  at(location: string): string;
  file(location: string, content?: string): string;
  dirAt(location: string): string;
  cleanup(): void;
}

export function tempMachine(platform: Platform, user = 'alice'): TempMachine {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cordon-${platform}-`));
  const root = path.join(dir, 'root');
  const home = path.join(root, platform === 'win32' ? 'Users' : platform === 'darwin' ? 'Users' : 'home', user);
  fs.mkdirSync(home, { recursive: true });
  const ctx: DetectContext = { platform, systemRoot: root, homes: [{ user, home }] };
  const at = (location: string) => {
    const [resolved] = resolveLocation(location, ctx);
    if (!resolved) throw new Error(`not a location: ${location}`);
    return path.join(resolved.base, ...resolved.segments);
  };
  return {
    dir,
    root,
    home,
    ctx,
    at,
    file(location, content = 'x') {
      const p = at(location);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
      return p;
    },
    dirAt(location) {
      const p = at(location);
      fs.mkdirSync(p, { recursive: true });
      return p;
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
